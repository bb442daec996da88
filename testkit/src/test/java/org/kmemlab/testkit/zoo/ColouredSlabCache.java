package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
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
 * A fourth correct slab cache, built to use every freedom the SPI leaves that the other alternates do
 * not: Bonwick's slab <em>colouring</em> (each new slab starts its objects a different multiple of the
 * alignment in, so no object need start at a slab's first byte), slabs of at least two pages, objects
 * handed out highest address first from the slab used last, free lists kept off the slab (an index
 * stack per slab, as SLAB's {@code OFF_SLAB} caches do), page requests that add {@code __GFP_NOWARN |
 * __GFP_NORETRY} (as SLUB's first, high-order try does), and at most one empty slab kept between frees.
 * A contract that fails it assumes a layout the SPI does not promise.
 */
final class ColouredSlabCache implements SlabCache {

    /** One slab: its address, first object's offset, and a stack of free object indexes. */
    private static final class Slab {
        final long base;
        final int colour;
        final int[] free;
        int freeCount;
        final boolean[] live;

        Slab(long base, int colour, int objects) {
            this.base = base;
            this.colour = colour;
            this.free = new int[objects];
            this.live = new boolean[objects];
            for (int i = 0; i < objects; i++) {
                free[freeCount++] = i;
            }
        }

        int inUse() {
            return live.length - freeCount;
        }
    }

    private final SlabCacheConfig config;
    private final Machine machine;
    private final PhysicalMemory memory;
    private final long size;
    private final int redZone;
    private final int slot;
    private final int order;
    private final int perSlab;
    private final int colours;
    private final int align;
    private int nextColour;
    private final TreeMap<Long, Slab> slabs = new TreeMap<>(Long::compareUnsigned);
    private Slab recent;
    private long active;
    private boolean destroyed;

    ColouredSlabCache(SlabCacheConfig config) {
        this.config = config;
        this.machine = config.machine();
        this.memory = machine.memory();
        this.size = config.size();
        long body = (size + 7) & -8L;
        this.redZone = config.redZones() ? (int) body : -1;
        long used = body + (config.redZones() ? SlabFlags.RED_ZONE_SIZE : 0);
        this.align = config.alignment();
        this.slot = (int) ((used + align - 1) & -(long) align);
        int o = 1;
        while ((MachineProfile.PAGE_SIZE << o) < slot) {
            o++;
        }
        this.order = o;
        long bytes = MachineProfile.PAGE_SIZE << o;
        this.perSlab = (int) (bytes / slot);
        long slack = bytes - (long) perSlab * slot;
        this.colours = (int) (slack / align) + 1;
    }

    static SlabCacheProvider provider() {
        return new SlabCacheProvider() {
            @Override
            public String name() {
                return "coloured-slab";
            }

            @Override
            public SlabCache create(SlabCacheConfig config) {
                return new ColouredSlabCache(config);
            }
        };
    }

    @Override
    public String name() {
        return config.name();
    }

    private long pa(long addr) {
        return machine.pa(addr);
    }

    private long address(Slab slab, int index) {
        return slab.base + slab.colour + (long) index * slot;
    }

    @Override
    public long allocate(int gfp) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name(), "kmem_cache_alloc");
        }
        Slab slab = recent != null && recent.freeCount > 0 ? recent : null;
        if (slab == null) {
            for (Slab s : slabs.descendingMap().values()) {
                if (s.freeCount > 0) {
                    slab = s;
                    break;
                }
            }
        }
        if (slab == null) {
            slab = grow(gfp);
            if (slab == null) {
                return NULL;
            }
        }
        int index = slab.free[slab.freeCount - 1];
        long addr = address(slab, index);
        if (config.poisons()) {
            long bad = firstPoisonMismatch(addr);
            if (bad >= 0) {
                byte got = memory.readByte(pa(addr) + bad);
                poison(addr);
                throw new CorruptionBug(name(), "Poison", addr + bad, addr + bad, bad, got,
                        bad == size - 1 ? SlabFlags.POISON_END : SlabFlags.POISON_FREE, "",
                        "something wrote to this object after it was freed");
            }
        }
        slab.freeCount--;
        slab.live[index] = true;
        active++;
        recent = slab;
        if (redZone >= 0) {
            memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            memory.fill(pa(addr), size, (byte) 0);
        }
        return addr;
    }

    private Slab grow(int gfp) {
        int pageGfp = (gfp & ~Gfp.__GFP_ZERO) | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY
                | ((config.flags() & SlabFlags.SLAB_CACHE_DMA) != 0 ? Gfp.__GFP_DMA : 0);
        long base = config.pages().getFreePages(pageGfp, order);
        if (base == 0) {
            return null;
        }
        Slab slab = new Slab(base, (nextColour++ % colours) * align, perSlab);
        for (int i = 0; i < perSlab; i++) {
            long addr = address(slab, i);
            if (redZone >= 0) {
                memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_INACTIVE);
            }
            if (config.poisons()) {
                poison(addr);
            } else if (config.ctor() != null) {
                config.ctor().construct(addr);
            }
        }
        slabs.put(base, slab);
        return slab;
    }

    private void poison(long addr) {
        memory.fill(pa(addr), size - 1, SlabFlags.POISON_FREE);
        memory.writeByte(pa(addr) + size - 1, SlabFlags.POISON_END);
    }

    /** Returns the offset of the first byte of a free object's poison that changed, or -1. */
    private long firstPoisonMismatch(long addr) {
        long head = size > 1 ? memory.findMismatch(pa(addr), size - 1, SlabFlags.POISON_FREE) : -1;
        if (head >= 0) {
            return head - pa(addr);
        }
        return memory.readByte(pa(addr) + size - 1) == SlabFlags.POISON_END ? -1 : size - 1;
    }

    @Override
    public void free(long addr) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name(), "kmem_cache_free");
        }
        Map.Entry<Long, Slab> e = slabs.floorEntry(addr);
        Slab slab = e == null ? null : e.getValue();
        if (slab == null || Long.compareUnsigned(addr - slab.base, MachineProfile.PAGE_SIZE << order) >= 0) {
            throw SlabCacheBug.notInCache(name(), addr);
        }
        long offset = addr - slab.base - slab.colour;
        if (offset < 0 || offset % slot != 0 || offset / slot >= perSlab) {
            throw InvalidFreeBug.of("BUG " + name() + ": Invalid object pointer", "", "free what you got", addr);
        }
        int index = (int) (offset / slot);
        if (!slab.live[index]) {
            throw new DoubleFreeBug(name(), addr);
        }
        if (redZone >= 0) {
            long bad = memory.findMismatch(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
            if (bad >= 0) {
                byte got = memory.readByte(bad);
                long at = bad - pa(addr);
                memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
                throw new CorruptionBug(name(), "Right Redzone", addr + at, addr + at, at, got, SlabFlags.RED_ACTIVE,
                        "", "the object was written past its end");
            }
            memory.fill(pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_INACTIVE);
        }
        if (config.poisons()) {
            poison(addr);
        }
        slab.live[index] = false;
        slab.free[slab.freeCount++] = index;
        active--;
        if (slab.inUse() == 0) {
            keepOneEmpty(slab);
        }
    }

    /** A slab that just emptied stays for the next allocation; any other empty slab goes back at once. */
    private void keepOneEmpty(Slab emptied) {
        for (Slab s : new ArrayList<>(slabs.values())) {
            if (s != emptied && s.inUse() == 0) {
                release(s);
            }
        }
    }

    private void release(Slab slab) {
        slabs.remove(slab.base);
        if (recent == slab) {
            recent = null;
        }
        config.pages().freePages(slab.base, order);
    }

    @Override
    public long shrink() {
        long pages = 0;
        for (Slab slab : new ArrayList<>(slabs.values())) {
            if (slab.inUse() == 0) {
                release(slab);
                pages += 1L << order;
            }
        }
        return pages;
    }

    @Override
    public void destroy() {
        if (active > 0) {
            throw SlabCacheBug.stillHasObjects(name(), active);
        }
        for (Slab slab : new ArrayList<>(slabs.values())) {
            release(slab);
        }
        destroyed = true;
    }

    @Override
    public SlabInfo slabinfo() {
        long activeSlabs = 0;
        for (Slab slab : slabs.values()) {
            activeSlabs += slab.inUse() > 0 ? 1 : 0;
        }
        return new SlabInfo(name(), active, (long) slabs.size() * perSlab, slot, perSlab, 1L << order, activeSlabs,
                slabs.size());
    }

    @Override
    public void checkInvariants() {
        long live = 0;
        for (Slab slab : slabs.values()) {
            live += slab.inUse();
        }
        if (live != active) {
            throw new IllegalStateException(live + " live objects in slabs, but the count says " + active);
        }
    }
}
