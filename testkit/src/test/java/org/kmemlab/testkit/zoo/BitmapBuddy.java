package org.kmemlab.testkit.zoo;

import java.util.Arrays;
import java.util.BitSet;
import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * A second correct buddy allocator, deliberately unlike {@link ListBuddy}: free blocks are bits in one
 * bitmap per order, and {@code allocate} takes the <em>lowest-addressed</em> free block of any order
 * large enough, splitting a big block even when a block of the exact order is free higher up. It must
 * pass the page contract, which proves the contract does not assume LIFO order, best fit, or which
 * block is returned. On the 2.0 era it hands out the top of a split block, as every correct allocator
 * must there (rule page.linux20-expand).
 */
final class BitmapBuddy implements PageAllocator {

    private final long start;
    private final long end;
    private final int maxOrder;
    /** True on the 2.0 era: a split keeps the lower parts free and hands out the top. */
    private final boolean topHalf;
    /** free[k] has bit pfn set when a free block of order k starts at pfn. */
    private final BitSet[] free;
    /** The order of the live block starting at each frame, or -1. */
    private final int[] liveOrder;
    private long freeFrames;

    BitmapBuddy(PageAllocatorConfig config) {
        this.start = config.startPfn();
        this.end = config.endPfn();
        this.maxOrder = config.maxOrder();
        this.topHalf = config.handsOutTopHalf();
        this.free = new BitSet[maxOrder + 1];
        for (int k = 0; k <= maxOrder; k++) {
            free[k] = new BitSet();
        }
        this.liveOrder = new int[(int) config.frames()];
        Arrays.fill(liveOrder, -1);
        // Free the zone frame by frame, letting the merge logic build the largest blocks.
        for (long pfn = start; pfn < end; pfn++) {
            release(pfn, 0);
        }
    }

    @Override
    public long startPfn() {
        return start;
    }

    @Override
    public long frames() {
        return end - start;
    }

    @Override
    public int maxOrder() {
        return maxOrder;
    }

    @Override
    public long allocate(int order) {
        if (order < 0 || order > maxOrder) {
            return NO_PAGE;
        }
        long best = -1;
        int bestOrder = -1;
        for (int k = order; k <= maxOrder; k++) {
            int bit = free[k].nextSetBit((int) start);
            if (bit >= 0 && (best < 0 || bit < best)) {
                best = bit;
                bestOrder = k;
            }
        }
        if (best < 0) {
            return NO_PAGE;
        }
        free[bestOrder].clear((int) best);
        for (int k = bestOrder - 1; k >= order; k--) {
            if (topHalf) {
                free[k].set((int) best);
                best += 1L << k;
            } else {
                free[k].set((int) (best + (1L << k)));
            }
        }
        liveOrder[(int) (best - start)] = order;
        freeFrames -= 1L << order;
        return best;
    }

    @Override
    public void free(long pfn, int order) {
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        if (pfn < start || pfn + (1L << order) > end) {
            throw BadPageStateBug.outOfRange(pfn, order, start, end);
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            throw BadPageStateBug.misaligned(pfn, order);
        }
        int live = liveOrder[(int) (pfn - start)];
        if (live >= 0 && live != order) {
            throw BadPageStateBug.wrongOrder(pfn, order, live);
        }
        if (live < 0) {
            long head = liveHeadContaining(pfn);
            if (head >= 0) {
                throw BadPageStateBug.notBlockStart(pfn, order, head, liveOrder[(int) (head - start)]);
            }
            throw BadPageStateBug.alreadyFree(pfn, order);
        }
        liveOrder[(int) (pfn - start)] = -1;
        release(pfn, order);
    }

    private long liveHeadContaining(long pfn) {
        for (int k = 1; k <= maxOrder; k++) {
            long head = pfn & -(1L << k);
            if (head >= start && liveOrder[(int) (head - start)] >= 0) {
                return head + (1L << liveOrder[(int) (head - start)]) > pfn ? head : -1;
            }
        }
        return -1;
    }

    /** Marks the block free and merges it with free buddies as far as it goes. */
    private void release(long pfn, int order) {
        freeFrames += 1L << order;
        int k = order;
        while (k < maxOrder) {
            long buddy = pfn ^ (1L << k);
            long parent = pfn & -(2L << k);
            if (parent < start || parent + (2L << k) > end || !free[k].get((int) buddy)) {
                break;
            }
            free[k].clear((int) buddy);
            pfn = parent;
            k++;
        }
        free[k].set((int) pfn);
    }

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long freeBlocks(int order) {
        Checks.requireArgument(order >= 0 && order <= maxOrder, "order %d is outside 0..%d", order, maxOrder);
        return free[order].cardinality();
    }
}
