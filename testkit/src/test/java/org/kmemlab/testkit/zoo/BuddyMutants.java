package org.kmemlab.testkit.zoo;

import java.util.List;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * The page-allocator mutants: each is {@link ListBuddy} with one bug a student really makes, in one
 * overridden hook. The page contract must kill every one of them (see {@code MutantZooTests}).
 */
final class BuddyMutants {

    private BuddyMutants() {
    }

    /** Returns every page-allocator mutant. */
    static List<ZooPageProvider> all() {
        return List.of(
                new ZooPageProvider("never-merges", "freed blocks are never coalesced with their buddies",
                        NeverMerges::new),
                new ZooPageProvider("buddy-off-by-one-order", "the buddy is computed with 2 << order instead of"
                        + " 1 << order", WrongBuddyOrder::new),
                new ZooPageProvider("merges-partly-free-buddy", "merges when the buddy's first frame is a free"
                        + " block of any order, although the rest of the buddy is in use", MergesPartlyFree::new),
                new ZooPageProvider("aligned-to-zone-start", "aligns blocks relative to the zone's first frame"
                        + " instead of to absolute frame numbers", RelativeAlignment::new),
                new ZooPageProvider("leaks-split-half", "the last split loses the upper half instead of putting"
                        + " it on a free list", LeaksSplitHalf::new),
                new ZooPageProvider("overlapping-split", "the last split also leaves the returned half on the"
                        + " free list", OverlappingSplit::new),
                new ZooPageProvider("silent-double-free", "a second free of the same block is silently"
                        + " ignored", SilentDoubleFree::new),
                new ZooPageProvider("buddyinfo-miscount", "nr_free is not decremented when a buddy is taken"
                        + " off its list to merge", BuddyinfoMiscount::new),
                new ZooPageProvider("accepts-wrong-order", "free() trusts the order the caller passes",
                        AcceptsWrongOrder::new),
                new ZooPageProvider("zone-end-plus-one", "the initial layout treats endPfn as inside the zone",
                        ZoneEndPlusOne::new),
                new ZooPageProvider("loses-last-block", "the initial layout stops one block before the zone's"
                        + " end", LosesLastBlock::new),
                new ZooPageProvider("accepts-interior-free", "a frame inside a live block is freed as if it"
                        + " were a block of its own", AcceptsInteriorFree::new),
                new ZooPageProvider("failed-allocation-charges", "freeFrames is charged before the search and"
                        + " not refunded when it finds nothing", FailedAllocationCharges::new),
                new ZooPageProvider("wrong-order-free-half-done", "a wrong-order free credits freeFrames before"
                        + " raising the bug", WrongOrderHalfDone::new),
                new ZooPageProvider("bad-order-crashes", "allocate() indexes the free lists without checking"
                        + " the order", BadOrderCrashes::new),
                new ZooPageProvider("reports-one-frame-more", "frames() counts the zone's end frame too",
                        ReportsOneFrameMore::new),
                new ZooPageProvider("scribbles-after-freed-block", "free() writes a free-list link into the frame"
                        + " after the freed block, which may be live", ScribblesAfterFreedBlock::new),
                new ZooPageProvider("throws-when-full", "allocate() throws instead of returning NO_PAGE when"
                        + " nothing fits", ThrowsWhenFull::new),
                new ZooPageProvider("refuses-max-order", "allocate(maxOrder) always returns NO_PAGE",
                        RefusesMaxOrder::new),
                new ZooPageProvider("clamps-bad-order", "allocate() of an order above maxOrder hands out a"
                        + " maxOrder block", ClampsBadOrder::new),
                new ZooPageProvider("rejects-max-order-free", "free() of a maxOrder block raises a bug",
                        RejectsMaxOrderFree::new),
                new ZooPageProvider("reports-max-order-blocks-as-halves", "after the first free, buddyinfo shows"
                        + " every free maxOrder block as two unmerged buddies", ReportsMaxOrderBlocksAsHalves::new),
                new ZooPageProvider("expand-keeps-lower-half-on-linux20", "on the 2.0 era a split still hands"
                        + " out the lower half (today's expand()), not the top as 2.0's EXPAND did",
                        KeepsLowerHalfOnLinux20::new),
                new ZooPageProvider("self-check-false-alarm", "checkInvariants() reports a broken allocator"
                        + " whenever fewer than half the frames are free", SelfCheckFalseAlarm::new));
    }

    /**
     * A mutant's base: {@link ListBuddy} without its own consistency checker, because the zoo measures
     * what the contract catches, not what a student's {@code checkInvariants()} would.
     */
    abstract static class Mutant extends ListBuddy {
        Mutant(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public final void checkInvariants() {
            // a student whose allocator has this bug has a checker that misses it
        }
    }

    /** Never coalesces: buddyinfo drifts towards order 0 and large blocks run out. */
    static final class NeverMerges extends Mutant {
        NeverMerges(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected boolean mergesAt(int k) {
            return false;
        }
    }

