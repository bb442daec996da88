package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.stats.SlabInfo;

/**
 * A correct, plain slab allocator: power-of-two classes (8 … 8192 bytes in the modern era, 32 … 4096 in
 * Linux 2.0's), one cache per class and per DMA-ness, slabs of one page (two for 8 KiB), the lowest free
 * slot of the first slab with room, and empty slabs kept until {@link #shrink()}. Every object-allocator
 * mutant is this class with one hook overridden; it must pass the object contract and they must not.
 */
class SlabObjects implements ObjectAllocator {

    /** One slab: a block of pages carved into equal slots. */
    static final class Slab {
        final Cache cache;
        final long base;
        final boolean[] used;
        int inUse;

        Slab(Cache cache, long base, int slots) {
            this.cache = cache;
            this.base = base;
            this.used = new boolean[slots];
        }
    }

    /** One size class. */
    static final class Cache {
        final String name;
        final long size;
        final int order;
        final boolean dma;
        final List<Slab> slabs = new ArrayList<>();
        long active;

        Cache(String name, long size, int order, boolean dma) {
            this.name = name;
            this.size = size;
            this.order = order;
            this.dma = dma;
        }
    }

    protected final Machine machine;
    protected final PageSource pages;
    protected final long pageSize;
    protected final List<Cache> caches = new ArrayList<>();
    protected final TreeMap<Long, Slab> slabsByAddress = new TreeMap<>();
    private final long smallest;
    private final long largest;

    SlabObjects(ObjectAllocatorConfig config) {
        this.machine = config.machine();
        this.pages = config.pages();
        this.pageSize = machine.pageSize();
        this.smallest = config.era() == Era.MODERN ? 8 : 32;
        this.largest = config.era() == Era.MODERN ? 8192 : 4096;
        for (boolean dma : new boolean[] {false, true}) {
            for (long size = smallest; size <= largest; size <<= 1) {
                int order = size <= pageSize ? 0 : Long.numberOfTrailingZeros(size / pageSize);
                caches.add(new Cache((dma ? "dma-kmalloc-" : "kmalloc-") + size, size, order, dma));
            }
        }
    }

    @Override
    public long maxSize() {
        return largest;
    }

    /** Returns the class size for a request: the smallest power of two at least {@code size}. */
    protected long classFor(long size) {
        long cls = smallest;
        while (cls < size) {
            cls <<= 1;
        }
        return cls;
    }

    /** Returns true when the request is served from the DMA caches. */
    protected boolean useDmaCaches(int gfp) {
        return (gfp & Gfp.__GFP_DMA) != 0;
    }

    protected Cache cache(long cls, boolean dma) {
        for (Cache c : caches) {
            if (c.size == cls && c.dma == dma) {
                return c;
            }
        }
        throw new IllegalStateException("no cache of " + cls);
    }

    /** Returns the offset of the first slot from the slab's base. */
    protected long firstOffset() {
        return 0;
    }

    /** Returns the distance between slots. */
    protected long stride(Cache c) {
        return c.size;
    }

    protected int slotsPerSlab(Cache c) {
        return (int) ((pageSize << c.order) - firstOffset()) / (int) c.size;
    }

    protected long slotAddress(Slab slab, int index) {
        return slab.base + firstOffset() + index * stride(slab.cache);
    }

