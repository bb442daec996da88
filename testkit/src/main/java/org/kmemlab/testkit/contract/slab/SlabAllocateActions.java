package org.kmemlab.testkit.contract.slab;

import static org.kmemlab.testkit.contract.slab.SlabState.hex;

import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.PageGfp;
import org.kmemlab.testkit.property.Action;

/**
 * The allocate steps of slab-contract chains, and everything the contract checks about an object a cache
 * hands out: that it lies in a slab the cache holds, is aligned, overlaps no live object, and carries the
 * bytes its flags promise (constructed, zeroed, red zone active), and that a reported write after free is
 * a real one. The other steps are in {@link SlabActions}.
 */
final class SlabAllocateActions {

    private SlabAllocateActions() {
    }

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
            s.source.takeRequestedGfp();
            long addr;
            try {
                addr = s.sut.allocate(gfp);
            } catch (CorruptionBug bug) {
                return reportedCorruption(s, call, before, bug);
            } catch (KernelBug bug) {
                throw Rule.SLAB_OBJECT.violation(call + " must not raise KernelBug", "an object or NULL", SlabActions.bug(bug));
            } catch (RuntimeException e) {
                String threw = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (s.source.refusals() != refusals) {
                    throw Rule.SLAB_REFUSE_WHEN_SOURCE_FAILS.violation(call + " threw when the page source refused a"
                            + " page: a cache that cannot get a slab returns NULL", "NULL", threw, e);
                }
                throw Rule.SLAB_OBJECT.violation(call + " threw", "an object or NULL", threw, e);
            }
            checkPageGfp(s, call);
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

        /** A slab taken on behalf of this call must not be asked for with more than {@code gfp} allows. */
        private void checkPageGfp(SlabState s, String call) {
            int requested = s.source.takeRequestedGfp();
            int excess = PageGfp.beyond(gfp, requested);
            if (excess != 0) {
                throw Rule.SLAB_PAGE_GFP.violation(call + " asked the page source for a slab with "
                        + PageGfp.describe(excess) + ", which " + Gfp.toString(gfp) + " does not allow",
                        "page requests within " + Gfp.toString(gfp), "getFreePages(" + Gfp.toString(requested)
                        + ", ...)");
            }
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
                String wrong = zero ? null : SlabActions.mismatch(s, addr, s.config.size(), SlabState.CONSTRUCTED);
                if (wrong != null) {
                    throw Rule.SLAB_CONSTRUCTOR.violation("object " + hex(addr) + " must come back in the constructed state its"
                            + " user freed it in (every byte 0xc7 here): nothing may write into a free object of a"
                            + " cache with a constructor", "0xc7 in all " + s.config.size() + " bytes", wrong);
                }
            }
            if (zero && s.checks(SlabCheck.GFP)) {
                String wrong = SlabActions.mismatch(s, addr, s.config.size(), (byte) 0);
                if (wrong != null) {
                    throw Rule.SLAB_GFP_ZERO.violation("a __GFP_ZERO object must be zeroed", s.config.size() + " zero bytes",
                            wrong);
                }
            }
            if (s.config.redZones() && s.checks(SlabCheck.DEBUG)) {
                String wrong = SlabActions.mismatch(s, SlabActions.redZoneAddress(s, addr), SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
                if (wrong != null) {
                    throw Rule.SLAB_RED_ZONE.violation("with SLAB_RED_ZONE, the " + SlabFlags.RED_ZONE_SIZE + " bytes after a"
                            + " live object (at offset " + (SlabActions.redZoneAddress(s, addr) - addr) + ") must be 0xcc",
                            "0xcc", wrong + " of the red zone of " + hex(addr));
                }
            }
            s.freed.values().remove(addr);
            s.live.put(label, addr);
            s.exercised++;
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
                        SlabActions.bug(bug));
            }
            String after = s.snapshot();
            if (!before.equals(after)) {
                throw Rule.SLAB_POISON_CHECK.violation("an allocate that reports corrupted poison must change nothing else",
                        before + " (unchanged)", after);
            }
            String wrong = SlabActions.poisonMismatch(s, hit);
            if (wrong != null) {
                throw Rule.SLAB_POISON_CHECK.violation("after reporting overwritten poison the cache must restore it, so the"
                        + " object is free and usable again", "0x6b ... 0xa5", wrong + " of " + hex(hit));
            }
            s.corrupted.remove(hit);
            return SlabActions.bug(bug);
        }
    }

    /**
     * {@code e7 = allocate(GFP_KERNEL) until NULL} or {@code f7 = allocate(GFP_KERNEL) until 2 new slabs}:
     * objects labelled {@code e7.0}, {@code e7.1}, …, each allocated and checked exactly as one
     * {@link Allocate} step, in one step. Until NULL, a shrunk chain that needs a full page source says so
     * in one line (like the object chain's exhaust step). Until {@code newSlabs} new slabs (the page source
     * has handed the cache that many more blocks than before the step, so the slab being filled is full and
     * one object lies in the next), one step reaches the states where objects spread over several slabs,
     * which a cache of hundreds of small objects per slab otherwise reaches only after hundreds of allocate
     * steps that no shrinking can shorten.
     *
     * @param cap until NULL: more objects than the page source's pages can hold; until new slabs: the most
     *            objects the step allocates
     * @param newSlabs 0 for "until NULL", else how many new blocks from the page source end the step
     */
    record Exhaust(String group, int cap, int gfp, int newSlabs) implements Action<SlabState> {

        /** How many new slabs end a filling step. */
        static final int FILL_SLABS = 2;

        @Override
        public String describe() {
            return group + " = allocate(" + Gfp.toString(gfp) + ") until "
                    + (newSlabs == 0 ? "NULL" : newSlabs + " new slabs");
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.live.containsKey(group + ".0") && !s.destroyed;
        }

        @Override
        public List<Action<SlabState>> shrinks() {
            return gfp == Gfp.GFP_KERNEL ? List.of() : List.of(new Exhaust(group, cap, Gfp.GFP_KERNEL, newSlabs));
        }

        @Override
        public String run(SlabState s) {
            long served = s.source.requests() - s.source.refusals();
            int objects = 0;
            // A reported write after free hands out no object (the next call may give that object out).
            for (int i = 0; objects < cap; i++) {
                int liveBefore = s.live.size();
                String outcome = new Allocate(group + "." + i, gfp).run(s);
                if (outcome.equals("NULL")) {
                    return objects + " objects, then NULL";
                }
                objects += s.live.size() - liveBefore;
                if (newSlabs > 0 && s.source.requests() - s.source.refusals() - served >= newSlabs) {
                    return objects + " objects";
                }
            }
            if (newSlabs > 0) {
                return objects + " objects";
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
}
