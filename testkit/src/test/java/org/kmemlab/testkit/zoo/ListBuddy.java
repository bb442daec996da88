package org.kmemlab.testkit.zoo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * A correct textbook buddy allocator with LIFO free lists (the last block freed is the first handed
 * out) that splits as the configured era did (the lower half handed out today, the top on 2.0), written
 * plainly so that each page-allocator mutant can change one decision by overriding one hook. It must
 * pass the page contract; the mutants must not.
 *
 * <p>Frames are described by two per-frame arrays: {@code headOrder[i]} is the order of the block whose
 * first frame is {@code start + i} (or -1 when no block starts there) and {@code headFree[i]} says whether
 * that block is free. Free lists hold first pfns per order.
 */
class ListBuddy implements PageAllocator {

    protected final long start;
    protected final long end;
    protected final int maxOrder;
    /** True on the 2.0 era: a split frees the lower half and goes on with the upper (2.0's EXPAND). */
    protected boolean topHalf;
    protected final int[] headOrder;
    protected final boolean[] headFree;
    protected final List<ArrayDeque<Long>> freeLists = new ArrayList<>();
    protected long freeFrames;

    ListBuddy(PageAllocatorConfig config) {
        this.start = config.startPfn();
        this.end = config.endPfn();
        this.maxOrder = config.maxOrder();
        this.topHalf = config.handsOutTopHalf();
        this.headOrder = new int[(int) config.frames()];
        this.headFree = new boolean[(int) config.frames()];
        java.util.Arrays.fill(headOrder, -1);
        for (int k = 0; k <= maxOrder; k++) {
            freeLists.add(new ArrayDeque<>());
        }
        layOut();
    }

    /** Frees the largest aligned blocks that fit, lowest first. */
    protected void layOut() {
        long pfn = start;
        while (pfn < end) {
            int k = maxOrder;
            while (k > 0 && (pfn % (1L << k) != 0 || !fitsAtEnd(pfn, k))) {
                k--;
            }
            if (!fitsAtEnd(pfn, k)) {
                break;
            }
            pushFree(pfn, k);
            freeFrames += 1L << k;
            pfn += 1L << k;
        }
    }

    /** Returns true when an order-k block at pfn ends inside the zone. */
    protected boolean fitsAtEnd(long pfn, int k) {
        return pfn + (1L << k) <= end;
    }

    protected final int index(long pfn) {
        return (int) (pfn - start);
    }

    protected void pushFree(long pfn, int k) {
        headOrder[index(pfn)] = k;
        headFree[index(pfn)] = true;
        freeLists.get(k).addFirst(pfn);
    }

    protected void removeFree(long pfn, int k) {
        freeLists.get(k).removeFirstOccurrence(pfn);
        headOrder[index(pfn)] = -1;
        headFree[index(pfn)] = false;
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
        int k = order;
        while (k <= maxOrder && freeLists.get(k).isEmpty()) {
            k++;
        }
        if (k > maxOrder) {
            return NO_PAGE;
        }
        long pfn = freeLists.get(k).peekFirst();
        removeFree(pfn, k);
        while (k > order) {
            k--;
            long upper = pfn + (1L << k);
            if (topHalf) {
                splitOff(pfn, upper, k, order);
                pfn = upper;
            } else {
                splitOff(upper, pfn, k, order);
            }
        }
        headOrder[index(pfn)] = order;
        headFree[index(pfn)] = false;
        freeFrames -= 1L << order;
        return pfn;
    }

    /**
     * Puts the half of a split that is not kept, {@code freed} of order k, on its free list; {@code kept}
     * is the other half, split further or handed out when {@code k == wanted}.
     */
    protected void splitOff(long freed, long kept, int k, int wanted) {
        pushFree(freed, k);
    }

    @Override
    public void free(long pfn, int order) {
        validateFree(pfn, order);
        headOrder[index(pfn)] = -1;
        headFree[index(pfn)] = false;
        freeFrames += 1L << order;
        int k = order;
        while (k < maxOrder && mergesAt(k)) {
            long buddy = buddyOf(pfn, k);
            if (!canMerge(buddy, k)) {
                break;
            }
            removeFree(buddy, headOrder[index(buddy)] < 0 ? k : headOrder[index(buddy)]);
            pfn = Math.min(pfn, buddy);
            k++;
        }
        pushFree(pfn, k);
    }

    /** Returns true when blocks of order k merge with their buddies. */
    protected boolean mergesAt(int k) {
        return true;
    }

    /** Returns the buddy of the order-k block at pfn: the worked example 8 ^ 2 = 10 for order 1. */
    protected long buddyOf(long pfn, int k) {
        return pfn ^ (1L << k);
    }

    /** Returns true when the buddy is inside the zone and a free block of exactly order k. */
    protected boolean canMerge(long buddy, int k) {
        long parent = Math.min(buddy, buddy ^ (1L << k));
        if (buddy < start || buddy + (1L << k) > end || parent < start || parent + (2L << k) > end) {
            return false;
        }
        int i = index(buddy);
        return headFree[i] && headOrder[i] == k;
    }

    /** Throws BadPageStateBug unless (pfn, order) is exactly a live block. */
    protected void validateFree(long pfn, int order) {
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        if (pfn < start || pfn + (1L << order) > end) {
            throw BadPageStateBug.outOfRange(pfn, order, start, end);
        }
        if (pfn % (1L << order) != 0) {
            throw BadPageStateBug.misaligned(pfn, order);
        }
        int i = index(pfn);
        if (headOrder[i] >= 0) {
            if (headFree[i]) {
                throw BadPageStateBug.alreadyFree(pfn, order);
            }
            checkOrder(pfn, order, headOrder[i]);
            return;
        }
        long head = containingHead(pfn);
        if (head < 0 || headFree[index(head)]) {
            throw BadPageStateBug.alreadyFree(pfn, order);
        }
        throw BadPageStateBug.notBlockStart(pfn, order, head, headOrder[index(head)]);
    }

    protected void checkOrder(long pfn, int order, int allocated) {
        if (allocated != order) {
            throw BadPageStateBug.wrongOrder(pfn, order, allocated);
        }
    }

    /** Returns the first pfn of the block (free or live) containing pfn, or -1. */
    protected long containingHead(long pfn) {
        for (int k = 0; k <= maxOrder; k++) {
            long head = pfn & ~((1L << k) - 1);
            if (head >= start && headOrder[index(head)] >= 0) {
                return head + (1L << headOrder[index(head)]) > pfn ? head : -1;
            }
        }
        return -1;
    }

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long freeBlocks(int order) {
        Checks.requireArgument(order >= 0 && order <= maxOrder, "order %d is outside 0..%d", order, maxOrder);
        return freeLists.get(order).size();
    }

    @Override
    public void checkInvariants() {
        long frames = 0;
        for (int k = 0; k <= maxOrder; k++) {
            frames += (long) freeLists.get(k).size() << k;
        }
        Checks.requireState(frames == freeFrames, "free lists hold %d frames but freeFrames is %d", frames, freeFrames);
    }
}
