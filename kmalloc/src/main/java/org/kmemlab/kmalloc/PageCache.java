package org.kmemlab.kmalloc;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;

/**
 * A simulated page cache: clean file pages that fill otherwise idle memory and that reclaim may drop.
 *
 * <h2>Why a lab needs one</h2>
 * On a real machine free memory is rare: the page cache keeps file data in every page nobody else
 * wants, and gives pages back when an allocation that may sleep runs short. That is why
 * {@code GFP_KERNEL} rarely fails (it can reclaim) while {@code GFP_ATOMIC} and {@code GFP_NOWAIT} fail
 * much sooner (they cannot). {@link #fill(long)} recreates that state; the cache is registered as a
 * {@link Shrinker} with the zone allocator, so direct reclaim drops its oldest pages, and {@link #drop}
 * is {@code echo 1 > /proc/sys/vm/drop_caches}. Its pages show as {@code Cached} in
 * {@code /proc/meminfo}.
 *
 * <p>Pages are clean, so dropping one needs no I/O; they are dropped oldest first (a FIFO stands in
 * for the kernel's LRU lists). Safe for concurrent use.
 */
public final class PageCache {

    private final ZoneAllocator zones;
    private final FrameTable frames;
    private long[] ring = new long[1024];
    private int head;
    private int size;
    private final Shrinker shrinker = new Shrinker() {
        @Override
        public String name() {
            return "page-cache";
        }

        @Override
        public long count() {
            return pages();
        }

        @Override
        public long scan(long pages) {
            return drop(pages);
        }
    };

    PageCache(ZoneAllocator zones, FrameTable frames) {
        this.zones = zones;
        this.frames = frames;
    }

    /** Returns the shrinker reclaim calls. */
    Shrinker shrinker() {
        return shrinker;
    }

    /**
     * Reads up to {@code pages} pages of "file data" into the cache, stopping early when an allocation
     * that neither sleeps nor dips into reserves ({@code GFP_NOWAIT}) fails: the cache takes what is
     * free above the watermarks and no more.
     *
     * @return the number of pages added
     */
    public synchronized long fill(long pages) {
        Checks.requireArgument(pages >= 0, "page count %d is negative", pages);
        long added = 0;
        while (added < pages) {
            long pfn = zones.allocPages(Gfp.GFP_NOWAIT | Gfp.__GFP_NOWARN, 0);
            if (pfn == PageAllocator.NO_PAGE) {
                break;
            }
            frames.tagBlock(pfn, 0, FrameTable.PAGE_CACHE, FrameTable.PAGE_CACHE);
            push(pfn);
            added++;
        }
        return added;
    }

    /** Fills the cache until no page is free above the watermarks; returns the number of pages added. */
    public long fillMachine() {
        return fill(Long.MAX_VALUE);
    }

    /**
     * Drops up to {@code pages} of the oldest pages, giving them back to the zone allocator.
     *
     * @return the number of pages dropped
     */
    public synchronized long drop(long pages) {
        Checks.requireArgument(pages >= 0, "page count %d is negative", pages);
        long dropped = 0;
        while (dropped < pages && size > 0) {
            long pfn = ring[head];
            head = (head + 1) % ring.length;
            size--;
            frames.tagBlock(pfn, 0, FrameTable.FREE, FrameTable.FREE);
            zones.freePages(pfn, 0);
            dropped++;
        }
        return dropped;
    }

    /** Drops every page ({@code drop_caches}); returns the number dropped. */
    public long dropAll() {
        return drop(Long.MAX_VALUE);
    }

    /** Returns the number of pages in the cache. */
    public synchronized long pages() {
        return size;
    }

    private void push(long pfn) {
        if (size == ring.length) {
            long[] bigger = new long[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = pfn;
        size++;
    }
}
