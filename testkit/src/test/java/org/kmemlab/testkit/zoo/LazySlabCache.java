package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
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
 * A third correct slab cache, as different from the reference as the SPI allows: one-page-or-larger
 * slabs of the smallest order that fits, a bitmap of live objects and one of constructed ones per slab
 * (no free list at all: allocation scans the bitmap), the constructor run <em>lazily</em> when an object
 * is first handed out (the SPI's MAY), red zones checked, and a slab given back the moment it empties.
 */
final class LazySlabCache implements SlabCache {

    private static final class Slab {
        final long base;
        final BitSet live = new BitSet();
        final BitSet constructed = new BitSet();

        Slab(long base) {
            this.base = base;
        }
    }

    private final SlabCacheConfig config;
    private final Machine machine;
    private final long size;
    private final int slot;
    private final int order;
    private final int perSlab;
    private final int redZone;
    private final List<Slab> slabs = new ArrayList<>();
    private long active;
    private boolean destroyed;

    LazySlabCache(SlabCacheConfig config) {
        this.config = config;
        this.machine = config.machine();
        this.size = config.size();
        long body = (size + 7) & -8L;
        this.redZone = config.redZones() ? (int) body : -1;
        long used = body + (config.redZones() ? SlabFlags.RED_ZONE_SIZE : 0);
        long align = config.alignment();
        this.slot = (int) ((used + align - 1) & -align);
        int o = 0;
        while ((MachineProfile.PAGE_SIZE << o) < slot) {
            o++;
        }
        this.order = o;
        this.perSlab = (int) ((MachineProfile.PAGE_SIZE << o) / slot);
    }

    static SlabCacheProvider provider() {
        return new SlabCacheProvider() {
            @Override
            public String name() {
                return "alternate-lazy-bitmap";
            }

            @Override
            public SlabCache create(SlabCacheConfig config) {
                return new LazySlabCache(config);
            }
        };
    }

    @Override
    public String name() {
        return config.name();
    }

    private long object(Slab slab, int i) {
        return slab.base + (long) i * slot;
    }

    private void poison(long addr) {
        machine.memory().fill(machine.pa(addr), size - 1, SlabFlags.POISON_FREE);
        machine.memory().writeByte(machine.pa(addr) + size - 1, SlabFlags.POISON_END);
    }

    @Override
    public long allocate(int gfp) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name(), "kmem_cache_alloc");
        }
        Slab slab = null;
        for (Slab s : slabs) {
            if (s.live.cardinality() < perSlab) {
                slab = s;
                break;
            }
        }
        if (slab == null) {
            boolean dma = (config.flags() & SlabFlags.SLAB_CACHE_DMA) != 0;
            long base = config.pages().getFreePages((gfp & ~Gfp.__GFP_ZERO) | (dma ? Gfp.__GFP_DMA : 0), order);
            if (base == 0) {
                return NULL;
            }
            slab = new Slab(base);
            slabs.add(slab);
        }
        int i = slab.live.nextClearBit(0);
        long addr = object(slab, i);
        boolean fresh = !slab.constructed.get(i);
        if (config.poisons() && !fresh) {
            long bad = machine.memory().findMismatch(machine.pa(addr), size - 1, SlabFlags.POISON_FREE);
            if (bad < 0 && machine.memory().readByte(machine.pa(addr) + size - 1) != SlabFlags.POISON_END) {
                bad = machine.pa(addr) + size - 1;
            }
            if (bad >= 0) {
                long offset = bad - machine.pa(addr);
                byte got = machine.memory().readByte(bad);
                poison(addr);
                throw new CorruptionBug(name(), "Poison", addr + offset, addr + offset, offset, got,
                        offset == size - 1 ? SlabFlags.POISON_END : SlabFlags.POISON_FREE, "", "use after free");
            }
        }
        if (fresh) {
            slab.constructed.set(i);
            if (config.ctor() != null) {
                config.ctor().construct(addr);
            }
        }
        slab.live.set(i);
        active++;
        if (redZone >= 0) {
            machine.memory().fill(machine.pa(addr) + redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pa(addr), size, (byte) 0);
        }
        return addr;
    }

    @Override
    public void free(long addr) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name(), "kmem_cache_free");
        }
        Slab slab = null;
        for (Slab s : slabs) {
            if (Long.compareUnsigned(addr - s.base, MachineProfile.PAGE_SIZE << order) < 0) {
                slab = s;
            }
        }
        if (slab == null) {
            throw SlabCacheBug.notInCache(name(), addr);
        }
        long offset = addr - slab.base;
        if (offset % slot != 0 || offset / slot >= perSlab) {
            throw InvalidFreeBug.of("BUG " + name() + ": Invalid object pointer", "", "free what you got", addr);
        }
        int i = (int) (offset / slot);
        if (!slab.live.get(i)) {
            throw new DoubleFreeBug(name(), addr);
        }
        if (redZone >= 0) {
            long rz = machine.pa(addr) + redZone;
            long bad = machine.memory().findMismatch(rz, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
            if (bad >= 0) {
                byte got = machine.memory().readByte(bad);
                machine.memory().fill(rz, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
                throw new CorruptionBug(name(), "Right Redzone", addr + (bad - machine.pa(addr)),
                        addr + (bad - machine.pa(addr)), bad - machine.pa(addr), got, SlabFlags.RED_ACTIVE, "",
                        "written past the end");
            }
            machine.memory().fill(rz, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_INACTIVE);
        }
        if (config.poisons()) {
            poison(addr);
        }
        slab.live.clear(i);
        active--;
        if (slab.live.isEmpty()) {
            slabs.remove(slab);
            config.pages().freePages(slab.base, order);
        }
    }

    @Override
    public long shrink() {
        return 0;
    }

    @Override
    public void destroy() {
        if (active > 0) {
            throw SlabCacheBug.stillHasObjects(name(), active);
        }
        destroyed = true;
    }

    @Override
    public SlabInfo slabinfo() {
        return new SlabInfo(name(), active, (long) slabs.size() * perSlab, slot, perSlab, 1L << order, slabs.size(),
                slabs.size());
    }
}
