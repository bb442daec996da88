package edu.example.buddy;

import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * Your buddy allocator. Read the contract in {@link PageAllocator}'s Javadoc first: every MUST there is
 * a test in {@code StudentBuddyTests}.
 *
 * <p>This skeleton compiles and behaves honestly, but it cannot allocate anything yet:
 * <ul>
 *   <li>{@link #allocate(int)} always answers {@link #NO_PAGE} ("no memory"), a legal answer, but wrong
 *       while frames are free;</li>
 *   <li>{@link #free(long, int)} raises the kernel's {@code Bad page state} bug, which is exactly right
 *       for an allocator that has handed nothing out;</li>
 *   <li>{@link #freeBlocks(int)} reports no free blocks, which does not match {@link #freeFrames()}.</li>
 * </ul>
 * So {@code mvn test} fails, and its reports say what is missing. Replace each TODO.
 *
 * <p>Hints: keep one free list per order; the buddy of block {@code pfn} of order {@code k} is
 * {@code pfn ^ (1 << k)}; blocks are naturally aligned ({@code pfn % 2^order == 0}, in absolute frame
 * numbers); on free, merge with the buddy while it is free and of the same order. A split keeps the
 * lower half and frees the upper one, as today's kernel does, except when
 * {@code config.handsOutTopHalf()} (the Linux 2.0 era): then it frees the lower half and goes on with
 * the upper one, as 2.0 did (rule {@code page.linux20-expand}). Primitive arrays
 * ({@code long[]}, {@code byte[]}) keep {@code allocate} and {@code free} free of Java allocations.
 */
final class StudentBuddyAllocator implements PageAllocator {

    private final long startPfn;
    private final long frames;
    private final int maxOrder;

    /** Creates an allocator whose frames are all free. */
    StudentBuddyAllocator(PageAllocatorConfig config) {
        this.startPfn = config.startPfn();
        this.frames = config.frames();
        this.maxOrder = config.maxOrder();
        // TODO: put every frame on the free lists, as the largest naturally aligned blocks that fit.
    }

    @Override
    public long startPfn() {
        return startPfn;
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public int maxOrder() {
        return maxOrder;
    }

    @Override
    public long allocate(int order) {
        // TODO: find a free block of this order (split a larger one if needed) and return its first pfn.
        return NO_PAGE;
    }

    @Override
    public void free(long pfn, int order) {
        if (pfn < startPfn || pfn >= startPfn + frames) {
            throw BadPageStateBug.outOfRange(pfn, order, startPfn, startPfn + frames);
        }
        // TODO: check the block was allocated with this order, then free it and merge it with its buddy.
        // Until allocate() hands out blocks, every free is of a block that is already free:
        throw BadPageStateBug.alreadyFree(pfn, order);
    }

    @Override
    public long freeFrames() {
        // Nothing is ever allocated yet, so every frame is free. TODO: keep this count up to date.
        return frames;
    }

    @Override
    public long freeBlocks(int order) {
        if (order < 0 || order > maxOrder) {
            throw new IllegalArgumentException("order " + order + " is outside 0.." + maxOrder);
        }
        // TODO: return the number of free blocks of exactly this order (a column of /proc/buddyinfo).
        return 0;
    }

    @Override
    public void checkInvariants() {
        // TODO (recommended): check your free lists, e.g. that the free blocks add up to freeFrames().
        // The contract calls this after every step; throw IllegalStateException describing what is wrong.
    }
}
