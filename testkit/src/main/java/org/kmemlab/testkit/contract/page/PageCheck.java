package org.kmemlab.testkit.contract.page;

/**
 * The invariants a page-contract property checks after every step, besides the ones every property
 * checks (blocks inside the zone, aligned, and sharing no frame with a live block in the model; no
 * unexpected exception; the allocator's own {@code checkInvariants()}; bad frees raise
 * {@code KernelBug} and change nothing).
 */
enum PageCheck {
    /** Byte patterns written into every live frame read back unchanged. */
    PATTERNS,
    /** {@code freeFrames()} and {@code freeBlocks(k)} equal the model's figures. */
    ACCOUNTING,
    /** {@code NO_PAGE} only when no free aligned block of the order exists, and it changes nothing. */
    FAILED_ALLOCATION,
    /** With no live block, the layout equals the initial one. */
    RESTORE
}
