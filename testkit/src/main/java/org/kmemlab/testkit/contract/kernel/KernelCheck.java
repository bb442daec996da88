package org.kmemlab.testkit.contract.kernel;

/**
 * The invariants a kernel-contract property checks after every step, besides what every property checks
 * at each call (an allocation is a direct-map address overlapping no live one, with {@code ksize} at
 * least the size asked; page blocks are naturally aligned; {@code kmalloc(0)} is {@code ZERO_SIZE_PTR};
 * sizes above every era's maximum give NULL; bad frees raise {@code KernelBug} and change nothing;
 * nothing unexpected is thrown).
 */
enum KernelCheck {
    /** Byte patterns written into every live allocation read back unchanged. */
    PATTERNS,
    /** {@code ksize} of every live kmalloc allocation stays at least its size, and unchanged. */
    KSIZE,
    /** {@code __GFP_ZERO} memory is zeroed; {@code GFP_DMA} memory lies below 16 MiB. */
    GFP,
    /** meminfo, zoneinfo and slabinfo agree with each other and with the live allocations; nothing leaks. */
    ACCOUNTING
}
