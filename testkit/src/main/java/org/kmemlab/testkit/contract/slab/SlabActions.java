package org.kmemlab.testkit.contract.slab;

import static org.kmemlab.testkit.contract.slab.SlabState.hex;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/** The actions of slab-contract chains: immutable values naming their objects by label. */
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

    // ---------------------------------------------------------------- allocate

    /** {@code o3 = allocate(GFP_KERNEL)}. */
    record Allocate(String label, int gfp) implements Action<SlabState> {

        @Override
        public String describe() {
            return label + " = allocate(" + Gfp.toString(gfp) + ")";
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.live.containsKey(label) && !s.destroyed;
        }

        @Override
        public List<Action<SlabState>> shrinks() {
            return gfp == Gfp.GFP_KERNEL ? List.of() : List.of(new Allocate(label, Gfp.GFP_KERNEL));
        }

        @Override
        public String run(SlabState s) {
            String call = describe().substring(label.length() + 3);
            String before = s.snapshot();
            long refusals = s.source.refusals();
            long pagesBefore = s.source.outstandingPages();
            long constructorCalls = s.constructorCalls;
            long addr;
            try {
                addr = s.sut.allocate(gfp);
            } catch (CorruptionBug bug) {
                return reportedCorruption(s, call, before, bug);
            } catch (KernelBug bug) {
                throw Rule.SLAB_OBJECT.violation(call + " must not raise KernelBug", "an object or NULL", bug(bug));
            } catch (RuntimeException e) {
                String threw = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (s.source.refusals() != refusals) {
                    throw Rule.SLAB_REFUSE_WHEN_SOURCE_FAILS.violation(call + " threw when the page source refused a"
                            + " page: a cache that cannot get a slab returns NULL", "NULL", threw, e);
                }
                throw Rule.SLAB_OBJECT.violation(call + " threw", "an object or NULL", threw, e);
            }
            if (addr == SlabCache.NULL) {
                String after = s.snapshot();
                if (!before.equals(after)) {
                    throw Rule.SLAB_REFUSE_WHEN_SOURCE_FAILS.violation("a failed " + call + " changed the cache", before + " (unchanged)",
                            after);
                }
                if (s.checks(SlabCheck.FAILED_ALLOCATION) && s.source.refusals() == refusals) {
                    throw Rule.SLAB_OBJECT.violation(call + " returned NULL although the page source refused no request",
                            "an object (NULL only when the page source fails)", "NULL");
                }
                return "NULL";
            }
            accept(s, call, addr);
            if (s.config.ctor() != null && s.source.outstandingPages() > pagesBefore) {
                checkConstructedWithSlab(s, s.constructorCalls - constructorCalls);
            }
            return hex(addr);
        }

        /**
         * The SHOULD of {@code slab.construct-with-slab}: an allocate that took a new slab ran the
         * constructor on fewer objects than a slab holds, so it constructs lazily (which the SPI allows).
         */
        private static void checkConstructedWithSlab(SlabState s, long constructed) {
            long perSlab = s.sut.slabinfo().objectsPerSlab();
            String warning = Rule.SLAB_CONSTRUCT_WITH_SLAB.warning("a new slab of " + perSlab + " objects came with "
                    + constructed + " constructor calls: its objects are constructed at first allocation, not"
                    + " when the slab is made");
            if (constructed < perSlab && s.warnings.stream().noneMatch(w -> w.startsWith(
                    Rule.SLAB_CONSTRUCT_WITH_SLAB.id()))) {
                s.warnings.add(warning);
            }
        }

        private void accept(SlabState s, String call, long addr) {
            if (!s.machine.isDirectMapped(addr)) {
                throw Rule.SLAB_OBJECT.violation("object " + hex(addr) + " is not a direct-map address of this machine",
                        "an address in pages the page source handed out", call + " returned " + hex(addr));
            }
            int align = s.config.alignment();
            if ((addr & (align - 1)) != 0) {
                throw Rule.SLAB_ALIGNED.violation("object " + hex(addr) + " is not " + align + "-byte aligned (address % "
                        + align + " = " + (addr & (align - 1)) + "); SlabFlags.alignment(" + SlabFlags.toString(
                        s.config.flags()) + ", align " + s.config.align() + ", size " + s.config.size() + ") is " + align,
                        "an address that is a multiple of " + align, call + " returned " + hex(addr));
            }
            ContractPageSource.Block block = s.source.blockHolding(addr, s.extent);
            if (block == null) {
                throw Rule.SLAB_OBJECT.violation("object " + hex(addr) + " (" + s.extent + " bytes with its red zone) does"
                        + " not lie inside one block of pages the cache holds from its page source",
                        "an object inside a block getFreePages returned", call + " returned " + hex(addr));
            }
            String other = s.overlapping(addr);
            if (other != null) {
                throw Rule.SLAB_OBJECT.violation("object at " + hex(addr) + " overlaps live object " + other + " at "
                        + hex(s.live.get(other)) + " (objects take " + s.extent + " bytes)",
                        "an object sharing no byte with a live one", call + " returned " + hex(addr));
            }
            if (s.checks(SlabCheck.GFP) && (s.config.flags() & SlabFlags.SLAB_CACHE_DMA) != 0 && !block.dma()) {
                throw Rule.SLAB_CACHE_DMA.violation("a SLAB_CACHE_DMA cache must take its slabs with __GFP_DMA (below 16 MiB)",
                        "an object in the DMA pool", call + " returned " + hex(addr) + " at pfn " + block.pfn());
            }
            if (s.checks(SlabCheck.DEBUG) && s.corrupted.containsKey(addr)) {
                throw Rule.SLAB_POISON_CHECK.violation("with SLAB_POISON, allocate must check a free object's poison: the object"
                        + " at " + hex(addr) + " was written at offset " + s.corrupted.get(addr) + " after it was freed",
                        "CorruptionBug (Poison overwritten)", call + " returned " + hex(addr));
            }
            s.corrupted.remove(addr);
            boolean zero = (gfp & Gfp.__GFP_ZERO) != 0;
            if (s.config.ctor() != null && s.checks(SlabCheck.CONSTRUCTOR)) {
                if (!s.constructed.contains(addr)) {
                    throw Rule.SLAB_CONSTRUCTOR.violation("object " + hex(addr) + " was handed out without running the"
                            + " constructor on it since its slab came from the page source",
                            "a constructed object", call + " returned " + hex(addr));
                }
                String wrong = zero ? null : mismatch(s, addr, s.config.size(), SlabState.CONSTRUCTED);
                if (wrong != null) {
                    throw Rule.SLAB_CONSTRUCTOR.violation("object " + hex(addr) + " must come back in the constructed state its"
                            + " user freed it in (every byte 0xc7 here): nothing may write into a free object of a"
                            + " cache with a constructor", "0xc7 in all " + s.config.size() + " bytes", wrong);
                }
            }
            if (zero && s.checks(SlabCheck.GFP)) {
                String wrong = mismatch(s, addr, s.config.size(), (byte) 0);
                if (wrong != null) {
                    throw Rule.SLAB_GFP_ZERO.violation("a __GFP_ZERO object must be zeroed", s.config.size() + " zero bytes",
                            wrong);
                }
            }
            if (s.config.redZones() && s.checks(SlabCheck.DEBUG)) {
                String wrong = mismatch(s, redZoneAddress(s, addr), SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
                if (wrong != null) {
                    throw Rule.SLAB_RED_ZONE.violation("with SLAB_RED_ZONE, the " + SlabFlags.RED_ZONE_SIZE + " bytes after a"
                            + " live object (at offset " + (redZoneAddress(s, addr) - addr) + ") must be 0xcc",
                            "0xcc", wrong + " of the red zone of " + hex(addr));
                }
            }
            s.freed.values().remove(addr);
            s.live.put(label, addr);
            s.machine.memory().fill(s.machine.pa(addr), s.config.size(), SlabState.pattern(label));
        }

        private String reportedCorruption(SlabState s, String call, String before, CorruptionBug bug) {
            Long hit = null;
            for (Long a : s.corrupted.keySet()) {
                if (Long.compareUnsigned(bug.firstBadAddress(), a) >= 0
                        && Long.compareUnsigned(bug.firstBadAddress(), a + s.config.size()) < 0) {
                    hit = a;
                }
            }
            if (hit == null) {
                throw Rule.SLAB_POISON_CHECK.violation(call + " raised CorruptionBug for " + hex(bug.firstBadAddress())
                        + ", which is in no free object written to after its free", "an object or NULL"
                        + (s.corrupted.isEmpty() ? "" : " (or a report about " + addresses(s.corrupted.keySet()) + ")"),
                        bug(bug));
            }
            String after = s.snapshot();
            if (!before.equals(after)) {
                throw Rule.SLAB_POISON_CHECK.violation("an allocate that reports corrupted poison must change nothing else",
                        before + " (unchanged)", after);
            }
            String wrong = poisonMismatch(s, hit);
            if (wrong != null) {
                throw Rule.SLAB_POISON_CHECK.violation("after reporting overwritten poison the cache must restore it, so the"
                        + " object is free and usable again", "0x6b ... 0xa5", wrong + " of " + hex(hit));
            }
            s.corrupted.remove(hit);
            return bug(bug);
        }
    }

    /**
     * {@code e7 = allocate(GFP_KERNEL) until NULL}: objects labelled {@code e7.0}, {@code e7.1}, …, each
     * allocated and checked exactly as one {@link Allocate} step, in one step, so that a shrunk chain that
     * needs a full page source says so in one line (like the object chain's exhaust step).
     *
     * @param cap more objects than the page source's pages can hold
     */
    record Exhaust(String group, int cap, int gfp) implements Action<SlabState> {

        @Override
        public String describe() {
            return group + " = allocate(" + Gfp.toString(gfp) + ") until NULL";
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.live.containsKey(group + ".0") && !s.destroyed;
        }

        @Override
        public List<Action<SlabState>> shrinks() {
            return gfp == Gfp.GFP_KERNEL ? List.of() : List.of(new Exhaust(group, cap, Gfp.GFP_KERNEL));
        }

        @Override
        public String run(SlabState s) {
            int objects = 0;
            // A reported write after free hands out no object (the next call may give that object out).
            for (int i = 0; objects < cap; i++) {
                int liveBefore = s.live.size();
                String outcome = new Allocate(group + "." + i, gfp).run(s);
                if (outcome.equals("NULL")) {
                    return objects + " objects, then NULL";
                }
                objects += s.live.size() - liveBefore;
            }
            throw Rule.SLAB_OBJECT.violation("allocate(" + Gfp.toString(gfp) + ") kept returning objects: more than the"
                    + " page source's pages can hold", "NULL after at most " + (cap - 1) + " objects", cap + " objects");
        }
    }

    private static String addresses(java.util.Collection<Long> addresses) {
        StringBuilder out = new StringBuilder();
        for (long a : addresses) {
            out.append(out.length() == 0 ? "" : ", ").append(hex(a));
        }
        return out.toString();
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
            throw Rule.SLAB_FREE.violation("freeing live object " + label + " at " + hex(addr) + " must be accepted",
                    "free(" + hex(addr) + ") returns normally", bug(bug));
        }
        s.live.remove(label);
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
