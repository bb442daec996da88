package org.kmemlab.testkit.contract.page;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kmemlab.api.Era;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Action;

/**
 * The actions of page-contract chains. Each is an immutable value naming its blocks by label, so a
 * shrunk chain that drops an allocation also drops (skips) the frees of its block.
 */
final class PageActions {

    private PageActions() {
    }

    // ---------------------------------------------------------------- shared checks

    /**
     * Checks a block the allocator returned and records it: inside the zone, naturally aligned and sharing
     * no frame with a live block (every property checks these), patterns when the property checks them.
     */
    static PageBlock accept(PageState s, String call, String label, int id, int order, long pfn) {
        PageModel m = s.model;
        long size = 1L << order;
        if (pfn < m.startPfn() || pfn > m.endPfn() - size) {
            throw Rule.PAGE_IN_RANGE.violation(
                    "block at pfn " + pfn + " order " + order + " is not inside the zone's frames ["
                            + m.startPfn() + ", " + m.endPfn() + ")",
                    "a first pfn in " + m.startPfn() + ".." + (m.endPfn() - size) + " or NO_PAGE",
                    call + " returned pfn " + pfn);
        }
        if (pfn % size != 0) {
            throw Rule.PAGE_ALIGNED.violation(
                    "block at pfn " + pfn + " order " + order + " is not naturally aligned (pfn % " + size + " = "
                            + pfn % size + ")",
                    "a first pfn that is a multiple of " + size,
                    call + " returned pfn " + pfn);
        }
        PageBlock other = m.overlapping(pfn, order);
        if (other != null) {
            throw Rule.PAGE_NO_OVERLAP.violation(
                    "block at pfn " + pfn + " order " + order + " overlaps live block " + other.label() + " at pfn "
                            + other.pfn() + " order " + other.order(),
                    "a block whose frames are all free (frames near pfn " + pfn + ": " + m.neighbourhood(pfn) + ")",
                    call + " returned pfn " + pfn);
        }
        int split = s.geometry.era() == Era.LINUX_2_0 ? freeBlockOrderAt(m, pfn, order) : order;
        PageBlock block = new PageBlock(label, id, pfn, order);
        m.allocate(block);
        if (split > order) {
            checkTopOfSplit(s, call, pfn, order, split);
        }
        s.live.put(label, block);
        s.exercised++;
        s.freed.remove(label);
        if (s.checks(PageCheck.PATTERNS)) {
            s.writePattern(block);
        }
        return block;
    }

    /**
     * Returns the order of the free block the model holds around {@code [pfn, pfn + 2^order)}: the largest
     * wholly free aligned block containing it (free buddies are merged, so that is the block the allocator
     * took it from).
     */
    private static int freeBlockOrderAt(PageModel m, long pfn, int order) {
        for (int k = m.maxOrder(); k > order; k--) {
            if (m.whollyFree(pfn & -(1L << k), k)) {
                return k;
            }
        }
        return order;
    }

    /**
     * Rule page.linux20-expand: on the 2.0 era a block cut from a larger free one is its top part (2.0's
     * EXPAND queued each lower half and moved on, mm/page_alloc.c:161-172). The model only knows which
     * block was split when the allocator's buddyinfo agrees with it, so an allocator whose buddies did not
     * merge (its free blocks are not the model's) is left to the accounting check.
     */
    private static void checkTopOfSplit(PageState s, String call, long pfn, int order, int split) {
        long block = pfn & -(1L << split);
        long top = block + (1L << split) - (1L << order);
        if (pfn == top || !s.canonical || !Arrays.equals(s.layout(), s.model.canonicalLayout())) {
            return;
        }
        throw Rule.PAGE_LINUX20_EXPAND.violation(
                call + " split the free order-" + split + " block at pfn " + block + " and handed out pfn " + pfn
                        + ": on the 2.0 era a split hands out the top of the block and keeps the lower halves free",
                "pfn " + top + " (the top " + (1L << order) + " of frames " + block + ".." + (block + (1L << split) - 1)
                        + ")",
                "pfn " + pfn);
    }

