package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;

/**
 * A second, SLUB-like slab cache for the slab contract's own tests: free pointers kept in memory (inside
 * a free object, or past it when the object holds a constructor's state or poison), slabs in a sorted
 * map, first-fit over slabs, every empty slab kept until {@code shrink()}. With {@link Flaw#NONE} it is
 * correct (and passes the contract); every other flaw plants one bug the contract must catch.
 */
final class AlternateSlabCache implements SlabCache {

    /** The planted bugs. */
    enum Flaw {
        NONE,
        /** Never runs the constructor. */
        NO_CONSTRUCTOR,
        /** Runs the constructor on every allocation, as if it were kmalloc plus an init function. */
        CONSTRUCTOR_EVERY_ALLOCATION,
        /** Keeps the free pointer in the object even when a constructor set the object up. */
        FREE_POINTER_OVER_CONSTRUCTED_STATE,
        /** Ignores the alignment and SLAB_HWCACHE_ALIGN: slots are the size rounded to 8. */
        IGNORES_ALIGNMENT,
        /** A second free of an object goes through. */
        SILENT_DOUBLE_FREE,
        /** A pointer into an object frees the object. */
        ACCEPTS_INTERIOR_POINTER,
        /** A free of an address in none of the slabs is ignored. */
        IGNORES_FOREIGN_FREE,
        /** destroy() with live objects gives the slabs back anyway. */
        DESTROYS_LIVE_CACHE,
        /** shrink() gives nothing back. */
        SHRINK_KEEPS_EMPTY_SLABS,
        /** slabinfo counts every slab as active. */
        ALL_SLABS_ACTIVE,
        /** SLAB_POISON is ignored. */
        NO_POISON,
        /** Free objects are poisoned but never checked. */
        POISON_NEVER_CHECKED,
        /** Red zones are written but never checked. */
        RED_ZONE_NEVER_CHECKED,
        /** The red zone is left out of the slot, so it lies on the next object. */
        RED_ZONE_IN_NEXT_OBJECT,
        /** SLAB_CACHE_DMA is ignored. */
        IGNORES_CACHE_DMA,
        /** __GFP_ZERO is ignored. */
        IGNORES_GFP_ZERO,
        /** One object more per slab than fits: the last runs past the slab's end. */
        ONE_OBJECT_TOO_MANY,
        /** Throws instead of returning NULL when the page source refuses a slab. */
        THROWS_WHEN_SOURCE_FAILS,
        /** Its bound check is off by one: a free of the last object of a slab is refused as invalid. */
        FREE_REJECTS_LAST_OBJECT,
        /** destroy() of an empty cache forgets its slabs instead of giving them back. */
        DESTROY_KEEPS_SLABS,
        /** slabinfo leaves empty slabs out of the total, so the slabs no longer account for the pages held. */
        SLABINFO_SKIPS_EMPTY_SLABS,
        /** checkInvariants() calls an empty slab kept for later a leak, although the SPI allows it. */
        SELF_CHECK_FALSE_ALARM,
        /** Slab colouring by 8 bytes: every object starts 8 bytes in, which breaks alignments above 8. */
        COLOUR_BREAKS_ALIGNMENT,
        /** Every fourth allocation hands out the object the previous one returned, still live, again. */
        HANDS_OUT_LIVE_OBJECT_AGAIN,
        /** The red zone of a live object keeps the free value (0xbb), and free checks for that value. */
        RED_ZONE_LEFT_INACTIVE,
        /** slabinfo reports the fewest active slabs the active objects could fill, not the slabs holding them. */
        ACTIVE_SLABS_AT_LEAST,
        /** slabinfo counts an order-n slab as 2^n one-page slabs (objects per slab divided to match). */
        SLABINFO_PAGES_AS_SLABS,
        /** Slabs are always asked for with GFP_KERNEL, whatever the caller's gfp: it sleeps under GFP_ATOMIC. */
        SLAB_REQUEST_ALWAYS_KERNEL,
        /** The poison check's loop bound is off by one slot: a slab's last object is never checked. */
        POISON_CHECK_SKIPS_LAST_OBJECT,
        /** shrink() returns the number of slabs it gave back. */
        SHRINK_COUNTS_SLABS,
        /** __GFP_ZERO clears whole words only: the object's size rounded down to 8, missing its tail. */
        ZERO_SKIPS_TAIL,
        /** Remembers every address it ever constructed and skips it, even in a slab new from the page source. */
        CONSTRUCTS_ONCE_PER_ADDRESS,
        /** The red-zone check skips the red zone's last byte. */
        RED_ZONE_CHECK_SKIPS_LAST_BYTE,
        /** Poisoning writes POISON_END one byte past the object too, onto the red zone or the next object. */
        POISON_END_ONE_PAST
    }

