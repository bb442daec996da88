package org.kmemlab.testkit.contract.slab;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.NoGarbage;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * The state machine behind every slab-contract property: a fresh cache of a random object size,
 * alignment, flag set and (maybe) constructor, on a 64 MiB x86_64 machine with a roomy or tight
 * {@link ContractPageSource}; random allocations (one at a time, until NULL or until two new slabs in one
 * step), frees,
 * misuse, shrinks, page-source failures, writes after free and past the end, and a final destroy, with the
 * property's invariants after every step.
 */
public final class SlabChain implements StateMachine<SlabState> {

    /**
     * What a property checks and how its chains are drawn.
     *
     * @param checks the invariants checked
     * @param weights relative weights of allocate, free, misuse, shrink, free-all, page-source switch,
     *                destroy, write-after-free, overrun and exhaust steps
     * @param tightPercent how often the page source has only a few pages
     * @param ctorPercent how often the cache has a constructor
     * @param debugPercent how often each of SLAB_POISON and SLAB_RED_ZONE is set
     * @param dmaPercent how often the cache has SLAB_CACHE_DMA
     * @param zeroPercent how often a request carries {@code __GFP_ZERO}
     */
    record Focus(Set<SlabCheck> checks, int[] weights, int tightPercent, int ctorPercent, int debugPercent,
                 int dmaPercent, int zeroPercent) {
    }

    private static final int[] ALIGNS = {0, 0, 0, 8, 16, 32, 64, 128, 256, 4096};
    /**
     * The most objects an exhaust step may have to allocate: a cache of small objects on a roomy source
     * (hundreds of thousands of slots) fills it one allocate step at a time instead, which keeps a chain
     * fast (every allocation is checked against every live object).
     */
    private static final int EXHAUST_MAX_OBJECTS = 4096;

    private final SlabCacheProvider provider;
    private final Focus focus;
    /** The no-garbage warning, measured once per property run. */
    private final NoGarbage noGarbage = new NoGarbage();

    SlabChain(SlabCacheProvider provider, Focus focus) {
        this.provider = provider;
        this.focus = focus;
    }