    /** The buddy of an order-k block is taken at distance 2^(k+1). */
    static final class WrongBuddyOrder extends Mutant {
        WrongBuddyOrder(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long buddyOf(long pfn, int k) {
            return pfn ^ (2L << k);
        }

        @Override
        protected boolean canMerge(long buddy, int k) {
            return buddy >= start && buddy + (1L << k) <= end && headFree[index(buddy)] && headOrder[index(buddy)] == k;
        }
    }

    /** Looks only at the buddy's first frame. */
    static final class MergesPartlyFree extends Mutant {
        MergesPartlyFree(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected boolean canMerge(long buddy, int k) {
            long parent = Math.min(buddy, buddy ^ (1L << k));
            if (buddy < start || buddy + (1L << k) > end || parent < start || parent + (2L << k) > end) {
                return false;
            }
            return headFree[index(buddy)] && headOrder[index(buddy)] <= k;
        }
    }

    /** Treats frame numbers as relative to the zone start when aligning and finding buddies. */
    static final class RelativeAlignment extends Mutant {
        RelativeAlignment(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void layOut() {
            long pfn = start;
            while (pfn < end) {
                int k = maxOrder;
                while (k > 0 && ((pfn - start) % (1L << k) != 0 || pfn + (1L << k) > end)) {
                    k--;
                }
                pushFree(pfn, k);
                freeFrames += 1L << k;
                pfn += 1L << k;
            }
        }

        @Override
        protected long buddyOf(long pfn, int k) {
            return start + ((pfn - start) ^ (1L << k));
        }

        @Override
        protected boolean canMerge(long buddy, int k) {
            long parent = Math.min(buddy, buddyOf(buddy, k));
            return buddy + (1L << k) <= end && parent + (2L << k) <= end && headFree[index(buddy)]
                    && headOrder[index(buddy)] == k;
        }

        @Override
        protected void validateFree(long pfn, int order) {
            if (order < 0 || order > maxOrder || pfn < start || pfn + (1L << order) > end
                    || headOrder[index(pfn)] != order || headFree[index(pfn)]) {
                throw BadPageStateBug.alreadyFree(pfn, order);
            }
        }
    }

    /** Loses the half it does not hand out at the last split. */
    static final class LeaksSplitHalf extends Mutant {
        LeaksSplitHalf(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void splitOff(long freed, long kept, int k, int wanted) {
            if (k != wanted) {
                super.splitOff(freed, kept, k, wanted);
            }
        }
    }

    /** Leaves the returned half on a free list too at the last split. */
    static final class OverlappingSplit extends Mutant {
        OverlappingSplit(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void splitOff(long freed, long kept, int k, int wanted) {
            super.splitOff(freed, kept, k, wanted);
            if (k == wanted && k > 0) {
                freeLists.get(k).addLast(kept);
            }
        }
    }

    /** Ignores a free of a block that is already free. */
    static final class SilentDoubleFree extends Mutant {
        SilentDoubleFree(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public void free(long pfn, int order) {
            if (pfn >= start && pfn < end && headFree[index(pfn)]) {
                return;
            }
            super.free(pfn, order);
        }
    }

    /** Keeps separate nr_free counters and forgets one decrement when merging. */
    static final class BuddyinfoMiscount extends Mutant {
        private long[] nrFree;
        private boolean merging;

        BuddyinfoMiscount(PageAllocatorConfig c) {
            super(c);
        }

        private long[] counters() {
            if (nrFree == null) {
                nrFree = new long[maxOrder + 1];
            }
            return nrFree;
        }

        @Override
        protected void pushFree(long pfn, int k) {
            super.pushFree(pfn, k);
            counters()[k]++;
        }

        @Override
        protected void removeFree(long pfn, int k) {
            super.removeFree(pfn, k);
            if (!merging) {
                counters()[k]--;
            }
        }

        @Override
        public void free(long pfn, int order) {
            merging = true;
            try {
                super.free(pfn, order);
            } finally {
                merging = false;
            }
        }

        @Override
        public long freeBlocks(int order) {
            super.freeBlocks(order);
            return counters()[order];
        }
    }

    /** Frees with whatever order the caller passes. */
    static final class AcceptsWrongOrder extends Mutant {
        AcceptsWrongOrder(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void checkOrder(long pfn, int order, int allocated) {
            // trusts the caller
        }
    }

    /** Lets the last block of the initial layout reach one frame past the end. */
    static final class ZoneEndPlusOne extends Mutant {
        ZoneEndPlusOne(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected boolean fitsAtEnd(long pfn, int k) {
            return pfn + (1L << k) <= end + 1;
        }

        @Override
        protected void pushFree(long pfn, int k) {
            if (pfn < end) {
                super.pushFree(pfn, k);
            }
        }
    }

    /** Stops the initial layout before the last block. */
    static final class LosesLastBlock extends Mutant {
        LosesLastBlock(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected boolean fitsAtEnd(long pfn, int k) {
            return pfn + (1L << k) < end;
        }
    }

