package org.kmemlab.api.bug;

import org.kmemlab.api.Checks;

/**
 * A page-allocator misuse: freeing frames that are out of range, misaligned, already free, or with an
 * order other than the one they were allocated with.
 *
 * <p>The report imitates the kernel's {@code bad_page()}:
 * <pre>
 * BUG: Bad page state in process main  pfn:00010
 * page dumped because: freeing order 1 but the block at pfn 16 was allocated with order 2
 * Hint: pass free() the same order you passed allocate(); ...
 * </pre>
 */
public final class BadPageStateBug extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final long pfn;
    private final int order;

    /**
     * Creates a report for the block at {@code pfn} of {@code order}.
     *
     * @param pfn the first frame the caller passed
     * @param order the order the caller passed
     * @param reason why the page is in a bad state, in plain words (after {@code page dumped because:})
     * @param advice one sentence for a student
     */
    public BadPageStateBug(long pfn, int order, String reason, String advice) {
        super(Checks.format("BUG: Bad page state in process %s  pfn:%05x", Thread.currentThread().getName(), pfn),
                "page dumped because: " + reason,
                advice);
        this.pfn = pfn;
        this.order = order;
    }

    /** Returns the frame named in the report. */
    public long pfn() {
        return pfn;
    }

    /** Returns the order the caller passed. */
    public int order() {
        return order;
    }

    /** The block, or part of it, is already free: a double free. */
    public static BadPageStateBug alreadyFree(long pfn, int order) {
        return new BadPageStateBug(pfn, order,
                Checks.format("freeing pfn %d order %d, but (part of) the block is already free", pfn, order),
                "each block must be freed exactly once; look for a second free of the same pfn or an"
                        + " unwinding path that frees twice");
    }

    /** The frame is outside the allocator's range. */
    public static BadPageStateBug outOfRange(long pfn, int order, long startPfn, long endPfn) {
        return new BadPageStateBug(pfn, order,
                Checks.format("freeing pfn %d order %d, outside this allocator's frames [%d, %d)",
                        pfn, order, startPfn, endPfn),
                "free only a pfn that allocate() returned, to the allocator that returned it");
    }

    /** The frame is not aligned to the order. */
    public static BadPageStateBug misaligned(long pfn, int order) {
        return new BadPageStateBug(pfn, order,
                Checks.format("freeing pfn %d order %d, but an order-%d block starts at a multiple of %d",
                        pfn, order, order, 1L << Math.max(0, Math.min(order, 62))),
                "free the first pfn of the block that allocate() returned, with the order you allocated");
    }

    /** The order is outside {@code [0, maxOrder]}. */
    public static BadPageStateBug badOrder(long pfn, int order, int maxOrder) {
        return new BadPageStateBug(pfn, order,
                Checks.format("freeing pfn %d with order %d, outside 0..%d", pfn, order, maxOrder),
                "pass free() the same order you passed allocate()");
    }

    /** The block was allocated with another order. */
    public static BadPageStateBug wrongOrder(long pfn, int order, int allocatedOrder) {
        return new BadPageStateBug(pfn, order,
                Checks.format("freeing order %d but the block at pfn %d was allocated with order %d",
                        order, pfn, allocatedOrder),
                "pass free() the same order you passed allocate(); keep the order beside the pfn");
    }

    /** The frame is inside an allocated block but is not its first frame. */
    public static BadPageStateBug notBlockStart(long pfn, int order, long headPfn, int headOrder) {
        return new BadPageStateBug(pfn, order,
                Checks.format("freeing pfn %d order %d, which lies inside the order-%d block at pfn %d",
                        pfn, order, headOrder, headPfn),
                "free the first pfn of a block, the one allocate() returned");
    }
}
