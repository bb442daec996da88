package org.kmemlab.testkit.contract.slab;

import static org.kmemlab.testkit.contract.slab.SlabState.hex;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * The actions of slab-contract chains: immutable values naming their objects by label. The allocate steps
 * and their checks of each object handed out are in {@link SlabAllocateActions}.
 */
final class SlabActions {

    private SlabActions() {
    }

    static String bug(KernelBug bug) {
        return bug.getClass().getSimpleName() + ": " + bug.headline();
    }

    /** Checks {@code length} bytes at {@code addr} against {@code expected}; describes the first difference. */
    static String mismatch(SlabState s, long addr, long length, byte expected) {
        long bad = s.machine.memory().findMismatch(s.machine.pa(addr), length, expected);
        if (bad < 0) {
            return null;
        }
        long offset = bad - s.machine.pa(addr);
        return wrongByte(s.machine.memory().readByte(bad), offset);
    }

    /** Formats a wrong byte for reports: {@code 0x41 at offset 64}. */
    static String wrongByte(byte found, long offset) {
        return "0x" + Integer.toHexString(found & 0xff) + " at offset " + offset;
    }

    /** Returns null when the object's poison is intact, else what is wrong. */
    static String poisonMismatch(SlabState s, long addr) {
        long size = s.config.size();
        String head = size > 1 ? mismatch(s, addr, size - 1, SlabFlags.POISON_FREE) : null;
        if (head != null) {
            return head;
        }
        return mismatch(s, addr + size - 1, 1, SlabFlags.POISON_END) == null ? null
                : wrongByte(s.machine.memory().readByte(s.machine.pa(addr + size - 1)), size - 1);
    }

    static long redZoneAddress(SlabState s, long addr) {
        return addr + ((s.config.size() + 7) & -8L);
    }

    // ---------------------------------------------------------------- free

    /** {@code free(o3)}. */
    record Free(String label) implements Action<SlabState> {

        @Override
        public String describe() {
            return "free(" + label + ")";
        }

        @Override
        public boolean precondition(SlabState s) {
            return s.live.containsKey(label) && !s.destroyed;
        }

        @Override
        public String run(SlabState s) {
            freeOne(s, label);
            return "ok";
        }
    }

    /** Frees a live object as a correct user does (constructed state restored first) and checks the debug bytes. */
    static void freeOne(SlabState s, String label) {
        long addr = s.live.get(label);
        if (s.config.ctor() != null) {
            s.machine.memory().fill(s.machine.pa(addr), s.config.size(), SlabState.CONSTRUCTED);
        }
        try {
            s.sut.free(addr);
        } catch (KernelBug bug) {
            String why = bug instanceof org.kmemlab.api.bug.CorruptionBug
                    ? " (its user wrote only its " + s.config.size() + " bytes, so the cache itself wrote past the object)"
                    : "";
            throw Rule.SLAB_FREE.violation("freeing live object " + label + " at " + hex(addr) + " must be accepted"
                    + why, "free(" + hex(addr) + ") returns normally", bug(bug));
        }
        s.live.remove(label);
        s.exercised++;
        if (s.source.blockHolding(addr, s.extent) == null) {
            return;
        }
        s.freed.put(label, addr);
        if (s.checks(SlabCheck.DEBUG) && s.config.poisons()) {
            String wrong = poisonMismatch(s, addr);
            if (wrong != null) {
                throw Rule.SLAB_POISON.violation("with SLAB_POISON a freed object must be poisoned: 0x6b in every byte"
                        + " but the last, 0xa5 in the last", "0x6b ... 0xa5 in " + s.config.size() + " bytes",
                        wrong + " of " + hex(addr));
            }
        }
        if (s.checks(SlabCheck.DEBUG) && s.config.redZones()) {
            String wrong = mismatch(s, redZoneAddress(s, addr), SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_INACTIVE);
            if (wrong != null) {
                throw Rule.SLAB_RED_ZONE.violation("with SLAB_RED_ZONE a free object's red zone must be 0xbb", "0xbb",
                        wrong + " of the red zone of " + hex(addr));
            }
        }
    }

    /** {@code free(o1), free(o4), ...}: every live object, in a random order. */
    record FreeAll(List<String> labels) implements Action<SlabState> {

        @Override
        public String describe() {
            StringBuilder out = new StringBuilder();
            for (String l : labels) {
                out.append(out.length() == 0 ? "" : ", ").append("free(").append(l).append(')');
            }
            return out.toString();
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.destroyed;
        }

        @Override
        public Action<SlabState> resolved(SlabState s) {
            List<String> present = new ArrayList<>();
            for (String l : labels) {
                if (s.live.containsKey(l)) {
                    present.add(l);
                }
            }
            return new FreeAll(present);
        }

        @Override
        public String run(SlabState s) {
            for (String l : labels) {
                if (s.live.containsKey(l)) {
                    freeOne(s, l);
                }
            }
            return "ok";
        }
    }

    // ---------------------------------------------------------------- shrink, destroy, page source

    /** {@code shrink()}. */
    record Shrink() implements Action<SlabState> {

        @Override
        public String describe() {
            return "shrink()";
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.destroyed;
        }

        @Override
        public String run(SlabState s) {
            long held = s.source.outstandingPages();
            long returned = s.sut.shrink();
            long after = s.source.outstandingPages();
            if (returned != held - after) {
                throw Rule.SLAB_SHRINK.violation("shrink() must return the number of pages it gave back",
                        Long.toString(held - after), Long.toString(returned));
            }
            if (s.checks(SlabCheck.SHRINK)) {
                SlabInfo row = s.sut.slabinfo();
                if (row.totalSlabs() != row.activeSlabs() || after != row.activeSlabs() * row.pagesPerSlab()
                        || (s.live.isEmpty() && after != 0)) {
                    throw Rule.SLAB_SHRINK.violation("after shrink() the cache must hold only slabs with a live object",
                            (s.live.isEmpty() ? 0 : row.activeSlabs() * row.pagesPerSlab()) + " pages held",
                            after + " pages held, slabinfo " + row);
                }
            }
            return returned + " pages";
        }
    }

    /** {@code destroy()} of a cache without live objects; the chain ends. */
    record Destroy() implements Action<SlabState> {

        @Override
        public String describe() {
            return "destroy()";
        }

        @Override
        public boolean precondition(SlabState s) {
            return s.live.isEmpty() && !s.destroyed;
        }

        @Override
        public String run(SlabState s) {
            try {
                s.sut.destroy();
            } catch (KernelBug bug) {
                throw Rule.SLAB_DESTROY.violation("destroy() of a cache without live objects must succeed",
                        "destroy() returns normally", bug(bug));
            }
            s.destroyed = true;
            if (s.source.outstandingPages() != 0) {
                throw Rule.SLAB_DESTROY.violation("destroy() must give every slab back to the page source", "0 pages held",
                        s.source.outstandingPages() + " pages held");
            }
            return "ok";
        }
    }

    /** {@code pageSource.setFailing(true)}: every page request fails from now on, or no longer. */
    record SourceFails(boolean on) implements Action<SlabState> {

        @Override
        public String describe() {
            return "pageSource.setFailing(" + on + ")";
        }

        @Override
        public String run(SlabState s) {
            s.source.setFailing(on);
            return "";
        }
    }
}
