package org.kmemlab.testkit.contract.zone;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * The steps of a zone allocator chain. Each is a value: parameters only, results go into the
 * {@link ZoneState} under the step's label.
 */
final class ZoneActions {

    private ZoneActions() {
    }

    /** {@code p3 = allocPages(gfp, order)}, in process, atomic or interrupt context. */
    record Allocate(String label, int gfp, int order, Allocation.Context context) implements Action<ZoneState> {

        @Override
        public String describe() {
            return Allocation.describe(label, gfp, order, context);
        }

        @Override
        public String run(ZoneState s) {
            ZoneModel.Block block = Allocation.run(s, label, gfp, order, context);
            if (block != null) {
                return "pfn " + block.pfn() + " (" + block.zone().procName() + ")";
            }
            return context != Allocation.Context.PROCESS && Gfp.allowsBlocking(gfp) ? "SleepInAtomicBug" : "NO_PAGE";
        }

        @Override
        public List<Action<ZoneState>> shrinks() {
            List<Action<ZoneState>> simpler = new ArrayList<>();
            for (int o = 0; o < order; o++) {
                simpler.add(new Allocate(label, gfp, o, context));
            }
            if (context != Allocation.Context.PROCESS && !Gfp.allowsBlocking(gfp)) {
                simpler.add(new Allocate(label, gfp, order, Allocation.Context.PROCESS));
            }
            return simpler;
        }
    }

    /** {@code freePages(p3)}: frees a live block; its pattern must be intact and the free must succeed. */
    record Free(String label) implements Action<ZoneState> {

        @Override
        public String describe() {
            return "freePages(" + label + ")";
        }

        @Override
        public boolean precondition(ZoneState s) {
            return s.model.live(label) != null;
        }

        @Override
        public String run(ZoneState s) {
            freeLive(s, s.model.live(label));
            return "";
        }
    }

    /** Frees every live block, oldest first; then the zones must look exactly as they did after boot. */
    record FreeAll() implements Action<ZoneState> {

        @Override
        public String describe() {
            return "free every live block";
        }

        @Override
        public String run(ZoneState s) {
            int count = s.model.liveCount();
            for (ZoneModel.Block block : s.model.liveBlocks()) {
                freeLive(s, block);
            }
            ZoneInvariants.checkRestored(s);
            return count + " blocks freed";
        }
    }

    /**
     * Allocates with {@code gfp} from order {@code fromOrder} down to 0, each order until it fails, up to
     * {@code limit} blocks: drains the zones the gfp can reach.
     */
    record Drain(String label, int gfp, int fromOrder, int limit) implements Action<ZoneState> {

        @Override
        public String describe() {
            return label + ".* = allocPages(" + Gfp.toString(gfp) + ", order " + fromOrder + " down to 0) until"
                    + " NO_PAGE";
        }

        @Override
        public String run(ZoneState s) {
            int got = 0;
            for (int order = fromOrder; order >= 0 && got < limit; order--) {
                while (got < limit) {
                    ZoneModel.Block block = Allocation.run(s, label + "." + got, gfp, order,
                            Allocation.Context.PROCESS);
                    if (block == null) {
                        break;
                    }
                    got++;
                }
            }
            return got + " blocks" + (got < limit ? ", then NO_PAGE" : "");
        }
    }

    /** The kinds of bad free. */
    enum Misuse {
        DOUBLE_FREE("a block that was already freed"),
        WRONG_ORDER("a live block with the wrong order"),
        INTERIOR("a frame inside a live block"),
        RESERVED("a frame reserved at boot"),
        NEVER_ALLOCATED("a free frame nobody allocated");

        final String what;

        Misuse(String what) {
            this.what = what;
        }
    }

    /** A free that MUST raise {@link KernelBug} and change nothing. */
    record BadFree(Misuse misuse, long pfn, int order, String about) implements Action<ZoneState> {

        @Override
        public String describe() {
            return "freePages(pfn " + pfn + ", order " + order + ")   // " + misuse.what + (about.isEmpty() ? "" : ": "
                    + about);
        }

        @Override
        public boolean precondition(ZoneState s) {
            switch (misuse) {
                case DOUBLE_FREE:
                case NEVER_ALLOCATED:
                    return s.model.isFree(pfn, order);
                case WRONG_ORDER:
                case INTERIOR:
                    ZoneModel.Block live = s.model.live(about);
                    return live != null && live.pfn() <= pfn && pfn < live.endPfn()
                            && (live.pfn() != pfn || live.order() != order);
                default:
                    return s.model.reservedBy(pfn) != null && s.model.overlapping(pfn, order) == null;
            }
        }

        @Override
        public String run(ZoneState s) {
            try {
                s.sut.freePages(pfn, order);
            } catch (KernelBug bug) {
                return "KernelBug: " + bug.headline();
            }
            throw Rule.ZONE_BAD_FREE.violation("freePages(pfn " + pfn + ", order " + order + ") of " + misuse.what
                    + " returned normally", "a KernelBug (such as BadPageStateBug), with nothing changed",
                    "no exception");
        }
    }

    /** Frees a live block through the allocator under test and takes it out of the model. */
    static void freeLive(ZoneState s, ZoneModel.Block block) {
        String damage = s.damagedPattern(block);
        if (damage != null) {
            throw Rule.ZONE_BLOCK.violation("the contents of live block " + block + " changed while it was allocated",
                    "the pattern written at allocation", damage + " (another block overlaps it, or the allocator"
                            + " wrote into memory it had handed out)");
        }
        try {
            s.sut.freePages(block.pfn(), block.order());
        } catch (KernelBug bug) {
            throw Rule.ZONE_FREE.violation("freePages(pfn " + block.pfn() + ", order " + block.order()
                    + ") of live block " + block.label() + " raised a KernelBug",
                    "the block is freed", bug.headline(), bug);
        }
        s.model.remove(block);
        s.freed.add(block);
    }
}