    /** One slab: its address, objects in use, free list head (an address, 0 at the end), live marks. */
    private static final class Slab {
        final long base;
        int inUse;
        long freeHead;
        final boolean[] live;

        Slab(long base, int objects) {
            this.base = base;
            this.live = new boolean[objects];
        }
    }

    private final Flaw flaw;
    private final SlabCacheConfig config;
    private final Machine machine;
    private final PhysicalMemory memory;
    private final long size;
    private final long body;
    private final int redZone;
    private final int freePointer;
    private final int slot;
    private final int order;
    private final int perSlab;
    /** Bytes before a slab's first object: 0, or 8 for COLOUR_BREAKS_ALIGNMENT. */
    private final int colour;
    /** The red-zone value of a live object: RED_ACTIVE, or RED_INACTIVE for RED_ZONE_LEFT_INACTIVE. */
    private final byte redLive;
    private long allocations;
    private long lastAllocated;
    private final boolean poison;
    private final TreeMap<Long, Slab> slabs = new TreeMap<>();
    /** Every address ever constructed (CONSTRUCTS_ONCE_PER_ADDRESS only). */
    private final java.util.Set<Long> everConstructed = new java.util.HashSet<>();
    private long active;
    private boolean destroyed;

    AlternateSlabCache(SlabCacheConfig config, Flaw flaw) {
        this.flaw = flaw;
        this.config = config;
        this.machine = config.machine();
        this.memory = machine.memory();
        this.size = config.size();
        this.body = (size + 7) & -8L;
        this.poison = config.poisons() && flaw != Flaw.NO_POISON;
        boolean red = config.redZones();
        this.redZone = red ? (int) body : -1;
        long used = body + (red && flaw != Flaw.RED_ZONE_IN_NEXT_OBJECT ? SlabFlags.RED_ZONE_SIZE : 0);
        boolean outside = (config.ctor() != null && flaw != Flaw.FREE_POINTER_OVER_CONSTRUCTED_STATE) || poison;
        this.freePointer = outside ? (int) used : 0;
        used += outside ? 8 : 0;
        long align = flaw == Flaw.IGNORES_ALIGNMENT ? 8 : config.alignment();
        this.slot = (int) ((used + align - 1) & -align);
        this.colour = flaw == Flaw.COLOUR_BREAKS_ALIGNMENT ? 8 : 0;
        this.redLive = flaw == Flaw.RED_ZONE_LEFT_INACTIVE ? SlabFlags.RED_INACTIVE : SlabFlags.RED_ACTIVE;
        int o = 0;
        while ((MachineProfile.PAGE_SIZE << o) < slot + colour) {
            o++;
        }
        this.order = o;
        int fits = (int) (((MachineProfile.PAGE_SIZE << o) - colour) / slot);
        this.perSlab = flaw == Flaw.ONE_OBJECT_TOO_MANY ? fits + 1 : fits;
    }

