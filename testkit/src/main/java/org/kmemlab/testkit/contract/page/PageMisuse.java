package org.kmemlab.testkit.contract.page;

import java.util.Arrays;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Action;

/**
 * A bad free: one of the ways a caller can misuse {@code free(pfn, order)}. The allocator MUST throw
 * {@link KernelBug}, change nothing, and go on working.
 *
 * <p>Most kinds are relative to a labelled block ({@code free(p3 + 1, order 0)}: a frame inside
 * {@code p3}), resolved when the action runs, so they survive shrinking; the others name absolute
 * frames. Whatever the kind, a free that happens to match a live block exactly is a legal free, not
 * misuse, and the precondition skips it.
 *
 * @param kind the kind of misuse
 * @param label the block it is relative to, or {@code null}
 * @param pfn the frame offset from the block (relative kinds) or the absolute frame
 * @param order the order passed, or the offset from the block's order for {@link Kind#WRONG_ORDER}
 */
record PageMisuse(Kind kind, String label, long pfn, int order) implements Action<PageState> {

    /** The kinds of bad free. */
    enum Kind {
        /** The same block freed a second time. */
        DOUBLE_FREE("already free"),
        /** A live block freed with another order than it was allocated with. */
        WRONG_ORDER("the wrong order"),
        /** A frame inside a live block that is not its first frame. */
        INTERIOR("not the first frame of its block"),
        /** A frame not aligned to the order passed. */
        MISALIGNED("misaligned"),
        /** A block (partly) outside the zone. */
        OUT_OF_RANGE("outside the zone"),
        /** An order outside 0..maxOrder. */
        BAD_ORDER("an order outside 0..maxOrder"),
        /** A frame that was never allocated. */
        NEVER_ALLOCATED("not allocated"),
        /** A block that covers a live block and its free buddy: partly free. */
        PARTLY_FREE("partly free");

        private final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    @Override
    public String describe() {
        return switch (kind) {
            case DOUBLE_FREE -> "free(" + label + ") again";
            case WRONG_ORDER -> "free(" + label + " with order " + (order > 0 ? "+" : "") + order + ")";
            case INTERIOR -> "free(" + label + " + " + pfn + " frames, order " + order + ")";
            case BAD_ORDER -> "free(" + label + " with order " + order + ")";
            case PARTLY_FREE -> "free(" + label + " and its free buddy as one order+1 block)";
            default -> "free(pfn " + pfn + ", order " + order + ")";
        } + "  [" + kind.words + "]";
    }

    @Override
    public boolean precondition(PageState s) {
        long[] call = resolve(s);
        return call != null && s.model.liveExactly(call[0], (int) call[1]) == null;
    }

    /** Returns {pfn, order} of the bad free in {@code s}, or null when it cannot be made there. */
    private long[] resolve(PageState s) {
        int maxOrder = s.geometry.maxOrder();
        PageBlock live = label == null ? null : s.live.get(label);
        switch (kind) {
            case DOUBLE_FREE: {
                PageBlock dead = s.freed.get(label);
                return dead == null ? null : new long[] {dead.pfn(), dead.order()};
            }
            case WRONG_ORDER: {
                int wrong = live == null ? -1 : live.order() + order;
                return live == null || wrong < 0 || wrong > maxOrder ? null : new long[] {live.pfn(), wrong};
            }
            case INTERIOR:
                return live == null || pfn >= live.frames() ? null : new long[] {live.pfn() + pfn, order};
            case BAD_ORDER:
                return live == null ? null : new long[] {live.pfn(), order};
            case PARTLY_FREE: {
                if (live == null || live.order() >= maxOrder) {
                    return null;
                }
                long parent = live.pfn() & ~((2L << live.order()) - 1);
                long buddy = live.pfn() ^ (1L << live.order());
                boolean ok = s.model.inRange(parent, live.order() + 1) && s.model.whollyFree(buddy, live.order());
                return ok ? new long[] {parent, live.order() + 1} : null;
            }
            case NEVER_ALLOCATED:
                return s.model.whollyFree(pfn, order) ? new long[] {pfn, order} : null;
            default:
                return new long[] {pfn, order};
        }
    }

    @Override
    public String run(PageState s) {
        long[] call = resolve(s);
        long p = call[0];
        int o = (int) call[1];
        long[] before = s.snapshot();
        String what = "free(pfn " + p + ", order " + o + ")";
        try {
            s.sut.free(p, o);
        } catch (KernelBug bug) {
            long[] after = s.snapshot();
            if (!Arrays.equals(before, after)) {
                throw Rule.PAGE_BAD_FREE.violation(what + " raised KernelBug but changed the allocator's state",
                        Reports.snapshot(before) + " (unchanged)", Reports.snapshot(after));
            }
            return what + ": " + Reports.headline(bug);
        } catch (RuntimeException e) {
            throw Rule.PAGE_BAD_FREE.violation(what + " of a block that is " + kind.words + " must raise KernelBug",
                    "a KernelBug such as BadPageStateBug", Reports.thrown(e), e);
        }
        throw Rule.PAGE_BAD_FREE.violation(what + " of a block that is " + kind.words + " must raise KernelBug",
                "a KernelBug such as BadPageStateBug", "returned normally (the free was accepted)");
    }
}