    /**
     * Checks that a NO_PAGE answer changed nothing and was allowed. The model is not touched by a failed
     * allocation, so it still describes the state before the call.
     */
    static void checkNoPage(PageState s, String call, int order, long[] before) {
        if (!s.checks(PageCheck.FAILED_ALLOCATION)) {
            return;
        }
        long[] after = s.snapshot();
        if (!Arrays.equals(before, after)) {
            throw Rule.PAGE_REFUSE_WHEN_FULL.violation("a failed " + call + " changed the allocator's state",
                    Reports.snapshot(before) + " (unchanged)", Reports.snapshot(after));
        }
        if (validOrder(s, order) && s.model.fits(order)) {
            throw Rule.PAGE_NO_FALSE_FAILURE.violation(
                    call + " returned NO_PAGE although a free naturally aligned order-" + order + " block exists",
                    "a block: the free blocks are " + Reports.layout(s.model.canonicalLayout()) + " by order",
                    "NO_PAGE");
        }
    }

    static boolean validOrder(PageState s, int order) {
        return order >= 0 && order <= s.geometry.maxOrder();
    }

    // ---------------------------------------------------------------- allocate

    /** {@code p3 = allocate(order 2)}; orders outside 0..maxOrder must give NO_PAGE. */
    record Allocate(String label, int id, int order) implements Action<PageState> {

        @Override
        public String describe() {
            return label + " = allocate(order " + order + ")";
        }

        @Override
        public boolean precondition(PageState s) {
            return !s.live.containsKey(label);
        }

        @Override
        public String run(PageState s) {
            boolean valid = validOrder(s, order);
            boolean check = s.checks(PageCheck.FAILED_ALLOCATION);
            long[] before = check ? s.snapshot() : null;
            String call = "allocate(order " + order + ")";
            long pfn;
            try {
                pfn = s.sut.allocate(order);
            } catch (RuntimeException e) {
                throw (valid ? Rule.PAGE_REFUSE_WHEN_FULL : Rule.PAGE_BAD_ORDER).violation(call + " threw "
                        + e.getClass().getSimpleName() + ": running out of memory, or an order outside 0.."
                        + s.geometry.maxOrder() + ", gives NO_PAGE, never an exception", "a block or NO_PAGE",
                        Reports.thrown(e), e);
            }
            if (pfn == PageAllocator.NO_PAGE) {
                checkNoPage(s, call, order, before);
                return "NO_PAGE";
            }
            if (!valid) {
                throw Rule.PAGE_BAD_ORDER.violation(
                        call + " must return NO_PAGE: the order is outside 0.." + s.geometry.maxOrder(),
                        "NO_PAGE", "pfn " + pfn);
            }
            accept(s, call, label, id, order, pfn);
            return "pfn " + pfn;
        }

        @Override
        public List<Action<PageState>> shrinks() {
            List<Action<PageState>> simpler = new ArrayList<>();
            for (int k = 0; k < order; k++) {
                simpler.add(new Allocate(label, id, k));
            }
            return simpler;
        }
    }

    // ---------------------------------------------------------------- free

    /** {@code free(p3)}: frees a live block with its own pfn and order. */
    record Free(String label) implements Action<PageState> {

        @Override
        public String describe() {
            return "free(" + label + ")";
        }

        @Override
        public boolean precondition(PageState s) {
            return s.live.containsKey(label);
        }

        @Override
        public String run(PageState s) {
            PageBlock block = s.live.get(label);
            try {
                s.sut.free(block.pfn(), block.order());
            } catch (KernelBug bug) {
                throw Rule.PAGE_FREE_LIVE.violation(
                        "freeing live block " + label + " (" + block + ") exactly as allocated must be accepted",
                        "free(pfn " + block.pfn() + ", order " + block.order() + ") returns normally",
                        Reports.headline(bug));
            }
            s.model.free(block);
            s.live.remove(label);
            s.exercised++;
            s.freed.put(label, block);
            return "ok (pfn " + block.pfn() + " order " + block.order() + ")";
        }
    }

