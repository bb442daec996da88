package org.kmemlab.testkit.contract.page;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Draws;
import org.kmemlab.testkit.contract.chain.FreeList;
import org.kmemlab.testkit.contract.chain.NoGarbage;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * The state machine behind every page-contract property: random allocations, frees, bad frees,
 * exhaustion and free-everything steps against a fresh allocator of a random geometry, with the
 * property's invariants after every step.
 *
 * <p>Properties differ only in their {@link Focus}: which checks they make and how often each kind of
 * step comes up. Checks every property makes whatever its focus: blocks inside the zone and aligned,
 * bad frees raise {@code KernelBug} and change nothing, the allocator's own {@code checkInvariants()}
 * passes, and nothing else is thrown.
 */
final class PageChain implements StateMachine<PageState> {

    /**
     * What a property checks and how its chains are drawn.
     *
     * @param checks the invariants checked after every step
     * @param kinds the geometries drawn, one per chain
     * @param weights relative weights of allocate, free, bad free, exhaust, free-all and query steps
     * @param badOrderPercent how often an allocation asks for an order outside 0..maxOrder
     * @param era the era in every configuration the chains create
     */
    record Focus(Set<PageCheck> checks, List<PageGeometry.Kind> kinds, int[] weights, int badOrderPercent,
                 Era era) {
    }

    private final PageAllocatorProvider provider;
    private final Focus focus;
    /** The no-garbage warning, measured once per property run. */
    private final NoGarbage noGarbage = new NoGarbage();

    PageChain(PageAllocatorProvider provider, Focus focus) {
        this.provider = provider;
        this.focus = focus;
    }

    @Override
    public PageState setUp(Randomness random) {
        PageGeometry geometry = PageGeometry.draw(random.pick(focus.kinds()), random, focus.era());
        Machine machine = geometry.bootMachine();
        PageAllocator sut = provider.create(geometry.config(machine));
        if (sut == null) {
            throw Rule.PAGE_ACCOUNTING.violation("the provider's create() must return an allocator",
                    "a PageAllocator", "null");
        }
        PageState state = new PageState(geometry, machine, sut, focus.checks());
        if (!overridesCheckInvariants(sut.getClass())) {
            state.warnings.add(Rule.PAGE_SELF_CHECK.warning(sut.getClass().getSimpleName() + " does not override"
                    + " checkInvariants(), so the contract cannot run your own consistency checks after each step"));
        }
        return state;
    }

