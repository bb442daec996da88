package org.kmemlab.dmazone;

import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;

/**
 * A simulated page cache for the tests: clean file pages read in with a gfp that never dips into the
 * reserves, and dropped again (they are clean, so nothing needs writing back) when reclaim asks. It
 * makes memory pressure realistic: a machine full of cache is "full", yet a GFP_KERNEL request that can
 * reclaim still gets memory.
 */
final class PageCache implements Shrinker {

    private final ZoneAllocator zones;
    /** The cached pages, oldest at {@code head}: reclaim drops the least recently read first. */
    private long[] pfns = new long[1024];
    private int head;
    private int size;
    private long scans;

    PageCache(ZoneAllocator zones) {
        this.zones = zones;
    }

    /**
     * Reads pages into the cache with {@code gfp} until {@code pages} are cached or an allocation fails.
     *
     * @return how many pages were added
     */
    synchronized long fill(int gfp, long pages) {
        long added = 0;
        while (added < pages) {
            long pfn = zones.allocPages(gfp, 0);
            if (pfn == PageAllocator.NO_PAGE) {
                break;
            }
            if (head + size == pfns.length) {
                pfns = java.util.Arrays.copyOfRange(pfns, head, head + Math.max(2 * size, 1024));
                head = 0;
            }
            pfns[head + size++] = pfn;
            added++;
        }
        return added;
    }

    /** Returns how many pages are cached. */
    synchronized long size() {
        return size;
    }

    /** Returns how many times reclaim called {@link #scan(long)}. */
    synchronized long scans() {
        return scans;
    }

    @Override
    public String name() {
        return "page-cache";
    }

    @Override
    public synchronized long count() {
        return size;
    }

    /** Drops up to {@code pages} pages, the least recently read first. */
    @Override
    public synchronized long scan(long pages) {
        scans++;
        long freed = 0;
        while (freed < pages && size > 0) {
            zones.freePages(pfns[head++], 0);
            size--;
            freed++;
        }
        return freed;
    }
}
