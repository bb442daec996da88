package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.KernelContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * Plausible facade bugs, each a thin wrapper around a reference {@link Kernel}: the kernel contract must
 * catch every one in the property that names the broken rule, with a fixed seed so the test is
 * deterministic.
 */
class KernelMutantsTests {

    private static final Effort EFFORT = new Effort(40, 50, 20261125L);

    /** Forwards every call to a reference kernel; a mutant overrides the call it gets wrong. */
    static class Forwarding implements KernelMemory {
        final Kernel kernel = Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.X86_64)
                .ram(64 * Sizes.MiB).era(Era.MODERN).cpuCaches(false).boot();

        @Override
        public Machine machine() {
            return kernel.machine();
        }

        @Override
        public long maxKmallocSize() {
            return kernel.maxKmallocSize();
        }

        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return kernel.slabCaches();
        }

        @Override
        public long kmalloc(long size, int gfp) {
            return kernel.kmalloc(size, gfp);
        }

        @Override
        public void kfree(long addr) {
            kernel.kfree(addr);
        }

        @Override
        public long ksize(long addr) {
            return kernel.ksize(addr);
        }

        @Override
        public long getFreePages(int gfp, int order) {
            return kernel.getFreePages(gfp, order);
        }

        @Override
        public void freePages(long addr, int order) {
            kernel.freePages(addr, order);
        }

        @Override
        public byte readByte(long addr) {
            return kernel.readByte(addr);
        }

        @Override
        public void writeByte(long addr, byte value) {
            kernel.writeByte(addr, value);
        }

        @Override
        public void read(long addr, byte[] target, int offset, int length) {
            kernel.read(addr, target, offset, length);
        }

        @Override
        public void write(long addr, byte[] source, int offset, int length) {
            kernel.write(addr, source, offset, length);
        }

        @Override
        public void fill(long addr, long length, byte value) {
            kernel.fill(addr, length, value);
        }

        @Override
        public MemInfo meminfo() {
            return kernel.meminfo();
        }

        @Override
        public List<SlabInfo> slabinfo() {
            return kernel.slabinfo();
        }

        @Override
        public List<ZoneStats> zoneinfo() {
            return kernel.zoneinfo();
        }
    }

    /** Drops {@code __GFP_ZERO}: memory comes back with whatever the last owner wrote. */
    static final class IgnoresGfpZero extends Forwarding {
        @Override
        public long kmalloc(long size, int gfp) {
            return kernel.kmalloc(size, gfp & ~Gfp.__GFP_ZERO);
        }

        @Override
        public long getFreePages(int gfp, int order) {
            return kernel.getFreePages(gfp & ~Gfp.__GFP_ZERO, order);
        }
    }

    /** Drops {@code GFP_DMA}: a driver's ISA buffer may land above 16 MiB. */
    static final class DmaFromAnyZone extends Forwarding {
        @Override
        public long kmalloc(long size, int gfp) {
            return kernel.kmalloc(size, gfp & ~Gfp.__GFP_DMA);
        }
    }

    /** Rounds an interior pointer down to its allocation and frees that, instead of reporting the bug. */
    static final class FreesInteriorPointers extends Forwarding {
        private final TreeMap<Long, Long> live = new TreeMap<>();

        @Override
        public long kmalloc(long size, int gfp) {
            long addr = kernel.kmalloc(size, gfp);
            if (Long.compareUnsigned(addr, ZERO_SIZE_PTR) > 0) {
                live.put(addr, kernel.ksize(addr));
            }
            return addr;
        }

        @Override
        public void kfree(long addr) {
            Map.Entry<Long, Long> below = live.floorEntry(addr);
            long start = below != null && addr < below.getKey() + below.getValue() ? below.getKey() : addr;
            kernel.kfree(start);
            live.remove(start);
        }
    }

    /** Hands the last allocation out again when the request fits in it: two owners of the same bytes. */
    static final class ReusesLastAllocation extends Forwarding {
        private long last;
        private int calls;

        @Override
        public long kmalloc(long size, int gfp) {
            if (++calls % 4 == 0 && last != 0 && size > 0 && size <= kernel.ksize(last)) {
                return last;
            }
            long addr = kernel.kmalloc(size, gfp);
            last = Long.compareUnsigned(addr, ZERO_SIZE_PTR) > 0 ? addr : last;
            return addr;
        }

        @Override
        public void kfree(long addr) {
            kernel.kfree(addr);
            if (addr == last) {
                last = 0;
            }
        }
    }

    /** Never gives large allocations back: kfree of a page-sized or larger allocation does nothing. */
    static final class LeaksLargeAllocations extends Forwarding {
        @Override
        public void kfree(long addr) {
            if (Long.compareUnsigned(addr, ZERO_SIZE_PTR) > 0 && kernel.ksize(addr) >= MachineProfile.PAGE_SIZE) {
                return;
            }
            kernel.kfree(addr);
        }
    }

    /** Serves a sleeping request in atomic context as if it were GFP_ATOMIC, hiding the caller's bug. */
    static final class ForgivesSleepInAtomic extends Forwarding {
        @Override
        public long kmalloc(long size, int gfp) {
            boolean atomic = kernel.machine().context().inAtomic();
            return kernel.kmalloc(size, atomic ? (gfp & ~Gfp.__GFP_DIRECT_RECLAIM) | Gfp.GFP_ATOMIC : gfp);
        }
    }

    /** Leaves the object allocator's pages out of meminfo's Slab. */
    static final class SlabMissingFromMeminfo extends Forwarding {
        @Override
        public MemInfo meminfo() {
            MemInfo m = kernel.meminfo();
            return new MemInfo(m.memTotal(), m.memFree(), m.memAvailable(), m.cached(), 0, 0, 0, m.pageTables(),
                    m.vmallocTotal(), m.vmallocUsed(), m.vmallocChunk());
        }
    }

    /** kmalloc(0) returns NULL instead of ZERO_SIZE_PTR. */
    static final class ZeroSizeIsNull extends Forwarding {
        @Override
        public long kmalloc(long size, int gfp) {
            return size == 0 ? KernelMemory.NULL : kernel.kmalloc(size, gfp);
        }
    }

    /** kfree(NULL) is reported as a bad free. */
    static final class KfreeNullComplains extends Forwarding {
        @Override
        public void kfree(long addr) {
            if (addr == KernelMemory.NULL) {
                throw org.kmemlab.api.bug.InvalidFreeBug.notOwned("kfree", addr);
            }
            kernel.kfree(addr);
        }
    }

    /** ksize answers the smallest class, 8 bytes, whatever was allocated. */
    static final class KsizeTooSmall extends Forwarding {
        @Override
        public long ksize(long addr) {
            return Math.min(8, kernel.ksize(addr));
        }
    }

    /** getFreePages of two pages or more hands out a block shifted by one page (misaligned). */
    static final class MisalignedPages extends Forwarding {
        @Override
        public long getFreePages(int gfp, int order) {
            long addr = kernel.getFreePages(gfp, order);
            return addr == KernelMemory.NULL || order == 0 ? addr : addr + kernel.machine().pageSize();
        }

        @Override
        public void freePages(long addr, int order) {
            kernel.freePages(order == 0 ? addr : addr - kernel.machine().pageSize(), order);
        }
    }

    /** maxKmallocSize() keeps a smaller maximum than the kernel serves (as if booted in another era). */
    static final class MaxKmallocSizeTooSmall extends Forwarding {
        @Override
        public long maxKmallocSize() {
            return 64;
        }
    }

    /** write() drops the last byte it is given. */
    static final class WriteDropsLastByte extends Forwarding {
        @Override
        public void write(long addr, byte[] source, int offset, int length) {
            kernel.write(addr, source, offset, Math.max(0, length - 1));
        }
    }

    /** Named caches that forward every call, for mutants that get one of them wrong. */
    static class ForwardingCaches implements org.kmemlab.api.SlabCaches {
        final org.kmemlab.api.SlabCaches inner;
        final Kernel kernel;

        ForwardingCaches(Kernel kernel) {
            this.kernel = kernel;
            this.inner = kernel.slabCaches();
        }

        @Override
        public Cache create(String name, long size, int align, int flags, org.kmemlab.api.spi.ObjectConstructor ctor) {
            return inner.create(name, size, align, flags, ctor);
        }

        @Override
        public long alloc(Cache cache, int gfp) {
            return inner.alloc(cache, gfp);
        }

        @Override
        public void free(Cache cache, long addr) {
            inner.free(cache, addr);
        }

        @Override
        public long shrink(Cache cache) {
            return inner.shrink(cache);
        }

        @Override
        public void destroy(Cache cache) {
            inner.destroy(cache);
        }
    }

    /** kmem_cache_free of kmalloc memory quietly kfrees it instead of reporting the wrong cache. */
    static final class KfreesIntoAnyCache extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                @Override
                public void free(Cache cache, long addr) {
                    if (kernel.frameOwner(kernel.machine().virtToPfn(addr)) == FrameOwner.SLAB) {
                        kernel.kfree(addr);
                        return;
                    }
                    inner.free(cache, addr);
                }
            };
        }
    }

    /** kmem_cache_destroy with live objects is silently ignored. */
    static final class IgnoresDestroyWithLiveObjects extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                @Override
                public void destroy(Cache cache) {
                    try {
                        inner.destroy(cache);
                    } catch (org.kmemlab.api.bug.SlabCacheBug ignored) {
                        return;
                    }
                }
            };
        }
    }

    /** Every third kmem_cache_alloc hands the newest live object out again: two owners of the same bytes. */
    static final class CacheObjectHandedOutTwice extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                private long newest;
                private int calls;

                @Override
                public long alloc(Cache cache, int gfp) {
                    if (++calls % 3 == 0 && newest != NULL) {
                        return newest;
                    }
                    long addr = inner.alloc(cache, gfp);
                    newest = addr == NULL ? newest : addr;
                    return addr;
                }

                @Override
                public void free(Cache cache, long addr) {
                    inner.free(cache, addr);
                    if (addr == newest) {
                        newest = NULL;
                    }
                }
            };
        }
    }

    /** A cache handle that reports an alignment of its own in front of the kernel's cache. */
    record ClaimedAlignment(org.kmemlab.api.SlabCaches.Cache inner, int alignment)
            implements org.kmemlab.api.SlabCaches.Cache {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long objectSize() {
            return inner.objectSize();
        }
    }

    /**
     * kmem_cache_create drops the alignment asked for (and SLAB_HWCACHE_ALIGN) but reports it: objects
     * are only word aligned.
     */
    static final class CacheIgnoresAlignment extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                @Override
                public Cache create(String name, long size, int align, int flags,
                                    org.kmemlab.api.spi.ObjectConstructor ctor) {
                    Cache real = inner.create(name, size, 0, flags & ~org.kmemlab.api.spi.SlabFlags.SLAB_HWCACHE_ALIGN,
                            ctor);
                    return new ClaimedAlignment(real, Math.max(align, real.alignment()));
                }

                @Override
                public long alloc(Cache cache, int gfp) {
                    return inner.alloc(((ClaimedAlignment) cache).inner(), gfp);
                }

                @Override
                public void free(Cache cache, long addr) {
                    inner.free(((ClaimedAlignment) cache).inner(), addr);
                }

                @Override
                public long shrink(Cache cache) {
                    return inner.shrink(((ClaimedAlignment) cache).inner());
                }

                @Override
                public void destroy(Cache cache) {
                    inner.destroy(((ClaimedAlignment) cache).inner());
                }
            };
        }
    }

    /** kmem_cache_create forgets the constructor: objects come as the slab's fresh pages hold them. */
    static final class CacheWithoutConstructor extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                @Override
                public Cache create(String name, long size, int align, int flags,
                                    org.kmemlab.api.spi.ObjectConstructor ctor) {
                    return inner.create(name, size, align, flags, null);
                }
            };
        }
    }

    /** kmem_cache_free refuses the object allocated last, as if it were a second free. */
    static final class CacheRefusesNewestFree extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                private long newest;

                @Override
                public long alloc(Cache cache, int gfp) {
                    long addr = inner.alloc(cache, gfp);
                    newest = addr == NULL ? newest : addr;
                    return addr;
                }

                @Override
                public void free(Cache cache, long addr) {
                    if (addr == newest) {
                        throw org.kmemlab.api.bug.InvalidFreeBug.notOwned("kmem_cache_free", addr);
                    }
                    inner.free(cache, addr);
                }
            };
        }
    }

    /** kmem_cache_shrink counts the slabs it gave back, not their pages. */
    static final class CacheShrinkCountsSlabs extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                @Override
                public long shrink(Cache cache) {
                    long pagesPerSlab = 1;
                    for (SlabInfo row : kernel.slabinfo()) {
                        pagesPerSlab = row.name().equals(cache.name()) ? row.pagesPerSlab() : pagesPerSlab;
                    }
                    return inner.shrink(cache) / pagesPerSlab;
                }
            };
        }
    }

    /** kmem_cache_destroy of a cache with nothing live returns without destroying it. */
    static final class CacheDestroyDoesNothing extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                private long live;

                @Override
                public long alloc(Cache cache, int gfp) {
                    long addr = inner.alloc(cache, gfp);
                    live += addr == NULL ? 0 : 1;
                    return addr;
                }

                @Override
                public void free(Cache cache, long addr) {
                    inner.free(cache, addr);
                    live--;
                }

                @Override
                public void destroy(Cache cache) {
                    if (live > 0) {
                        inner.destroy(cache);
                    }
                }
            };
        }
    }

    /** /proc/slabinfo counts the active objects of a named cache one short (the newest is not counted yet). */
    static final class SlabinfoOneObjectShort extends Forwarding {
        @Override
        public List<SlabInfo> slabinfo() {
            List<SlabInfo> rows = new ArrayList<>();
            for (SlabInfo r : kernel.slabinfo()) {
                boolean named = !r.name().startsWith("kmalloc") && !r.name().startsWith("size-");
                rows.add(named && r.activeObjects() > 0 ? new SlabInfo(r.name(), r.activeObjects() - 1,
                        r.totalObjects(), r.objectSize(), r.objectsPerSlab(), r.pagesPerSlab(), r.activeSlabs(),
                        r.totalSlabs()) : r);
            }
            return rows;
        }
    }

    /**
     * A mutant: its name, how to boot it, the property that must fail, words of the broken invariant,
     * and the rule the failure must cite (RuleTableTests in the testkit reads these to fill the rule table).
     */
    record Mutant(String name, Supplier<KernelMemory> boot, String property, String invariant, String rule) {
    }

    static List<Mutant> mutants() {
        return List.of(
                new Mutant("ignores __GFP_ZERO", IgnoresGfpZero::new, "kernel.gfp-zero", "must be zeroed",
                        "kernel.gfp-zero"),
                new Mutant("serves GFP_DMA from any zone", DmaFromAnyZone::new, "kernel.gfp-dma",
                        "below 16 MiB", "kernel.gfp-dma"),
                new Mutant("frees interior pointers", FreesInteriorPointers::new, "kernel.bad-kfree",
                        "must raise KernelBug", "kernel.bad-kfree"),
                new Mutant("reuses the last allocation", ReusesLastAllocation::new, "kernel.live-bytes",
                        "overlapping live allocation", "kernel.kmalloc"),
                new Mutant("leaks large allocations", LeaksLargeAllocations::new, "kernel.accounting",
                        "back to what they were after boot", "kernel.reports"),
                new Mutant("forgives sleeping in atomic context", ForgivesSleepInAtomic::new, "kernel.atomic",
                        "SleepInAtomicBug", "kernel.sleep-in-atomic"),
                new Mutant("leaves Slab out of meminfo", SlabMissingFromMeminfo::new, "kernel.accounting",
                        "Slab must be the pages of the slabinfo rows", "kernel.reports"),
                new Mutant("kmalloc(0) is NULL", ZeroSizeIsNull::new, "kernel.ksize", "ZERO_SIZE_PTR",
                        "kernel.zero-size"),
                new Mutant("kfree(NULL) complains", KfreeNullComplains::new, "kernel.bad-kfree", "must do nothing",
                        "kernel.kfree-null"),
                new Mutant("ksize too small", KsizeTooSmall::new, "kernel.ksize", "bytes were asked for",
                        "kernel.ksize"),
                new Mutant("misaligned page blocks", MisalignedPages::new, "kernel.pages", "naturally aligned",
                        "kernel.pages"),
                new Mutant("write drops the last byte", WriteDropsLastByte::new, "kernel.live-bytes",
                        "changed at offset", "kernel.memory"),
                new Mutant("maxKmallocSize() below what kmalloc serves", MaxKmallocSizeTooSmall::new, "kernel.ksize",
                        "must return NULL", "kernel.max-kmalloc-size"),
                // RuleTableTests reads the rule as the last argument of each
                new Mutant("kfrees kmalloc memory passed to kmem_cache_free", KfreesIntoAnyCache::new,
                        "kernel.named-caches", "must raise KernelBug", "kernel.cache-bad-free"),
                new Mutant("ignores kmem_cache_destroy with live objects", IgnoresDestroyWithLiveObjects::new,
                        "kernel.named-caches", "must raise KernelBug", "kernel.cache-destroy-live"),
                new Mutant("hands a live cache object out again", CacheObjectHandedOutTwice::new,
                        "kernel.named-caches", "overlap no live allocation", "kernel.cache-alloc"),
                new Mutant("ignores the cache's alignment", CacheIgnoresAlignment::new, "kernel.named-caches",
                        "aligned to the cache's alignment", "kernel.cache-aligned"),
                new Mutant("forgets the cache's constructor", CacheWithoutConstructor::new, "kernel.named-caches",
                        "must come constructed", "kernel.cache-constructed"),
                new Mutant("refuses to free the newest cache object", CacheRefusesNewestFree::new,
                        "kernel.named-caches", "must be accepted", "kernel.cache-free"),
                new Mutant("kmem_cache_shrink counts slabs", CacheShrinkCountsSlabs::new, "kernel.named-caches",
                        "returns the pages it gave back", "kernel.cache-shrink"),
                new Mutant("kmem_cache_destroy does nothing", CacheDestroyDoesNothing::new, "kernel.named-caches",
                        "one row per live named cache", "kernel.cache-destroy"),
                new Mutant("slabinfo counts a cache's objects one short", SlabinfoOneObjectShort::new,
                        "kernel.named-caches", "count at least the live cache objects", "kernel.cache-slabinfo"));
    }

    @TestFactory
    List<DynamicTest> theContractCatchesEveryMutant() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Mutant m : mutants()) {
            tests.add(DynamicTest.dynamicTest(m.name() + " fails " + m.property(), () -> {
                ContractProperty property = null;
                for (ContractProperty p : KernelContract.properties(m.boot(), m.name(), "mvn test", 0)) {
                    if (p.id().equals(m.property())) {
                        property = p;
                    }
                }
                assertTrue(property != null, "no property " + m.property());
                PropertyResult result = property.check(EFFORT);
                assertFalse(result.passed(), m.name() + " passed " + m.property() + ": " + result.report());
                assertTrue(result.brokenInvariant().contains(m.invariant()),
                        "expected a broken invariant naming '" + m.invariant() + "':\n" + result.report());
                assertTrue(result.report().contains("\n  1: ") && result.report().contains("replay: mvn test"
                        + " -Dkmemlab.property=" + m.property() + " -Dkmemlab.seed=20261125"),
                        "expected numbered steps and a replay line:\n" + result.report());
                assertTrue(result.rule().equals(m.rule()), "expected the failure to cite " + m.rule() + ":\n"
                        + result.report());
                assertTrue(result.steps().size() <= MAX_STEPS, "counterexample longer than " + MAX_STEPS + " steps:\n"
                        + result.report());
                killedAtEverySeedOfTheOption(m, property);
            }));
        }
        return tests;
    }

    /** The longest shrunk counterexample a mutant may have (as the testkit's zoo: MutantZooTests.MAX_STEPS). */
    static final int MAX_STEPS = 8;

    /**
     * With {@code -Dkmemlab.zoo.seeds=FIRST..LAST} (the option of the testkit's KillTablesBySeedTests),
     * checks the mutant at every seed of the range as well: killed, in at most {@link #MAX_STEPS} steps;
     * prints one line per mutant with the longest counterexample and the rules its failures cite.
     */
    private static void killedAtEverySeedOfTheOption(Mutant m, ContractProperty property) {
        String option = System.getProperty("kmemlab.zoo.seeds");
        if (option == null) {
            return;
        }
        String[] range = option.trim().split("\\.\\.");
        long first;
        long last;
        try {
            first = Long.parseLong(range[0].trim());
            last = range.length > 1 ? Long.parseLong(range[1].trim()) : first;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dkmemlab.zoo.seeds=" + option + " must be a seed or a range"
                    + " FIRST..LAST, e.g. 1..20", e);
        }
        int longest = 0;
        java.util.SortedSet<String> rules = new java.util.TreeSet<>();
        List<Long> survived = new ArrayList<>();
        for (long seed = first; seed <= last; seed++) {
            PropertyResult r = property.check(new Effort(EFFORT.tries(), EFFORT.steps(), seed));
            if (r.passed()) {
                survived.add(seed);
                continue;
            }
            longest = Math.max(longest, r.steps().size());
            rules.add(r.rule().isEmpty() ? "(no rule)" : r.rule());
        }
        long seeds = last - first + 1;
        System.out.println("[kmemlab] kernel zoo, seeds " + first + ".." + last + ": " + m.name() + " killed at "
                + (seeds - survived.size()) + "/" + seeds + ", longest " + longest + ", cites " + String.join(", ",
                rules));
        assertTrue(survived.isEmpty(), m.name() + " survived " + m.property() + " at seeds " + survived);
        assertTrue(longest <= MAX_STEPS, m.name() + ": a counterexample of " + longest + " steps (at most "
                + MAX_STEPS + ")");
    }

    /** Named caches that return NULL for every allocation: nothing to check, so no pass. */
    static final class CachesAlwaysNull extends Forwarding {
        @Override
        public org.kmemlab.api.SlabCaches slabCaches() {
            return new ForwardingCaches(kernel) {
                @Override
                public long alloc(Cache cache, int gfp) {
                    return NULL;
                }
            };
        }
    }

    @org.junit.jupiter.api.Test
    void namedCachesThatNeverAllocateFailVacuouslyAndTheOperationsAreCounted() {
        PropertyResult result = null;
        for (ContractProperty p : KernelContract.properties(CachesAlwaysNull::new, "always NULL", "mvn test", 0)) {
            result = p.id().equals("kernel.named-caches") ? p.check(EFFORT) : result;
        }
        assertTrue(result != null && !result.passed() && result.rule().equals("kernel.cache-alloc")
                && result.operations() == 0 && result.brokenInvariant().contains("checked vacuously"),
                "expected a vacuous failure citing kernel.cache-alloc:\n" + (result == null ? "none" : result.report()));
        for (ContractProperty p : KernelContract.properties(Forwarding::new, "forwarding wrapper", "mvn test", 0)) {
            if (p.id().equals("kernel.named-caches")) {
                PropertyResult passed = p.check(EFFORT);
                assertTrue(passed.passed() && passed.operations() >= EFFORT.tries()
                        && passed.report().contains(passed.operations() + " operations"), passed.report());
            }
        }
    }

    @TestFactory
    List<DynamicTest> theUnchangedWrapperPassesEveryProperty() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ContractProperty p : KernelContract.properties(Forwarding::new, "forwarding wrapper", "mvn test", 0)) {
            tests.add(DynamicTest.dynamicTest(p.id(), () -> {
                PropertyResult result = p.check(EFFORT.withTries(4));
                assertTrue(result.passed(), result.report());
            }));
        }
        return tests;
    }
}