    /** True when {@code type} (or a superclass) declares its own {@code checkInvariants()}. */
    private static boolean overridesCheckInvariants(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.getName().equals("checkInvariants") && m.getParameterCount() == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String describeSetUp(PageState s) {
        return "zone = create(" + s.geometry + ")  [" + s.geometry.kind().name().toLowerCase() + "; free blocks "
                + Reports.layout(s.initialLayout) + "]";
    }

    @Override
    public Action<PageState> nextAction(PageState s, Randomness random) {
        int[] w = focus.weights();
        int maxOrder = s.geometry.maxOrder();
        switch (random.choose(w)) {
            case 1:
                if (!s.live.isEmpty()) {
                    return new PageActions.Free(random.pick(s.liveLabels()));
                }
                break;
            case 2: {
                Action<PageState> misuse = misuse(s, random);
                if (misuse != null) {
                    return misuse;
                }
                break;
            }
            case 3: {
                // Keep an exhaustion to at most about 512 blocks: large zones are exhausted with larger orders.
                int least = Math.max(0, 64 - Long.numberOfLeadingZeros(s.geometry.frames()) - 9);
                int order = random.between(Math.min(least, maxOrder), maxOrder);
                int cap = (int) (s.geometry.frames() >> order) + 2;
                int group = s.newIds(cap);
                return new PageActions.Exhaust("g" + group, group, cap, order);
            }
            case 4:
                if (!s.live.isEmpty()) {
                    return FreeList.everyLive(s, "blocks", random.nextLong());
                }
                break;
            case 5:
                return new PageActions.QueryOrders();
            default:
                break;
        }
        int id = s.newId();
        return new PageActions.Allocate("p" + id, id, order(s, random));
    }

    private int order(PageState s, Randomness random) {
        int maxOrder = s.geometry.maxOrder();
        if (random.percent(focus.badOrderPercent())) {
            return random.percent(50) ? -1 : maxOrder + 1;
        }
        return switch (random.choose(60, 25, 15)) {
            case 0 -> random.between(0, Math.min(2, maxOrder));
            case 1 -> random.between(0, maxOrder);
            default -> maxOrder;
        };
    }

    /** Draws a bad free that can be made in {@code s}, or null. */
    private Action<PageState> misuse(PageState s, Randomness random) {
        PageMisuse.Kind[] kinds = PageMisuse.Kind.values();
        for (int attempt = 0; attempt < 6; attempt++) {
            PageMisuse candidate = drawMisuse(s, random, kinds[random.between(0, kinds.length - 1)]);
            if (candidate != null && candidate.precondition(s)) {
                return candidate;
            }
        }
        return null;
    }

    private static PageMisuse drawMisuse(PageState s, Randomness random, PageMisuse.Kind kind) {
        PageGeometry g = s.geometry;
        int maxOrder = g.maxOrder();
        List<String> live = s.liveLabels();
        String someLive = live.isEmpty() ? null : random.pick(live);
        switch (kind) {
            case DOUBLE_FREE:
                return s.freed.isEmpty() ? null
                        : new PageMisuse(kind, random.pick(new ArrayList<>(s.freed.keySet())), 0, 0);
            case WRONG_ORDER:
                return someLive == null ? null : new PageMisuse(kind, someLive, 0, random.percent(50) ? 1 : -1);
            case INTERIOR: {
                if (someLive == null || s.live.get(someLive).order() == 0) {
                    return null;
                }
                PageBlock b = s.live.get(someLive);
                long offset = random.longBetween(1, b.frames() - 1);
                return new PageMisuse(kind, someLive, offset, random.percent(50) ? 0 : b.order());
            }
            case MISALIGNED: {
                if (maxOrder == 0) {
                    return null;
                }
                int order = random.between(1, maxOrder);
                long base = g.startPfn() + random.longBetween(0, g.frames() - 1);
                long pfn = (base & ~((1L << order) - 1)) + random.longBetween(1, (1L << order) - 1);
                return new PageMisuse(kind, null, pfn, order);
            }
            case OUT_OF_RANGE:
                return outOfRange(g, random);
            case BAD_ORDER:
                return someLive == null ? null
                        : new PageMisuse(kind, someLive, 0, random.percent(50) ? -1 : maxOrder + 1);
            case NEVER_ALLOCATED: {
                long pfn = g.startPfn() + random.longBetween(0, g.frames() - 1);
                return new PageMisuse(kind, null, pfn, 0);
            }
            case PARTLY_FREE:
                return someLive == null ? null : new PageMisuse(kind, someLive, 0, 0);
            default:
                throw new IllegalStateException("unknown misuse " + kind);
        }
    }

    private static PageMisuse outOfRange(PageGeometry g, Randomness random) {
        switch (random.between(0, 3)) {
            case 0:
                if (g.startPfn() > 0) {
                    return new PageMisuse(PageMisuse.Kind.OUT_OF_RANGE, null, g.startPfn() - 1, 0);
                }
                return new PageMisuse(PageMisuse.Kind.OUT_OF_RANGE, null, g.endPfn(), 0);
            case 1:
                return new PageMisuse(PageMisuse.Kind.OUT_OF_RANGE, null, g.endPfn(), 0);
            case 2: {
                // An aligned block that starts inside the zone and runs past its end.
                for (int k = 1; k <= g.maxOrder(); k++) {
                    long size = 1L << k;
                    long pfn = (g.endPfn() - 1) & ~(size - 1);
                    if (pfn >= g.startPfn() && pfn + size > g.endPfn()) {
                        return new PageMisuse(PageMisuse.Kind.OUT_OF_RANGE, null, pfn, k);
                    }
                }
                return new PageMisuse(PageMisuse.Kind.OUT_OF_RANGE, null, g.endPfn() + 64, 0);
            }
            default:
                return new PageMisuse(PageMisuse.Kind.OUT_OF_RANGE, null, g.endPfn() + 64, 0);
        }
    }

    @Override
    public void checkInvariants(PageState s) {
        try {
            s.sut.checkInvariants();
        } catch (IllegalStateException e) {
            throw Rule.PAGE_SELF_CHECK_SOUND.violation("the allocator's own checkInvariants() failed",
                    "no IllegalStateException", e.getMessage() == null ? "IllegalStateException" : e.getMessage(), e);
        }
        if (s.checks(PageCheck.ACCOUNTING)) {
            checkAccounting(s);
        }
        if (s.checks(PageCheck.RESTORE) && !s.model.hasLive()) {
            long[] layout = s.layout();
            long free = s.sut.freeFrames();
            if (!Arrays.equals(layout, s.initialLayout) || free != s.geometry.frames()) {
                // Frames missing from the counts are an accounting error; all there but in smaller blocks,
                // buddies left unmerged.
                boolean counted = free == s.geometry.frames() && PageState.sumFrames(layout) == free;
                throw (counted ? Rule.PAGE_COALESCE : Rule.PAGE_ACCOUNTING).violation(
                        "with every block freed, the free blocks must be the initial ones again (free buddies must"
                                + " coalesce)",
                        s.geometry.frames() + " free frames, buddyinfo " + Reports.layout(s.initialLayout),
                        free + " free frames, buddyinfo " + Reports.layout(layout));
            }
        }
        if (s.checks(PageCheck.PATTERNS)) {
            s.verifyPatterns();
        }
    }

    private static void checkAccounting(PageState s) {
        long free = s.sut.freeFrames();
        if (free != s.model.freeFrames()) {
            throw Rule.PAGE_ACCOUNTING.violation("freeFrames() must equal the frames not in live blocks",
                    s.model.freeFrames() + " free frames", free + " free frames");
        }
        long[] layout = s.layout();
        if (s.canonical) {
            long[] expected = s.model.canonicalLayout();
            if (!Arrays.equals(layout, expected)) {
                int k = 0;
                while (layout[k] == expected[k]) {
                    k++;
                }
                // The frames add up but sit in smaller blocks than they would merged: buddies left unmerged.
                // Otherwise the row miscounts.
                boolean unmerged = PageState.sumFrames(layout) == free;
                throw (unmerged ? Rule.PAGE_COALESCE : Rule.PAGE_ACCOUNTING).violation(
                        "buddyinfo must match the free frames: freeBlocks(" + k + ") is " + layout[k] + " but the free"
                                + " frames form " + expected[k] + " order-" + k + (expected[k] == 1 ? " block" : " blocks")
                                + " once free buddies merge" + (unmerged ? " (free buddies were left unmerged)" : ""),
                        "buddyinfo " + Reports.layout(expected), "buddyinfo " + Reports.layout(layout));
            }
        } else if (PageState.sumFrames(layout) != free) {
            throw Rule.PAGE_ACCOUNTING.violation("the free blocks per order must add up to freeFrames()",
                    free + " frames in free blocks", PageState.sumFrames(layout) + " frames in buddyinfo "
                            + Reports.layout(layout));
        }
    }

    /**
     * Draws the allocator beside the model for the failure page: the zone's frames ({@code #} in a block
     * the allocator handed out, {@code .} free, a digit where several live blocks overlap), the free
     * frames, and the free blocks of each order: as the allocator reports them, and as a correct buddy
     * allocator holding the same blocks would (the largest naturally aligned free blocks; when the zone
     * did not start with that layout the model has no expectation per order and repeats the allocator's).
     */
    @Override
    public org.kmemlab.testkit.property.Snapshot snapshot(PageState s) {
        PageModel m = s.model;
        StringBuilder handedOut = new StringBuilder("frames ");
        StringBuilder expected = new StringBuilder("frames ");
        for (long pfn = m.startPfn(); pfn < m.endPfn(); pfn++) {
            int covering = 0;
            for (PageBlock b : s.live.values()) {
                covering += pfn >= b.pfn() && pfn < b.endPfn() ? 1 : 0;
            }
            handedOut.append(covering == 0 ? '.' : covering == 1 ? '#' : Character.forDigit(Math.min(9, covering), 10));
            expected.append(m.liveCount(pfn) == 0 ? '.' : '#');
        }
        List<String> allocator = new java.util.ArrayList<>();
        List<String> model = new java.util.ArrayList<>();
        allocator.add(handedOut.toString());
        model.add(expected.toString());
        allocator.add("free frames: " + s.sut.freeFrames());
        model.add("free frames: " + m.freeFrames());
        long[] canonical = m.canonicalLayout();
        for (int k = 0; k <= m.maxOrder(); k++) {
            allocator.add("order " + k + ": " + s.sut.freeBlocks(k) + " free");
            // Without the canonical initial layout the model has no per-order expectation: nothing to compare.
            model.add(s.canonical ? "order " + k + ": " + canonical[k] + " free" : allocator.get(allocator.size() - 1));
        }
        return new org.kmemlab.testkit.property.Snapshot(allocator, model);
    }

    @Override
    public List<String> warnings(PageState s) {
        // A fresh allocator of the chain's geometry runs allocate/free pairs of orders 0..3.
        return noGarbage.warnings(s.warnings, Rule.PAGE_NO_GARBAGE, "boxing a Long, an iterator, a list node?",
                () -> {
                    PageAllocator fresh = provider.create(s.geometry.config(s.geometry.bootMachine()));
                    return pairs -> cycle(fresh, pairs);
                });
    }

    private static void cycle(PageAllocator a, int pairs) {
        int orders = Math.min(3, a.maxOrder()) + 1;
        for (int i = 0; i < pairs; i++) {
            int order = i % orders;
            long pfn = a.allocate(order);
            if (pfn != PageAllocator.NO_PAGE) {
                a.free(pfn, order);
            }
        }
    }

    @Override
    public long exercised(PageState s) {
        return s.exercised;
    }
}