    /** Treats a frame inside a live block as the head of a block of the order passed. */
    static final class AcceptsInteriorFree extends Mutant {
        AcceptsInteriorFree(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void validateFree(long pfn, int order) {
            if (pfn >= start && pfn + (1L << order) <= end && order >= 0 && order <= maxOrder
                    && headOrder[index(pfn)] < 0) {
                long head = containingHead(pfn);
                if (head >= 0 && !headFree[index(head)]) {
                    return;
                }
            }
            super.validateFree(pfn, order);
        }
    }

    /** Charges freeFrames before searching and forgets to refund it. */
    static final class FailedAllocationCharges extends Mutant {
        FailedAllocationCharges(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(int order) {
            if (order < 0 || order > maxOrder) {
                return NO_PAGE;
            }
            long pfn = super.allocate(order);
            if (pfn == NO_PAGE) {
                freeFrames -= 1L << order;
                if (freeFrames < 0) {
                    freeFrames = 0;
                }
            }
            return pfn;
        }
    }

    /** Credits freeFrames before the order check throws. */
    static final class WrongOrderHalfDone extends Mutant {
        WrongOrderHalfDone(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void checkOrder(long pfn, int order, int allocated) {
            if (allocated != order) {
                freeFrames += 1L << allocated;
            }
            super.checkOrder(pfn, order, allocated);
        }
    }

    /** Indexes the free lists with an unchecked order. */
    static final class BadOrderCrashes extends Mutant {
        BadOrderCrashes(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(int order) {
            if (freeLists.get(order).isEmpty() && order > maxOrder) {
                return NO_PAGE;
            }
            return super.allocate(order);
        }
    }

    /** frames() is one too many: the allocator reports a range it does not manage. */
    static final class ReportsOneFrameMore extends Mutant {
        ReportsOneFrameMore(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public long frames() {
            return super.frames() + 1;
        }
    }

    /** free() writes a link word into the first frame after the freed block, live or not. */
    static final class ScribblesAfterFreedBlock extends Mutant {
        private final org.kmemlab.api.Machine machine;

        ScribblesAfterFreedBlock(PageAllocatorConfig c) {
            super(c);
            this.machine = c.machine();
        }

        @Override
        public void free(long pfn, int order) {
            super.free(pfn, order);
            long next = pfn + (1L << order);
            if (next < end) {
                machine.memory().writeInt(next << machine.pageShift(), 0x6b6b6b6b);
            }
        }
    }

    /** Running out of memory throws. */
    static final class ThrowsWhenFull extends Mutant {
        ThrowsWhenFull(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(int order) {
            long pfn = super.allocate(order);
            if (pfn == NO_PAGE && order >= 0 && order <= maxOrder) {
                throw new IllegalStateException("out of memory for order " + order);
            }
            return pfn;
        }
    }

    /** The largest blocks are never handed out. */
    static final class RefusesMaxOrder extends Mutant {
        RefusesMaxOrder(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(int order) {
            return order == maxOrder ? NO_PAGE : super.allocate(order);
        }
    }

    /** An order above maxOrder is served as maxOrder instead of refused. */
    static final class ClampsBadOrder extends Mutant {
        ClampsBadOrder(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(int order) {
            return super.allocate(order > maxOrder ? maxOrder : order);
        }
    }

    /** A maxOrder block cannot be freed. */
    static final class RejectsMaxOrderFree extends Mutant {
        RejectsMaxOrderFree(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public void free(long pfn, int order) {
            if (order == maxOrder) {
                throw BadPageStateBug.badOrder(pfn, order, maxOrder - 1);
            }
            super.free(pfn, order);
        }
    }

    /** Splits as today's kernel on every era: on 2.0 it hands out the lower half, which 2.0 kept free. */
    static final class KeepsLowerHalfOnLinux20 extends Mutant {
        KeepsLowerHalfOnLinux20(PageAllocatorConfig c) {
            super(c);
            topHalf = false;
        }
    }

    /** A correct allocator whose own consistency check cries wolf. */
    static final class SelfCheckFalseAlarm extends ListBuddy {
        SelfCheckFalseAlarm(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public void checkInvariants() {
            if (freeFrames() * 2 < frames()) {
                throw new IllegalStateException("fewer than half the frames are free: free lists lost?");
            }
        }
    }

    /**
     * Merges its buddies, but once anything was freed buddyinfo shows every free maxOrder block as two
     * unmerged halves (the "merge" of the top order forgets to update the row).
     */
    static final class ReportsMaxOrderBlocksAsHalves extends Mutant {
        private boolean freed;

        ReportsMaxOrderBlocksAsHalves(PageAllocatorConfig c) {
            super(c);
        }

        @Override
        public void free(long pfn, int order) {
            super.free(pfn, order);
            freed = true;
        }

        @Override
        public long freeBlocks(int order) {
            if (maxOrder == 0 || !freed) {
                return super.freeBlocks(order);
            }
            if (order == maxOrder) {
                return 0;
            }
            return super.freeBlocks(order) + (order == maxOrder - 1 ? 2 * super.freeBlocks(maxOrder) : 0);
        }
    }
}
