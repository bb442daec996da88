package org.kmemlab.testkit.contract.object;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Draws;
import org.kmemlab.testkit.contract.chain.FreeList;
import org.kmemlab.testkit.contract.chain.NoGarbage;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.InvariantViolation;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * The state machine behind every object-contract property: random allocations of every size and GFP
 * mix, frees, bad frees, exhaustion, shrinks and page-source failures against a fresh allocator of a
 * random era, with the property's invariants after every step.
 *
 * <p>Each chain boots its own machine: {@link Era#LINUX_2_0} runs on a 32 MiB
 * {@link MachineProfile#I386_LINUX_2_0}, {@link Era#MODERN} on a 64 MiB {@link MachineProfile#X86_64}. The
 * allocator gets a {@link ContractPageSource} with a DMA pool at 4 MiB and a normal pool above 16 MiB (32
 * MiB on x86_64), roomy or tight.
 */
final class ObjectChain implements StateMachine<ObjectState> {

    /**
     * What a property checks and how its chains are drawn.
     *
     * @param checks the invariants checked
     * @param weights relative weights of allocate, free, bad call, exhaust, free-all, shrink and
     *                page-source switch steps
     * @param badSizePercent how often a size is 0 or above maxSize
     * @param tightPercent how often the page source has only a few pages
     * @param dmaPercent how often a request carries {@code __GFP_DMA}
     * @param zeroPercent how often a request carries {@code __GFP_ZERO}
     */
    record Focus(Set<ObjectCheck> checks, int[] weights, int badSizePercent, int tightPercent, int dmaPercent,
                 int zeroPercent) {
    }

    private final ObjectAllocatorProvider provider;
    private final Focus focus;
    /** The no-garbage warning, measured once per property run. */
    private final NoGarbage noGarbage = new NoGarbage();

    ObjectChain(ObjectAllocatorProvider provider, Focus focus) {
        this.provider = provider;
        this.focus = focus;
    }

    @Override
    public ObjectState setUp(Randomness random) {
        Era era = random.percent(50) ? Era.LINUX_2_0 : Era.MODERN;
        boolean tight = random.percent(focus.tightPercent());
        long dmaFrames = tight ? random.between(4, 16) : 32;
        long normalFrames = tight ? random.between(8, 48) : 160;
        Machine machine;
        long normalStart;
        if (era == Era.LINUX_2_0) {
            machine = Machine.boot(MachineProfile.I386_LINUX_2_0, 32 * Sizes.MiB);
            normalStart = (16 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT;
        } else {
            machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
            normalStart = (32 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT;
        }
        long dmaStart = (4 * Sizes.MiB) >>> MachineProfile.PAGE_SHIFT;
        ContractPageSource source = new ContractPageSource(machine, dmaStart, dmaFrames, normalStart, normalFrames);
        ObjectAllocator sut = provider.create(new ObjectAllocatorConfig(machine, source, era));
        if (sut == null) {
            throw Rule.OBJECT_MEMORY.violation("the provider's create() must return an allocator",
                    "an ObjectAllocator", "null");
        }
        return new ObjectState(era, machine, source, sut, focus.checks());
    }

    @Override
    public String describeSetUp(ObjectState s) {
        return "allocator = create(era " + s.era + " on " + s.machine.profile().displayName() + ", page source "
                + s.source.describe() + ")  [maxSize " + s.maxSize + "]";
    }

    @Override
    public Action<ObjectState> nextAction(ObjectState s, Randomness random) {
        switch (random.choose(focus.weights())) {
            case 1:
                if (!s.live.isEmpty()) {
                    return new ObjectActions.Free(random.pick(s.liveLabels()));
                }
                break;
            case 2: {
                Action<ObjectState> misuse = misuse(s, random);
                if (misuse != null) {
                    return misuse;
                }
                break;
            }
            case 3: {
                int gfp = gfp(random);
                long poolBytes = s.source.poolFrames((gfp & Gfp.__GFP_DMA) != 0) * s.machine.pageSize();
                // At most about a thousand objects fit: larger pools are exhausted with larger objects.
                long least = Math.min(s.maxSize, Math.max(8, poolBytes / 1024));
                long size = random.longBetween(least, s.maxSize);
                // No allocator can place more objects than both pools hold, whichever pool it (wrongly) uses.
                long allBytes = (s.source.poolFrames(true) + s.source.poolFrames(false)) * s.machine.pageSize();
                int cap = (int) (allBytes / Math.max(8, size) + 2);
                int group = s.newIds(cap);
                return new ObjectActions.Exhaust("e" + group, group, cap, size, gfp);
            }
            case 4:
                if (!s.live.isEmpty()) {
                    return FreeList.everyLive(s, "objects", random.nextLong());
                }
                break;
            case 5:
                return new ObjectActions.Shrink();
            case 6:
                return new ObjectActions.SourceFails(!s.source.failing());
            default:
                break;
        }
        int id = s.newId();
        return new ObjectActions.Allocate("o" + id, id, size(s, random), gfp(random));
    }

    private long size(ObjectState s, Randomness random) {
        if (random.percent(focus.badSizePercent())) {
            return random.percent(40) ? 0 : s.maxSize + random.between(1, 64);
        }
        // A quarter of the requests ask for the size of a live object: objects of one class then sit side by
        // side in one slab, so a bug that reaches a neighbour (a zeroing or a free that runs one byte or
        // one slot too far) has a live neighbour to hit. Sizes drawn afresh would spread over so many classes
        // that two live objects seldom share a slab.
        if (!s.live.isEmpty() && random.percent(25)) {
            return s.live.get(random.pick(s.liveLabels())).size();
        }
        return switch (random.choose(70, 20, 10)) {
            case 0 -> random.boundarySize(Math.min(s.maxSize, 1024));
            case 1 -> random.boundarySize(s.maxSize);
            default -> s.maxSize - random.between(0, 1);
        };
    }

    private int gfp(Randomness random) {
        return Draws.gfp(random, focus.dmaPercent(), focus.zeroPercent());
    }


    private static Action<ObjectState> misuse(ObjectState s, Randomness random) {
        ObjectMisuse.Kind[] kinds = ObjectMisuse.Kind.values();
        for (int attempt = 0; attempt < 6; attempt++) {
            ObjectMisuse.Kind kind = kinds[random.between(0, kinds.length - 1)];
            ObjectMisuse candidate = switch (kind) {
                case DOUBLE_FREE, USABLE_SIZE_OF_FREED -> s.freed.isEmpty() ? null
                        : new ObjectMisuse(kind, random.pick(new ArrayList<>(s.freed.keySet())), 0);
                case INTERIOR_FREE, USABLE_SIZE_OF_INTERIOR -> {
                    if (s.live.isEmpty()) {
                        yield null;
                    }
                    String label = random.pick(s.liveLabels());
                    long usable = s.live.get(label).usable();
                    if (usable < 2) {
                        yield null;
                    }
                    yield new ObjectMisuse(kind, label, Draws.interiorOffset(random, usable));
                }
                case UNOWNED_FREE -> new ObjectMisuse(kind, null, 8L * random.between(0, 64));
                case NON_OBJECT_FREE, USABLE_SIZE_OF_NON_OBJECT -> {
                    if (s.live.isEmpty()) {
                        yield null;
                    }
                    String label = random.pick(s.liveLabels());
                    ContractPageSource.Block block = s.source.blockHolding(s.live.get(label).addr(), 1);
                    if (block == null) {
                        yield null;
                    }
                    long bytes = (1L << block.order()) * s.machine.pageSize();
                    // The page's first bytes (where headers and descriptors live), its last bytes (slack),
                    // or anywhere: every address that is not a live object's start must be refused.
                    long offset = switch (random.choose(30, 30, 40)) {
                        case 0 -> 4L * random.between(0, 7);
                        case 1 -> bytes - 4L * random.between(1, 8);
                        default -> random.longBetween(0, bytes - 1);
                    };
                    yield new ObjectMisuse(kind, label, offset);
                }
            };
            if (candidate != null && candidate.precondition(s)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void checkInvariants(ObjectState s) {
        try {
            s.sut.checkInvariants();
        } catch (IllegalStateException e) {
            throw Rule.OBJECT_SELF_CHECK_SOUND.violation("the allocator's own checkInvariants() failed",
                    "no IllegalStateException", e.getMessage() == null ? "IllegalStateException" : e.getMessage(), e);
        }
        List<String> wrongReturns = s.source.violations();
        if (!wrongReturns.isEmpty()) {
            throw Rule.PAGESOURCE_GIVE_BACK.violation("pages must go back to the page source with the address and"
                    + " order they came with, once", "no wrong freePages call", wrongReturns.get(0));
        }
        if (s.checks(ObjectCheck.ACCOUNTING)) {
            checkSlabinfo(s);
        }
        if (s.checks(ObjectCheck.USABLE_SIZE)) {
            for (LiveObject o : s.live.values()) {
                long usable;
                try {
                    usable = s.sut.usableSize(o.addr());
                } catch (KernelBug bug) {
                    throw Rule.OBJECT_USABLE_SIZE.violation("usableSize() of live object " + o.label() + " at "
                            + ObjectActions.hex(o.addr()) + " must not raise KernelBug", Long.toString(o.usable()),
                            Reports.headline(bug));
                }
                if (usable != o.usable()) {
                    throw Rule.OBJECT_USABLE_SIZE.violation("usableSize() of live object " + o.label()
                            + " changed while it was live", o.usable() + " (as when it was allocated)", Long.toString(usable));
                }
            }
        }
        if (s.checks(ObjectCheck.PATTERNS)) {
            s.verifyPatterns();
        }
    }

    private static void checkSlabinfo(ObjectState s) {
        List<SlabInfo> rows = s.slabinfo();
        long active = 0;
        long pages = 0;
        for (SlabInfo row : rows) {
            active += row.activeObjects();
            pages += row.totalSlabs() * row.pagesPerSlab();
            if (row.totalObjects() != row.objectsPerSlab() * row.totalSlabs()) {
                throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo row " + row.name() + ": total objects must be"
                        + " objects per slab times slabs", row.objectsPerSlab() + " x " + row.totalSlabs() + " = "
                        + row.objectsPerSlab() * row.totalSlabs(), Long.toString(row.totalObjects()));
            }
            if ((row.activeObjects() == 0) != (row.activeSlabs() == 0)
                    || row.activeSlabs() * row.objectsPerSlab() < row.activeObjects()) {
                throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo row " + row.name() + ": active slabs must be"
                        + " the slabs holding the active objects", row.activeObjects() + " active objects in slabs of "
                        + row.objectsPerSlab(), row.activeSlabs() + " active slabs");
            }
        }
        if (active != s.live.size()) {
            throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo's active objects must equal the live objects",
                    s.live.size() + " active objects", active + " active objects");
        }
        long held = s.source.outstandingPages();
        if (pages != held) {
            throw Rule.OBJECT_SLABINFO_PAGES.violation("slabinfo's slabs must account for every page held from"
                    + " the page source", held + " pages in slabs", pages + " pages in slabs");
        }
        checkRowsPerClass(s, rows);
    }

    /**
     * Each row must be exact, not just consistent: grouped by object size, the active objects are the live
     * objects of that usable size, and the active slabs the blocks holding them; grouped by pages per slab,
     * the slabs are the blocks of that size the allocator holds; no block holds more live objects of a
     * class than its row's objects per slab, and those objects fit in the slab's pages.
     */
    private static void checkRowsPerClass(ObjectState s, List<SlabInfo> rows) {
        java.util.TreeMap<Long, Long> activeBySize = new java.util.TreeMap<>();
        java.util.Map<Long, Long> activeSlabsBySize = new java.util.TreeMap<>();
        java.util.Map<Long, Long> perSlabBySize = new java.util.TreeMap<>();
        java.util.Map<Long, Long> slabsByPages = new java.util.TreeMap<>();
        for (SlabInfo row : rows) {
            activeBySize.merge(row.objectSize(), row.activeObjects(), Long::sum);
            activeSlabsBySize.merge(row.objectSize(), row.activeSlabs(), Long::sum);
            perSlabBySize.merge(row.objectSize(), row.objectsPerSlab(), Math::min);
            slabsByPages.merge(row.pagesPerSlab(), row.totalSlabs(), Long::sum);
            if (row.objectsPerSlab() * row.objectSize() > row.pagesPerSlab() * s.machine.pageSize()) {
                throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo row " + row.name() + ": " + row.objectsPerSlab()
                        + " objects of " + row.objectSize() + " bytes cannot fit in a slab of " + row.pagesPerSlab()
                        + " pages", "objects per slab x object size <= pages per slab x page size",
                        row.objectsPerSlab() + " x " + row.objectSize());
            }
        }
        java.util.Map<Long, Long> liveBySize = new java.util.TreeMap<>();
        java.util.Map<Long, java.util.Map<Long, Long>> liveByBlockBySize = new java.util.TreeMap<>();
        for (LiveObject o : s.live.values()) {
            // An object belongs to the row of the smallest object size that holds its usable bytes (a
            // bucket with a header per object reports its bucket size, and usable bytes a little less).
            Long size = activeBySize.ceilingKey(o.usable());
            long key = size == null ? o.usable() : size;
            liveBySize.merge(key, 1L, Long::sum);
            ContractPageSource.Block block = s.source.blockHolding(o.addr(), 1);
            if (block != null) {
                liveByBlockBySize.computeIfAbsent(key, k -> new java.util.TreeMap<>()).merge(block.pfn(), 1L,
                        Long::sum);
            }
        }
        for (java.util.Map.Entry<Long, Long> e : liveBySize.entrySet()) {
            long reported = activeBySize.getOrDefault(e.getKey(), 0L);
            if (reported != e.getValue()) {
                throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo rows of " + e.getKey() + "-byte objects must count"
                        + " the live objects of that size", e.getValue() + " active objects of " + e.getKey()
                        + " bytes", reported + " active objects in rows of that size");
            }
            java.util.Map<Long, Long> byBlock = liveByBlockBySize.getOrDefault(e.getKey(), java.util.Map.of());
            long activeSlabs = activeSlabsBySize.getOrDefault(e.getKey(), 0L);
            if (activeSlabs != byBlock.size()) {
                throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo rows of " + e.getKey() + "-byte objects must count"
                        + " as active the slabs that hold live objects of that size", byBlock.size()
                        + " active slabs", activeSlabs + " active slabs");
            }
            long perSlab = perSlabBySize.getOrDefault(e.getKey(), 0L);
            for (java.util.Map.Entry<Long, Long> b : byBlock.entrySet()) {
                if (b.getValue() > perSlab) {
                    throw Rule.OBJECT_SLABINFO_ROWS.violation("the slab at pfn " + b.getKey() + " holds " + b.getValue()
                            + " live " + e.getKey() + "-byte objects, more than its row's objects per slab",
                            "objects per slab of at least " + b.getValue(), perSlab + " objects per slab");
                }
            }
        }
        java.util.Map<Long, Long> heldByPages = new java.util.TreeMap<>();
        for (ContractPageSource.Block b : s.source.outstanding()) {
            heldByPages.merge(1L << b.order(), 1L, Long::sum);
        }
        if (!heldByPages.equals(withoutZeros(slabsByPages))) {
            throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo's slabs per slab size must be the blocks of that size"
                    + " the allocator holds", "slabs by pages per slab " + heldByPages,
                    "slabinfo says " + withoutZeros(slabsByPages));
        }
    }

    private static java.util.Map<Long, Long> withoutZeros(java.util.Map<Long, Long> counts) {
        java.util.Map<Long, Long> out = new java.util.TreeMap<>();
        counts.forEach((k, v) -> {
            if (v != 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public List<String> warnings(ObjectState s) {
        // The chain's allocator, at the end of the chain, runs allocate/free pairs of small sizes (each
        // object is freed at once, so nothing the chain holds changes).
        return noGarbage.warnings(s.warnings, Rule.OBJECT_NO_GARBAGE, "boxing, an iterator, a map entry?",
                () -> s.source.failing() ? null : pairs -> cycle(s, pairs));
    }

    private static void cycle(ObjectState s, int pairs) {
        for (int i = 0; i < pairs; i++) {
            long addr = s.sut.allocate(8L << (i & 3), Gfp.GFP_KERNEL);
            if (addr != ObjectAllocator.NULL) {
                s.sut.free(addr);
            }
        }
    }

    /** Draws the allocator's slabinfo beside the model's live objects for the failure page ({@link ObjectPicture}). */
    @Override
    public org.kmemlab.testkit.property.Snapshot snapshot(ObjectState s) {
        return ObjectPicture.of(s);
    }

    @Override
    public long exercised(ObjectState s) {
        return s.exercised;
    }
}
