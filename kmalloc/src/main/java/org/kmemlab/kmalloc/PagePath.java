package org.kmemlab.kmalloc;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.ZoneAllocator;

/**
 * Blocks of pages for get_free_pages, alloc_pages and large kmalloc, with per-thread lists of free
 * low-order blocks in front of the zone allocator: Linux's per-cpu pagesets ({@code struct per_cpu_pages}).
 *
 * <h2>Per-thread page lists</h2>
 * Each thread keeps, per zone and per order {@code 0..}{@value #PCP_MAX_ORDER} (up to
 * {@code PAGE_ALLOC_COSTLY_ORDER}), a short list of blocks it freed. Freeing pushes onto the list;
 * allocating pops from it; neither takes the zone lock. A list that reaches {@code high} blocks gives its
 * {@code batch} oldest back to the zone allocator. A request walks the lists of the zones its gfp allows,
 * highest first, as the zonelist walk does; a request that is not {@code GFP_DMA} does not take DMA
 * blocks while a higher zone is populated, so the small DMA zone is not eaten through the lists.
 *
 * <p>Unlike {@code rmqueue_bulk}, an empty list is not refilled in bulk: the zone allocator SPI hands out
 * one block per call, so a bulk refill would take the zone lock once per block anyway and would only
 * hold memory back. Lists fill from frees, which is where churn comes from.
 *
 * <p>Blocks on a list are allocated as far as the zone allocator knows, so they are not in
 * {@code MemFree}; Linux does not count its pcp pages as free either. Reclaim drains them.
 */
final class PagePath {

    /** The highest order kept on per-thread lists: {@code PAGE_ALLOC_COSTLY_ORDER}. */
    static final int PCP_MAX_ORDER = 3;
    /** Orders per zone in a cache's list table. */
    static final int ORDERS = PCP_MAX_ORDER + 1;

    private final Machine machine;
    private final ZoneAllocator zones;
    private final FrameTable frames;
    private final int high;
    private final int batch;
    private final int[] lowestListZone;
    private final FaultInjection faults;

    PagePath(Machine machine, ZoneAllocator zones, FrameTable frames, int high, FaultInjection faults) {
        this.machine = machine;
        this.faults = faults;
        this.zones = zones;
        this.frames = frames;
        this.high = high;
        this.batch = Math.max(1, high / 2);
        ZoneType[] types = ZoneType.values();
        this.lowestListZone = new int[types.length];
        int lowestAboveDma = 0;
        for (int z = types.length - 1; z > 0; z--) {
            if (frames.zonePopulated(z)) {
                lowestAboveDma = z;
            }
        }
        for (int z = 1; z < types.length; z++) {
            lowestListZone[z] = lowestAboveDma == 0 ? 0 : Math.min(z, lowestAboveDma);
        }
    }

    /** Returns the capacity of each list (blocks): the pcp {@code high} mark. */
    int high() {
        return high;
    }

    /** Returns the number of lists per cache. */
    static int lists() {
        return ZoneType.values().length * ORDERS;
    }

    /**
     * Allocates a block of {@code 2^order} pages and tags it {@code head}/{@code tail}; the caller has
     * already checked {@code might_sleep} and the order. {@code fail_page_alloc} may fail it
     * ({@link FaultInjection}).
     *
     * @return the first pfn, or {@link PageAllocator#NO_PAGE}
     */
    long allocate(CpuCache cache, int gfp, int order, byte head, byte tail) {
        if (faults.shouldFailPages(gfp, order)) {
            return PageAllocator.NO_PAGE;
        }
        long pfn = PageAllocator.NO_PAGE;
        if (cache != null && order <= PCP_MAX_ORDER && high > 0) {
            int highest = Gfp.highestZone(gfp).ordinal();
            for (int z = highest; z >= lowestListZone[highest] && pfn == PageAllocator.NO_PAGE; z--) {
                pfn = cache.popPage(z * ORDERS + order);
            }
        }
        if (pfn == PageAllocator.NO_PAGE) {
            pfn = zones.allocPages(gfp & ~Gfp.__GFP_ZERO, order);
            if (pfn == PageAllocator.NO_PAGE) {
                return PageAllocator.NO_PAGE;
            }
        }
        frames.tagBlock(pfn, order, head, tail);
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pfnToPhys(pfn), machine.pageSize() << order, (byte) 0);
        }
        return pfn;
    }

    /**
     * Frees a block whose head tag the caller has already moved to {@link FrameTable#FREE} (which is
     * what makes a racing second free fail): parks it on the caller's list or gives it back.
     */
    void free(CpuCache cache, long pfn, int order) {
        if (cache != null && order <= PCP_MAX_ORDER && high > 0) {
            int list = frames.zoneIndex(pfn) * ORDERS + order;
            if (cache.pageCount(list) == high) {
                giveBack(cache, list, batch);
            }
            frames.tagBlock(pfn, order, FrameTable.PER_CPU, FrameTable.PER_CPU);
            cache.pushPage(list, pfn);
            return;
        }
        frames.tagBlock(pfn, order, FrameTable.FREE, FrameTable.FREE);
        zones.freePages(pfn, order);
    }

    /**
     * Gives every parked block of {@code cache} back to the zone allocator.
     *
     * @return the number of pages given back
     */
    long drain(CpuCache cache) {
        long pages = 0;
        for (int list = 0; list < cache.pageLists(); list++) {
            pages += (long) cache.pageCount(list) << (list % ORDERS);
            giveBack(cache, list, cache.pageCount(list));
        }
        return pages;
    }

    /** Gives the {@code n} oldest blocks of {@code list} back and moves the rest down. */
    private void giveBack(CpuCache cache, int list, int n) {
        int order = list % ORDERS;
        for (int i = 0; i < n; i++) {
            long pfn = cache.oldestPage(list, i);
            frames.tagBlock(pfn, order, FrameTable.FREE, FrameTable.FREE);
            zones.freePages(pfn, order);
        }
        cache.dropOldestPages(list, n);
    }
}
