package org.kmemlab.kmalloc;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.ZoneAllocator;

/**
 * The frames of the named caches ({@link KmemCaches}): which cache owns each slab frame, and each cache's
 * supply of slabs. A cache's page source takes pages from the zone allocator, tags them
 * {@link FrameTable#KMEM_CACHE} in the frame table and records the cache's number for each frame, so that
 * any address can be traced to its cache; it takes back only the first page of a slab it gave, with its
 * order. The per-frame table is made with the first cache: a kernel that never creates a named cache
 * keeps no such array.
 */
final class KmemCacheFrames {

    private final Machine machine;
    private final ZoneAllocator zones;
    private final FrameTable frames;
    /** The cache number of each frame tagged KMEM_CACHE, -1 elsewhere; created with the first cache. */
    private volatile int[] cacheOf;
    private final AtomicLong slabPages = new AtomicLong();

    KmemCacheFrames(Machine machine, ZoneAllocator zones, FrameTable frames) {
        this.machine = machine;
        this.zones = zones;
        this.frames = frames;
    }

    /** Makes the per-frame table if it is not there yet; the caller holds the caches' lock. */
    void ensureTable() {
        if (cacheOf == null) {
            int[] table = new int[Math.toIntExact(machine.frames())];
            Arrays.fill(table, -1);
            cacheOf = table;
        }
    }

    /** Returns the number of the cache that owns frame {@code pfn}, or -1; the table exists. */
    int owner(long pfn) {
        return cacheOf[(int) pfn];
    }

    /** Returns the per-frame table of cache numbers, or null before the first cache. */
    int[] owners() {
        return cacheOf;
    }

    /** Returns the pages all named caches hold. */
    long slabPages() {
        return slabPages.get();
    }

    /** Returns the page source of the cache numbered {@code id}. */
    PageSource pageSource(int id) {
        return new CachePageSource(id);
    }

    /** One cache's supply of slabs: the zone allocator's pages, tagged with the cache's number. */
    private final class CachePageSource implements PageSource {
        private final int id;

        CachePageSource(int id) {
            this.id = id;
        }

        @Override
        public long getFreePages(int gfp, int order) {
            long pfn = zones.allocPages(gfp & ~Gfp.__GFP_ZERO, order);
            if (pfn == PageAllocator.NO_PAGE) {
                return 0;
            }
            frames.makeSlab(pfn, order);
            int[] owners = cacheOf;
            for (long f = pfn; f < pfn + (1L << order); f++) {
                owners[(int) f] = id;
            }
            frames.tagBlock(pfn, order, FrameTable.KMEM_CACHE, FrameTable.KMEM_CACHE);
            slabPages.addAndGet(1L << order);
            if ((gfp & Gfp.__GFP_ZERO) != 0) {
                machine.memory().fill(machine.pfnToPhys(pfn), machine.pageSize() << order, (byte) 0);
            }
            return machine.pfnToVirt(pfn);
        }

        @Override
        public void freePages(long addr, int order) {
            long pfn = machine.isDirectMapped(addr) && (addr & (machine.pageSize() - 1)) == 0
                    ? machine.virtToPfn(addr) : -1;
            if (pfn < 0 || frames.tag(pfn) != FrameTable.KMEM_CACHE || cacheOf[(int) pfn] != id
                    || frames.order(pfn) == FrameTable.NOT_A_HEAD) {
                throw new BadPageStateBug(Math.max(pfn, 0), order, "a slab cache freed 0x" + Long.toHexString(addr)
                        + ", which is not the first page of a slab it got from its page source",
                        "give back exactly the address getFreePages returned, once");
            }
            if (frames.order(pfn) != order) {
                throw BadPageStateBug.wrongOrder(pfn, order, frames.order(pfn));
            }
            int[] owners = cacheOf;
            for (long f = pfn; f < pfn + (1L << order); f++) {
                owners[(int) f] = -1;
            }
            frames.releaseSlab(pfn, order);
            slabPages.addAndGet(-(1L << order));
            zones.freePages(pfn, order);
        }
    }
}