    @Override
    public long allocate(long size, int gfp) {
        if (size < 1 || size > maxSize()) {
            return NULL;
        }
        boolean dma = useDmaCaches(gfp);
        Cache c = cache(classFor(size), dma);
        Slab slab = null;
        for (Slab s : c.slabs) {
            if (s.inUse < s.used.length) {
                slab = s;
                break;
            }
        }
        if (slab == null) {
            slab = newSlab(c, gfp);
            if (slab == null) {
                return NULL;
            }
        }
        int index = 0;
        while (slab.used[index]) {
            index++;
        }
        slab.used[index] = true;
        slab.inUse++;
        c.active++;
        long addr = slotAddress(slab, index);
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            zero(addr, c.size);
        }
        return addr;
    }

    protected Slab newSlab(Cache c, int gfp) {
        int pageGfp = (gfp & ~(Gfp.__GFP_ZERO | Gfp.__GFP_DMA)) | (c.dma ? Gfp.__GFP_DMA : 0);
        long base = pages.getFreePages(pageGfp, c.order);
        if (base == 0) {
            return null;
        }
        Slab slab = new Slab(c, base, slotsPerSlab(c));
        c.slabs.add(slab);
        slabsByAddress.put(base, slab);
        return slab;
    }

    protected void zero(long addr, long length) {
        machine.memory().fill(machine.pa(addr), length, (byte) 0);
    }

    /** Returns the slab whose pages hold {@code addr}, or null. */
    protected Slab slabOf(long addr) {
        Map.Entry<Long, Slab> e = slabsByAddress.floorEntry(addr);
        if (e == null) {
            return null;
        }
        Slab s = e.getValue();
        return Long.compareUnsigned(addr - s.base, pageSize << s.cache.order) < 0 ? s : null;
    }

    /** Returns the slot index of a live object at {@code addr}, or throws the KernelBug that fits. */
    protected int liveIndex(long addr) {
        Slab s = slabOf(addr);
        if (s == null) {
            throw InvalidFreeBug.notOwned("this slab allocator", addr);
        }
        long offset = addr - s.base - firstOffset();
        long stride = stride(s.cache);
        int index = (int) (offset / stride);
        if (offset < 0 || offset % stride != 0 || index >= s.used.length) {
            long start = s.base + firstOffset() + Math.max(0, Math.min(index, s.used.length - 1)) * stride;
            throw InvalidFreeBug.notAnObject(s.cache.name, addr, start, addr - start);
        }
        if (!s.used[index]) {
            throw new DoubleFreeBug(s.cache.name, addr);
        }
        return index;
    }

    @Override
    public void free(long addr) {
        int index = liveIndex(addr);
        Slab s = slabOf(addr);
        release(s, index);
    }

    protected void release(Slab s, int index) {
        s.used[index] = false;
        s.inUse--;
        s.cache.active--;
    }

    @Override
    public long usableSize(long addr) {
        liveIndex(addr);
        return slabOf(addr).cache.size;
    }

    @Override
    public long shrink() {
        long returned = 0;
        for (Cache c : caches) {
            for (Slab s : new ArrayList<>(c.slabs)) {
                if (s.inUse == 0) {
                    returned += returnSlab(s);
                }
            }
        }
        return returned;
    }

    protected long returnSlab(Slab s) {
        s.cache.slabs.remove(s);
        slabsByAddress.remove(s.base);
        pages.freePages(s.base, s.cache.order);
        return 1L << s.cache.order;
    }

    @Override
    public List<SlabInfo> slabinfo() {
        List<SlabInfo> rows = new ArrayList<>();
        for (Cache c : caches) {
            int perSlab = slotsPerSlab(c);
            long activeSlabs = 0;
            for (Slab s : c.slabs) {
                activeSlabs += s.inUse > 0 ? 1 : 0;
            }
            rows.add(new SlabInfo(c.name, activeObjects(c), (long) perSlab * c.slabs.size(), c.size, perSlab,
                    1L << c.order, activeSlabs, c.slabs.size()));
        }
        return rows;
    }

    protected long activeObjects(Cache c) {
        return c.active;
    }

    @Override
    public void checkInvariants() {
        for (Cache c : caches) {
            long inUse = 0;
            for (Slab s : c.slabs) {
                inUse += s.inUse;
            }
            Checks.requireState(inUse == c.active, "cache %s counts %d active objects but its slabs hold %d",
                    c.name, c.active, inUse);
        }
    }
}
