package org.kmemlab.testkit.contract.zone;

import java.util.List;
import org.kmemlab.api.BootMemory;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.Gfp;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;

/**
 * Random chains with a given mix of steps: weights for each kind of step and the gfp masks allocations
 * draw from. Orders favour the small ones (0..2) and reach the era's highest order a third of the time.
 *
 * @param allocate weight of a plain allocation
 * @param free weight of freeing a live block
 * @param atomic weight of an allocation in atomic or interrupt context
 * @param badFree weight of a free that must raise a KernelBug
 * @param drain weight of draining the zones with one gfp
 * @param freeAll weight of freeing everything and comparing with boot
 * @param gfps the masks plain and drain allocations use
 */
record RandomMix(int allocate, int free, int atomic, int badFree, int drain, int freeAll, List<Integer> gfps)
        implements ZoneChain.Steps {

    /** The most blocks one drain takes, so a large machine is not drained page by page. */
    static final int DRAIN_LIMIT = 3000;

    private static final int[] BLOCKING_IN_ATOMIC = {
        Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.GFP_DMA,
        Gfp.GFP_NOIO, Gfp.GFP_NOFS | Gfp.GFP_DMA32,
    };

    @Override
    public Action<ZoneState> next(ZoneState s, Randomness random, int index) {
        int kind = random.choose(allocate, s.model.liveCount() == 0 ? 0 : free, atomic, badFree, drain, freeAll);
        switch (kind) {
            case 0:
                return new ZoneActions.Allocate(s.newLabel(), random.pick(gfps), order(s, random),
                        Allocation.Context.PROCESS);
            case 1:
                return new ZoneActions.Free(random.pick(s.model.liveBlocks()).label());
            case 2:
                if (random.percent(50)) {
                    return new ZoneActions.Allocate(s.newLabel(), BLOCKING_IN_ATOMIC[random.between(0, 3)],
                            order(s, random), random.percent(50) ? Allocation.Context.ATOMIC
                                    : Allocation.Context.INTERRUPT);
                }
                int gfp = Gfp.GFP_ATOMIC | (random.percent(30) ? Gfp.GFP_DMA : 0);
                return new ZoneActions.Allocate(s.newLabel(), gfp, order(s, random), Allocation.Context.INTERRUPT);
            case 3:
                return badFree(s, random);
            case 4:
                return new ZoneActions.Drain(s.newLabel(), random.pick(gfps), s.maxOrder(), DRAIN_LIMIT);
            default:
                return new ZoneActions.FreeAll();
        }
    }

    private static int order(ZoneState s, Randomness random) {
        return random.percent(70) ? random.between(0, Math.min(2, s.maxOrder())) : random.between(0, s.maxOrder());
    }

    /** Picks a bad free that makes sense now; falls back to freeing a never-allocated free frame. */
    private static Action<ZoneState> badFree(ZoneState s, Randomness random) {
        List<ZoneModel.Block> live = s.model.liveBlocks();
        switch (random.between(0, 4)) {
            case 0:
                if (!s.freed.isEmpty()) {
                    ZoneModel.Block old = random.pick(s.freed);
                    if (s.model.isFree(old.pfn(), old.order())) {
                        return new ZoneActions.BadFree(ZoneActions.Misuse.DOUBLE_FREE, old.pfn(), old.order(),
                                old.label());
                    }
                }
                break;
            case 1:
                if (!live.isEmpty()) {
                    ZoneModel.Block b = random.pick(live);
                    int wrong = b.order() < s.maxOrder() ? b.order() + 1 : b.order() - 1;
                    if (wrong >= 0) {
                        return new ZoneActions.BadFree(ZoneActions.Misuse.WRONG_ORDER, b.pfn(), wrong, b.label());
                    }
                }
                break;
            case 2:
                if (!live.isEmpty()) {
                    ZoneModel.Block b = random.pick(live);
                    if (b.order() > 0) {
                        return new ZoneActions.BadFree(ZoneActions.Misuse.INTERIOR,
                                b.pfn() + random.longBetween(1, (1L << b.order()) - 1), 0, b.label());
                    }
                }
                break;
            case 3:
                List<BootMemory.Region> regions = s.machine.bootMemory().reservations();
                BootMemory.Region r = random.pick(regions);
                long pfn = s.machine.physToPfn(r.start());
                if (s.model.reservedBy(pfn) != null && s.model.rangeHolding(pfn, 0) == null) {
                    return new ZoneActions.BadFree(ZoneActions.Misuse.RESERVED, pfn, 0, r.owner());
                }
                break;
            default:
                break;
        }
        FrameRange range = random.pick(s.model.freeRanges());
        long pfn = random.longBetween(range.startPfn(), range.endPfn() - 1);
        return s.model.isFree(pfn, 0) ? new ZoneActions.BadFree(ZoneActions.Misuse.NEVER_ALLOCATED, pfn, 0, "")
                : new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_KERNEL, 0,
                        Allocation.Context.PROCESS);
    }
}
