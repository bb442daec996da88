package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.stats.SlabInfo;

/**
 * A second correct object allocator, deliberately unlike {@link SlabObjects}: its own odd size classes
 * (16, 48, 80, 176, 400, 1000, 2040 bytes, whatever the era), a 32-byte header written into the first
 * bytes of every page, the lowest-addressed free slot of the class across all its pages (address-ordered
 * first fit), and an empty page given back as soon as its class has another empty one. It must pass the
 * object contract, which proves the contract assumes no size-class table, no slot order and no
 * particular moment of returning pages.
 */
final class FirstFitObjects implements ObjectAllocator {

    private static final long[] CLASSES = {16, 48, 80, 176, 400, 1000, 2040};
    private static final long HEADER = 32;
    private static final long MAGIC = 0x66697273_74666974L;

    private final Machine machine;
    private final PageSource pages;
    private final long pageSize;
    /** Live-slot bitmaps by page address, per cache (normal caches first, then DMA). */
    private final List<TreeMap<Long, boolean[]>> pagesByCache = new ArrayList<>();
    private final long[] active = new long[2 * CLASSES.length];
    private final TreeMap<Long, Integer> cacheOfPage = new TreeMap<>();

    FirstFitObjects(ObjectAllocatorConfig config) {
        this.machine = config.machine();
        this.pages = config.pages();
        this.pageSize = machine.pageSize();
        for (int i = 0; i < 2 * CLASSES.length; i++) {
            pagesByCache.add(new TreeMap<>((a, b) -> Long.compareUnsigned(a, b)));
        }
    }

    @Override
    public long maxSize() {
        return CLASSES[CLASSES.length - 1];
    }

    private int slots(int cache) {
        return (int) ((pageSize - HEADER) / CLASSES[cache % CLASSES.length]);
    }

    @Override
    public long allocate(long size, int gfp) {
        if (size < 1 || size > maxSize()) {
            return NULL;
        }
        int cls = 0;
        while (CLASSES[cls] < size) {
            cls++;
        }
        boolean dma = (gfp & Gfp.__GFP_DMA) != 0;
        int cache = dma ? CLASSES.length + cls : cls;
        for (Map.Entry<Long, boolean[]> e : pagesByCache.get(cache).entrySet()) {
            boolean[] used = e.getValue();
            for (int i = 0; i < used.length; i++) {
                if (!used[i]) {
                    return take(cache, e.getKey(), used, i, gfp);
                }
            }
        }
        long page = pages.getFreePages(dma ? Gfp.GFP_DMA | (gfp & ~Gfp.__GFP_ZERO) : gfp & ~Gfp.__GFP_ZERO, 0);
        if (page == 0) {
            return NULL;
        }
        PhysicalMemory memory = machine.memory();
        memory.writeLong(machine.pa(page), MAGIC);
        memory.writeLong(machine.pa(page) + 8, cache);
        boolean[] used = new boolean[slots(cache)];
        pagesByCache.get(cache).put(page, used);
        cacheOfPage.put(page, cache);
        return take(cache, page, used, 0, gfp);
    }

    private long take(int cache, long page, boolean[] used, int slot, int gfp) {
        used[slot] = true;
        active[cache]++;
        long addr = page + HEADER + slot * CLASSES[cache % CLASSES.length];
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pa(addr), CLASSES[cache % CLASSES.length], (byte) 0);
        }
        return addr;
    }

    /** Returns {page, cache, slot} of the live object at addr, or throws the fitting KernelBug. */
    private long[] locate(long addr) {
        if (!machine.isDirectMapped(addr)) {
            throw InvalidFreeBug.notOwned("first-fit", addr);
        }
        long page = addr & -pageSize;
        Integer cache = cacheOfPage.get(page);
        if (cache == null) {
            throw InvalidFreeBug.notOwned("first-fit", addr);
        }
        String name = "first-fit-" + CLASSES[cache % CLASSES.length];
        if (machine.memory().readLong(machine.pa(page)) != MAGIC) {
            throw new CorruptionBug(name, "page header", machine.pa(page), machine.pa(page) + 8, 0,
                    machine.memory().readByte(machine.pa(page)), (byte) MAGIC, "", "keep writes inside your objects");
        }
        long cls = CLASSES[cache % CLASSES.length];
        long offset = addr - page - HEADER;
        boolean[] used = pagesByCache.get(cache).get(page);
        if (offset < 0 || offset % cls != 0 || offset / cls >= used.length) {
            long slot = Math.max(0, Math.min(offset / cls, used.length - 1));
            throw InvalidFreeBug.notAnObject(name, addr, page + HEADER + slot * cls, addr - (page + HEADER + slot * cls));
        }
        int slot = (int) (offset / cls);
        if (!used[slot]) {
            throw new DoubleFreeBug(name, addr);
        }
        return new long[] {page, cache, slot};
    }

    @Override
    public void free(long addr) {
        long[] where = locate(addr);
        int cache = (int) where[1];
        boolean[] used = pagesByCache.get(cache).get(where[0]);
        used[(int) where[2]] = false;
        active[cache]--;
        if (isEmpty(used)) {
            for (Map.Entry<Long, boolean[]> e : pagesByCache.get(cache).entrySet()) {
                if (e.getKey() != where[0] && isEmpty(e.getValue())) {
                    giveBack(cache, where[0]);
                    break;
                }
            }
        }
    }

    private static boolean isEmpty(boolean[] used) {
        for (boolean u : used) {
            if (u) {
                return false;
            }
        }
        return true;
    }

    private void giveBack(int cache, long page) {
        pagesByCache.get(cache).remove(page);
        cacheOfPage.remove(page);
        pages.freePages(page, 0);
    }

    @Override
    public long usableSize(long addr) {
        return CLASSES[(int) locate(addr)[1] % CLASSES.length];
    }

    @Override
    public long shrink() {
        long returned = 0;
        for (int cache = 0; cache < pagesByCache.size(); cache++) {
            for (Map.Entry<Long, boolean[]> e : new ArrayList<>(pagesByCache.get(cache).entrySet())) {
                if (isEmpty(e.getValue())) {
                    giveBack(cache, e.getKey());
                    returned++;
                }
            }
        }
        return returned;
    }

    @Override
    public List<SlabInfo> slabinfo() {
        List<SlabInfo> rows = new ArrayList<>();
        for (int cache = 0; cache < pagesByCache.size(); cache++) {
            long cls = CLASSES[cache % CLASSES.length];
            int perSlab = slots(cache);
            long total = pagesByCache.get(cache).size();
            long activeSlabs = 0;
            for (boolean[] used : pagesByCache.get(cache).values()) {
                activeSlabs += isEmpty(used) ? 0 : 1;
            }
            rows.add(new SlabInfo((cache >= CLASSES.length ? "dma-first-fit-" : "first-fit-") + cls, active[cache],
                    perSlab * total, cls, perSlab, 1, activeSlabs, total));
        }
        return rows;
    }
}