    static SlabCacheProvider provider(Flaw flaw) {
        String name = flaw == Flaw.NONE ? "alternate-slub" : "slub-" + flaw.name().toLowerCase().replace('_', '-');
        return new SlabCacheProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public SlabCache create(SlabCacheConfig config) {
                return new AlternateSlabCache(config, flaw);
            }
        };
    }

    static List<SlabCacheProvider> mutants() {
        List<SlabCacheProvider> all = new ArrayList<>();
        for (Flaw f : Flaw.values()) {
            if (f != Flaw.NONE) {
                all.add(provider(f));
            }
        }
        return all;
    }

    @Override
    public String name() {
        return config.name();
    }

    private long pa(long addr) {
        return machine.pa(addr);
    }

    @Override
    public long allocate(int gfp) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name(), "kmem_cache_alloc");
        }
        Slab slab = null;
        for (Slab s : slabs.values()) {
            if (s.freeHead != 0) {
                slab = s;
                break;
            }
        }
        if (slab == null) {
            slab = grow(gfp);
            if (slab == null) {
                if (flaw == Flaw.THROWS_WHEN_SOURCE_FAILS) {
                    throw new IllegalStateException("no slab for " + name());
                }
                return NULL;
            }
        }
        allocations++;
        if (flaw == Flaw.HANDS_OUT_LIVE_OBJECT_AGAIN && allocations % 4 == 0 && lastAllocated != 0
                && isLive(lastAllocated)) {
            return lastAllocated;
        }
        long addr = slab.freeHead;
        if (poison && flaw != Flaw.POISON_NEVER_CHECKED
                && !(flaw == Flaw.POISON_CHECK_SKIPS_LAST_OBJECT && index(slab, addr) == perSlab - 1)) {
            for (long i = 0; i < size; i++) {
                byte want = i == size - 1 ? SlabFlags.POISON_END : SlabFlags.POISON_FREE;
                byte got = memory.readByte(pa(addr) + i);
                if (got != want) {
                    poisonObject(addr);
                    throw new CorruptionBug(name(), "Poison", addr + i, addr + i, i, got, want, "",
                            "something wrote to this object after it was freed");
                }
            }
        }
        slab.freeHead = memory.readLong(pa(addr) + freePointer);
        slab.live[index(slab, addr)] = true;
        slab.inUse++;
        active++;
        if (redZone >= 0) {
            memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, redLive);
        }
        lastAllocated = addr;
        if (config.ctor() != null && flaw == Flaw.CONSTRUCTOR_EVERY_ALLOCATION) {
            config.ctor().construct(addr);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0 && flaw != Flaw.IGNORES_GFP_ZERO) {
            long zeroed = flaw == Flaw.ZERO_SKIPS_TAIL ? size & -8L : size;
            memory.fill(pa(addr), zeroed, (byte) 0);
        }
        return addr;
    }

    private Slab grow(int gfp) {
        boolean dma = (config.flags() & SlabFlags.SLAB_CACHE_DMA) != 0 && flaw != Flaw.IGNORES_CACHE_DMA;
        int pageGfp = flaw == Flaw.SLAB_REQUEST_ALWAYS_KERNEL ? Gfp.GFP_KERNEL : gfp & ~Gfp.__GFP_ZERO;
        long base = config.pages().getFreePages(pageGfp | (dma ? Gfp.__GFP_DMA : 0), order);
        if (base == 0) {
            return null;
        }
        Slab slab = new Slab(base, perSlab);
        long next = 0;
        for (int i = perSlab - 1; i >= 0; i--) {
            long addr = base + colour + (long) i * slot;
            if (i < perSlab - 1 || flaw != Flaw.ONE_OBJECT_TOO_MANY) {
                if (redZone >= 0) {
                    memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_INACTIVE);
                }
                if (poison) {
                    poisonObject(addr);
                } else if (config.ctor() != null && flaw != Flaw.NO_CONSTRUCTOR
                        && flaw != Flaw.CONSTRUCTOR_EVERY_ALLOCATION
                        && (flaw != Flaw.CONSTRUCTS_ONCE_PER_ADDRESS || everConstructed.add(addr))) {
                    config.ctor().construct(addr);
                }
                memory.writeLong(pa(addr) + freePointer, next);
            }
            next = addr;
        }
        slab.freeHead = next;
        slabs.put(base, slab);
        return slab;
    }

    private void poisonObject(long addr) {
        memory.fill(pa(addr), size - 1, SlabFlags.POISON_FREE);
        memory.writeByte(pa(addr) + size - 1, SlabFlags.POISON_END);
        if (flaw == Flaw.POISON_END_ONE_PAST) {
            memory.writeByte(pa(addr) + size, SlabFlags.POISON_END);
        }
    }

    private int index(Slab slab, long addr) {
        return (int) ((addr - slab.base - colour) / slot);
    }

    private boolean isLive(long addr) {
        Map.Entry<Long, Slab> e = slabs.floorEntry(addr);
        return e != null && e.getValue().live[index(e.getValue(), addr)];
    }

    @Override
    public void free(long addr) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name(), "kmem_cache_free");
        }
        Map.Entry<Long, Slab> e = slabs.floorEntry(addr);
        Slab slab = e == null ? null : e.getValue();
        if (slab == null || Long.compareUnsigned(addr - slab.base, MachineProfile.PAGE_SIZE << order) >= 0) {
            if (flaw == Flaw.IGNORES_FOREIGN_FREE) {
                return;
            }
            throw SlabCacheBug.notInCache(name(), addr);
        }
        long into = (addr - slab.base - colour) % slot;
        int last = flaw == Flaw.FREE_REJECTS_LAST_OBJECT ? perSlab - 1 : perSlab;
        if (into != 0 || index(slab, addr) >= last) {
            if (flaw != Flaw.ACCEPTS_INTERIOR_POINTER || index(slab, addr) >= perSlab) {
                throw InvalidFreeBug.of("BUG " + name() + ": Invalid object pointer", "", "free what you got", addr);
            }
            addr -= into;
        }
        int i = index(slab, addr);
        if (!slab.live[i] && flaw != Flaw.SILENT_DOUBLE_FREE) {
            throw new DoubleFreeBug(name(), addr);
        }
        if (redZone >= 0 && flaw != Flaw.RED_ZONE_NEVER_CHECKED) {
            int checked = flaw == Flaw.RED_ZONE_CHECK_SKIPS_LAST_BYTE ? SlabFlags.RED_ZONE_SIZE - 1 : SlabFlags.RED_ZONE_SIZE;
            for (int b = 0; b < checked; b++) {
                byte got = memory.readByte(pa(addr) + redZone + b);
                if (got != redLive) {
                    memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, redLive);
                    throw new CorruptionBug(name(), "Right Redzone", addr + redZone + b, addr + redZone + b,
                            redZone + b, got, redLive, "", "the object was written past its end");
                }
            }
        }
        if (redZone >= 0) {
            memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_INACTIVE);
        }
        if (poison) {
            poisonObject(addr);
        }
        if (slab.live[i]) {
            slab.inUse--;
            active--;
        }
        slab.live[i] = false;
        memory.writeLong(pa(addr) + freePointer, slab.freeHead);
        slab.freeHead = addr;
    }

    @Override
    public long shrink() {
        if (flaw == Flaw.SHRINK_KEEPS_EMPTY_SLABS) {
            return 0;
        }
        long pages = 0;
        for (Slab slab : new ArrayList<>(slabs.values())) {
            if (slab.inUse == 0) {
                slabs.remove(slab.base);
                config.pages().freePages(slab.base, order);
                pages += flaw == Flaw.SHRINK_COUNTS_SLABS ? 1 : 1L << order;
            }
        }
        return pages;
    }

    @Override
    public void destroy() {
        if (active > 0 && flaw != Flaw.DESTROYS_LIVE_CACHE) {
            throw SlabCacheBug.stillHasObjects(name(), active);
        }
        for (Slab slab : slabs.values()) {
            if (flaw != Flaw.DESTROY_KEEPS_SLABS) {
                config.pages().freePages(slab.base, order);
            }
        }
        slabs.clear();
        destroyed = true;
    }

    @Override
    public SlabInfo slabinfo() {
        long activeSlabs = 0;
        for (Slab slab : slabs.values()) {
            activeSlabs += slab.inUse > 0 || flaw == Flaw.ALL_SLABS_ACTIVE ? 1 : 0;
        }
        long totalSlabs = flaw == Flaw.SLABINFO_SKIPS_EMPTY_SLABS ? activeSlabs : slabs.size();
        if (flaw == Flaw.ACTIVE_SLABS_AT_LEAST) {
            activeSlabs = (active + perSlab - 1) / perSlab;
        }
        if (flaw == Flaw.SLABINFO_PAGES_AS_SLABS && order > 0) {
            long per = Math.max(1, perSlab >> order);
            return new SlabInfo(name(), active, (totalSlabs << order) * per, slot, per, 1, activeSlabs,
                    totalSlabs << order);
        }
        return new SlabInfo(name(), active, totalSlabs * perSlab, slot, perSlab, 1L << order, activeSlabs,
                totalSlabs);
    }

    @Override
    public void checkInvariants() {
        if (flaw != Flaw.SELF_CHECK_FALSE_ALARM) {
            return;
        }
        for (Slab slab : slabs.values()) {
            if (slab.inUse == 0) {
                throw new IllegalStateException("slab at 0x" + Long.toHexString(slab.base) + " is empty: leaked");
            }
        }
    }
}
