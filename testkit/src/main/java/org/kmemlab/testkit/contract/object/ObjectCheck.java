package org.kmemlab.testkit.contract.object;

/**
 * The invariants an object-contract property checks, besides the ones every property checks (an object
 * is a direct-map address, aligned to the era's minimum, inside pages the allocator holds from its page source, at
 * least {@code size} usable bytes, sharing no byte with a live object; sizes 0 and above
 * {@code maxSize()} give NULL; bad frees raise {@code KernelBug} and change nothing; pages go back to
 * the source with the address and order they came with; nothing unexpected is thrown).
 */
enum ObjectCheck {
    /** Byte patterns written into every live object read back unchanged. */
    PATTERNS,
    /** slabinfo agrees with the live objects and with the pages held from the source. */
    ACCOUNTING,
    /** NULL only when the page source refused a request, and a failed allocation changes nothing. */
    FAILED_ALLOCATION,
    /** After {@code shrink()}, every page held holds a live object; with none live, none is held. */
    SHRINK,
    /** {@code __GFP_ZERO} objects are zeroed; {@code __GFP_DMA} objects lie in DMA pages. */
    GFP,
    /** {@code usableSize()} of a live object never changes. */
    USABLE_SIZE
}