    @Override
    public SlabState setUp(Randomness random) {
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        boolean tight = random.percent(focus.tightPercent());
        long dmaFrames = tight ? random.between(4, 16) : 64;
        long normalFrames = tight ? random.between(8, 48) : 256;
        long dmaStart = (4 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT;
        long normalStart = (32 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT;
        ContractPageSource source = new ContractPageSource(machine, dmaStart, dmaFrames, normalStart, normalFrames);
        // One cache in five has objects larger than a page, so slabs of several pages (and the bugs of a
        // cache that counts them as one, or as 2^order one-page slabs) come up in every property.
        long size = switch (random.choose(60, 20, 20)) {
            case 0 -> random.boundarySize(512);
            case 1 -> random.boundarySize(MachineProfile.PAGE_SIZE);
            default -> MachineProfile.PAGE_SIZE
                    + random.boundarySize(SlabCacheConfig.MAX_OBJECT_SIZE - MachineProfile.PAGE_SIZE);
        };
        int align = ALIGNS[random.between(0, ALIGNS.length - 1)];
        int flags = 0;
        flags |= random.percent(40) ? SlabFlags.SLAB_HWCACHE_ALIGN : 0;
        flags |= random.percent(focus.debugPercent()) ? SlabFlags.SLAB_POISON : 0;
        flags |= random.percent(focus.debugPercent()) ? SlabFlags.SLAB_RED_ZONE : 0;
        flags |= random.percent(focus.dmaPercent()) ? SlabFlags.SLAB_CACHE_DMA : 0;
        boolean ctor = random.percent(focus.ctorPercent());
        SlabState.WatchedSource watched = new SlabState.WatchedSource(source);
        SlabState[] holder = new SlabState[1];
        SlabCacheConfig config = new SlabCacheConfig(machine, watched, "contract_cache", size, align, flags,
                ctor ? addr -> holder[0].constructorRan(addr) : null);
        SlabCache sut = provider.create(config);
        if (sut == null) {
            throw Rule.SLAB_OBJECT.violation("the provider's create() must return a cache", "a SlabCache", "null");
        }
        SlabState s = new SlabState(machine, source, config, sut, focus.checks());
        holder[0] = s;
        watched.state = s;
        if (!sut.name().equals(config.name())) {
            throw Rule.SLAB_SLABINFO.violation("name() must return the configured name", config.name(), sut.name());
        }
        ContractPageSource otherSource = new ContractPageSource(machine, (8 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT,
                16, (48 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT, 16);
        s.other = provider.create(new SlabCacheConfig(machine, otherSource, "other_cache", 64, 0, 0, null));
        s.otherObject = s.other.allocate(Gfp.GFP_KERNEL);
        if (s.otherObject == 0) {
            s.other = null;
        }
        return s;
    }

    @Override
    public String describeSetUp(SlabState s) {
        return "cache = create(\"" + s.config.name() + "\", size " + s.config.size() + ", align " + s.config.align()
                + ", " + SlabFlags.toString(s.config.flags()) + ", " + (s.config.ctor() == null ? "no ctor" : "ctor")
                + "; page source " + s.source.describe() + ")  [alignment " + s.config.alignment() + "]";
    }

    @Override
    public Action<SlabState> nextAction(SlabState s, Randomness random) {
        if (s.destroyed) {
            return null;
        }
        switch (random.choose(focus.weights())) {
            case 1:
                if (!s.live.isEmpty()) {
                    return new SlabActions.Free(random.pick(s.liveLabels()));
                }
                break;
            case 2: {
                Action<SlabState> misuse = misuse(s, random);
                if (misuse != null) {
                    return misuse;
                }
                break;
            }
            case 3:
                return new SlabActions.Shrink();
            case 4:
                if (!s.live.isEmpty()) {
                    List<String> labels = s.liveLabels();
                    java.util.Collections.shuffle(labels, new java.util.Random(random.nextLong()));
                    return new SlabActions.FreeAll(labels);
                }
                break;
            case 5:
                return new SlabActions.SourceFails(!s.source.failing());
            case 6:
                if (s.live.isEmpty()) {
                    return new SlabActions.Destroy();
                }
                break;
            case 7:
                if (!s.freed.isEmpty() && s.config.poisons()) {
                    return new SlabMisuse.WriteAfterFree(random.pick(new ArrayList<>(s.freed.keySet())),
                            random.longBetween(0, s.config.size() - 1));
                }
                break;
            case 8:
                if (!s.live.isEmpty() && s.config.redZones()) {
                    return new SlabMisuse.Overrun(random.pick(s.liveLabels()), random.between(0, 7));
                }
                break;
            case 9: {
                // No cache can place more objects than both pools hold, whichever pool it (wrongly) uses:
                // every object takes at least its extent of bytes inside pages of the source.
                long allBytes = (s.source.poolFrames(true) + s.source.poolFrames(false)) * s.machine.pageSize();
                long cap = allBytes / Math.max(1, s.extent) + 2;
                if (cap <= EXHAUST_MAX_OBJECTS && random.percent(50)) {
                    return new SlabAllocateActions.Exhaust("e" + s.newId(), (int) cap, gfp(random), 0);
                }
                return new SlabAllocateActions.Exhaust("f" + s.newId(), (int) Math.min(cap, EXHAUST_MAX_OBJECTS),
                        gfp(random), SlabAllocateActions.Exhaust.FILL_SLABS);
            }
            default:
                break;
        }
        return new SlabAllocateActions.Allocate("o" + s.newId(), gfp(random));
    }

    private int gfp(Randomness random) {
        int gfp = random.percent(20) ? Gfp.GFP_ATOMIC : Gfp.GFP_KERNEL;
        return random.percent(focus.zeroPercent()) ? gfp | Gfp.__GFP_ZERO : gfp;
    }

    private static Action<SlabState> misuse(SlabState s, Randomness random) {
        SlabMisuse.Kind[] kinds = SlabMisuse.Kind.values();
        for (int attempt = 0; attempt < 6; attempt++) {
            SlabMisuse.Kind kind = kinds[random.between(0, kinds.length - 1)];
            SlabMisuse candidate = switch (kind) {
                case DOUBLE_FREE -> s.freed.isEmpty() ? null
                        : new SlabMisuse(kind, random.pick(new ArrayList<>(s.freed.keySet())), 0);
                case INTERIOR_FREE -> s.live.isEmpty() || s.config.size() < 2 ? null
                        : new SlabMisuse(kind, random.pick(s.liveLabels()), random.percent(50)
                                ? Math.min(s.config.size() - 1, 8L * random.between(1, 4))
                                : random.longBetween(1, s.config.size() - 1));
                case UNOWNED_FREE -> new SlabMisuse(kind, null, 8L * random.between(0, 64));
                case WRONG_CACHE_FREE, DESTROY_WITH_LIVE -> new SlabMisuse(kind, null, 0);
            };
            if (candidate != null && candidate.precondition(s)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void checkInvariants(SlabState s) {
        if (!s.constructorViolations.isEmpty() && s.checks(SlabCheck.CONSTRUCTOR)) {
            throw Rule.SLAB_CONSTRUCTOR.violation("the constructor runs once per object, before the object is first handed"
                    + " out, and never on a live object", "no such constructor call",
                    s.constructorViolations.get(0));
        }
        List<String> wrongReturns = s.source.violations();
        if (!wrongReturns.isEmpty()) {
            throw Rule.PAGESOURCE_GIVE_BACK.violation("slabs must go back to the page source with the address and order they"
                    + " came with, once", "no wrong freePages call", wrongReturns.get(0));
        }
        if (s.destroyed) {
            return;
        }
        try {
            s.sut.checkInvariants();
        } catch (IllegalStateException e) {
            throw Rule.SLAB_SELF_CHECK_SOUND.violation("the cache's own checkInvariants() failed", "no IllegalStateException",
                    e.getMessage() == null ? "IllegalStateException" : e.getMessage(), e);
        }
        if (s.checks(SlabCheck.ACCOUNTING)) {
            checkSlabinfo(s);
        }
        if (s.checks(SlabCheck.PATTERNS)) {
            for (String label : s.live.keySet()) {
                long addr = s.live.get(label);
                String wrong = SlabActions.mismatch(s, addr, s.config.size(), SlabState.pattern(label));
                if (wrong != null) {
                    throw Rule.SLAB_OBJECT.violation("the bytes of live object " + label + " at " + SlabState.hex(addr)
                            + " changed although only its user wrote to it", "the pattern written at allocation",
                            wrong);
                }
            }
        }
        if (s.checks(SlabCheck.DEBUG) && s.config.redZones()) {
            for (String label : s.live.keySet()) {
                long addr = s.live.get(label);
                String wrong = SlabActions.mismatch(s, SlabActions.redZoneAddress(s, addr), SlabFlags.RED_ZONE_SIZE,
                        SlabFlags.RED_ACTIVE);
                if (wrong != null) {
                    throw Rule.SLAB_RED_ZONE.violation("the red zone of live object " + label + " must stay 0xcc", "0xcc",
                            wrong);
                }
            }
        }
    }

    private static void checkSlabinfo(SlabState s) {
        SlabInfo row = s.sut.slabinfo();
        if (!row.name().equals(s.config.name())) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo's name must be the cache's name", s.config.name(), row.name());
        }
        if (row.activeObjects() != s.live.size()) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo's active objects must equal the live objects",
                    s.live.size() + " active objects", row.activeObjects() + " active objects");
        }
        if (row.totalObjects() != row.objectsPerSlab() * row.totalSlabs()) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo: total objects must be objects per slab times slabs",
                    row.objectsPerSlab() * row.totalSlabs() + " objects", row.totalObjects() + " objects");
        }
        if (row.objectSize() < s.extent || row.objectSize() % s.config.alignment() != 0) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo's object size is the slot: at least the object with its red zone"
                    + " and a multiple of the alignment " + s.config.alignment(), "at least " + s.extent
                    + " and a multiple of " + s.config.alignment(),
                    Long.toString(row.objectSize()));
        }
        if (row.objectsPerSlab() * row.objectSize() > row.pagesPerSlab() * s.machine.pageSize()) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo: the objects of a slab must fit in its pages",
                    "at most " + row.pagesPerSlab() * s.machine.pageSize() + " bytes",
                    row.objectsPerSlab() + " x " + row.objectSize());
        }
        checkSlabsOneByOne(s, row);
        long held = s.source.outstandingPages();
        if (row.totalSlabs() * row.pagesPerSlab() != held) {
            throw Rule.SLAB_SLABINFO_PAGES.violation("slabinfo's slabs must account for every page held from the page source",
                    held + " pages in slabs", row.totalSlabs() * row.pagesPerSlab() + " pages in slabs");
        }
    }

    /**
     * The row's per-slab figures must be exact, not just multiply out: every block the cache holds from
     * its page source is one slab of the row's pages per slab, the active slabs are exactly the blocks
     * holding a live object, and no block holds more live objects than the row's objects per slab. Both
     * the live objects (by address) and the blocks are sorted, so one merge walk counts the objects of
     * every block.
     */
    private static void checkSlabsOneByOne(SlabState s, SlabInfo row) {
        List<ContractPageSource.Block> blocks = s.source.outstanding();
        long activeSlabs = 0;
        long fullest = 0;
        String fullestAt = "";
        java.util.Iterator<Long> objects = liveAddresses(s).iterator();
        Long next = objects.hasNext() ? objects.next() : null;
        for (ContractPageSource.Block b : blocks) {
            if ((1L << b.order()) != row.pagesPerSlab()) {
                throw Rule.SLAB_SLABINFO.violation("slabinfo's pages per slab must be the size of the slabs the cache"
                        + " holds: the block at pfn " + b.pfn() + " has " + (1L << b.order()) + " pages",
                        (1L << b.order()) + " pages per slab", row.pagesPerSlab() + " pages per slab");
            }
            long start = s.machine.pfnToVirt(b.pfn());
            long end = s.machine.pfnToVirt(b.endPfn());
            while (next != null && Long.compareUnsigned(next, start) < 0) {
                next = objects.hasNext() ? objects.next() : null;
            }
            long inBlock = 0;
            while (next != null && Long.compareUnsigned(next, end) < 0) {
                inBlock++;
                next = objects.hasNext() ? objects.next() : null;
            }
            activeSlabs += inBlock > 0 ? 1 : 0;
            if (inBlock > fullest) {
                fullest = inBlock;
                fullestAt = "the slab at pfn " + b.pfn();
            }
        }
        if (row.activeSlabs() != activeSlabs) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo's active slabs must be the slabs holding live objects: "
                    + activeSlabs + " of the " + blocks.size() + " blocks held hold one", activeSlabs + " active slabs",
                    row.activeSlabs() + " active slabs");
        }
        if (fullest > row.objectsPerSlab()) {
            throw Rule.SLAB_SLABINFO.violation("slabinfo's objects per slab must be what a slab holds: " + fullestAt
                    + " holds " + fullest + " live objects", "at least " + fullest + " objects per slab",
                    row.objectsPerSlab() + " objects per slab");
        }
    }

    /** The live objects' addresses, lowest first (unsigned). */
    private static java.util.Collection<Long> liveAddresses(SlabState s) {
        if (s.live.indexed()) {
            return s.live.byAddress.keySet();
        }
        java.util.TreeSet<Long> all = new java.util.TreeSet<>(Long::compareUnsigned);
        all.addAll(s.live.values());
        return all;
    }

    @Override
    public long exercised(SlabState s) {
        return s.exercised;
    }

    /** Draws the cache's slabinfo row beside the model for the failure page ({@link SlabPicture}). */
    @Override
    public org.kmemlab.testkit.property.Snapshot snapshot(SlabState s) {
        return SlabPicture.of(s);
    }

    @Override
    public List<String> warnings(SlabState s) {
        // The cache under test, at the end of the chain, runs allocate/free pairs (each object freed at once,
        // in the state it came in, so nothing the chain holds changes).
        return noGarbage.warnings(s.warnings, Rule.SLAB_NO_GARBAGE, "boxing, an iterator, a map entry?",
                () -> s.destroyed || s.source.failing() ? null : pairs -> cycle(s, pairs));
    }

    private static void cycle(SlabState s, int pairs) {
        for (int i = 0; i < pairs; i++) {
            long addr = s.sut.allocate(Gfp.GFP_KERNEL);
            if (addr != SlabCache.NULL) {
                s.sut.free(addr);
            }
        }
    }
}