    // ---------------------------------------------------------------- exhaust

    /** {@code g7 = allocate(order 1) until NO_PAGE}: blocks labelled {@code g7.0}, {@code g7.1}, … */
    record Exhaust(String group, int firstId, int cap, int order) implements Action<PageState> {

        @Override
        public String describe() {
            return group + " = allocate(order " + order + ") until NO_PAGE";
        }

        @Override
        public boolean precondition(PageState s) {
            return validOrder(s, order) && !s.live.containsKey(group + ".0");
        }

        @Override
        public String run(PageState s) {
            String call = "allocate(order " + order + ")";
            StringBuilder pfns = new StringBuilder();
            for (int i = 0; i < cap; i++) {
                boolean check = s.checks(PageCheck.FAILED_ALLOCATION);
                long[] before = check ? s.snapshot() : null;
                long pfn;
                try {
                    pfn = s.sut.allocate(order);
                } catch (RuntimeException e) {
                    throw Rule.PAGE_REFUSE_WHEN_FULL.violation(call + " threw " + e.getClass().getSimpleName()
                            + " after " + i + " blocks: running out of memory gives NO_PAGE, never an exception",
                            "a block or NO_PAGE", Reports.thrown(e), e);
                }
                if (pfn == PageAllocator.NO_PAGE) {
                    checkNoPage(s, call + " (after " + i + " blocks)", order, before);
                    return i + " blocks" + (i <= 16 ? " (pfn" + pfns + ")" : "") + ", then NO_PAGE";
                }
                accept(s, call + " (block " + i + ")", group + "." + i, firstId + i, order, pfn);
                if (i < 16) {
                    pfns.append(' ').append(pfn);
                }
            }
            throw Rule.PAGE_NO_OVERLAP.violation(
                    call + " kept returning blocks: more order-" + order + " blocks than the zone has frames for",
                    "NO_PAGE after at most " + (cap - 1) + " blocks", cap + " blocks");
        }

        @Override
        public List<Action<PageState>> shrinks() {
            List<Action<PageState>> simpler = new ArrayList<>();
            for (int k = order + 1; k <= 20 && simpler.size() < 3; k++) {
                // A larger order exhausts in fewer allocations: simpler to read.
                simpler.add(new Exhaust(group, firstId, Math.max(2, (cap >> (k - order)) + 1), k));
            }
            return simpler;
        }
    }

    // ---------------------------------------------------------------- accessors

    /** Checks the accessors and that {@code freeBlocks} refuses orders outside 0..maxOrder. */
    record QueryOrders() implements Action<PageState> {

        @Override
        public String describe() {
            return "startPfn(), frames(), maxOrder(), freeBlocks(-1), freeBlocks(maxOrder + 1)";
        }

        @Override
        public String run(PageState s) {
            PageGeometry g = s.geometry;
            if (s.sut.startPfn() != g.startPfn() || s.sut.frames() != g.frames() || s.sut.maxOrder() != g.maxOrder()) {
                throw Rule.PAGE_IN_RANGE.violation("startPfn(), frames() and maxOrder() must report the configuration",
                        g.toString(), "startPfn " + s.sut.startPfn() + ", frames " + s.sut.frames() + ", maxOrder "
                                + s.sut.maxOrder());
            }
            for (int order : new int[] {-1, g.maxOrder() + 1}) {
                try {
                    long n = s.sut.freeBlocks(order);
                    throw Rule.PAGE_ACCOUNTING.violation("freeBlocks(" + order + ") must throw IllegalArgumentException:"
                            + " the order is outside 0.." + g.maxOrder(), "IllegalArgumentException", "returned " + n);
                } catch (IllegalArgumentException expected) {
                    // as documented
                }
            }
            return "as configured; both refused";
        }
    }
}
