package org.kmemlab.kmalloc;

/**
 * The per-thread caches seen from the kernel: which one the calling thread uses, and giving back what
 * they hold. A thread takes its own cache ({@link #current()}) and empties it first when another thread
 * asked for a drain, as a CPU answers {@code drain_all_pages} at its next chance; {@link #drainAll()}
 * empties the calling thread's cache and those of finished threads at once, and asks every other live
 * thread to empty its own. What a cache holds goes back to the object allocator ({@link SmallObjects})
 * and the page path ({@link PagePath}).
 */
final class CpuCacheDrain {

    private final SmallObjects small;
    private final PagePath pagePath;
    private final CpuCaches caches;

    /**
     * @param capacity each size class's magazine capacity (all 0 when per-thread caching is off)
     * @param high the per-thread page list mark (0 when caching is off)
     */
    CpuCacheDrain(SmallObjects small, PagePath pagePath, int[] capacity, int high) {
        this.small = small;
        this.pagePath = pagePath;
        this.caches = new CpuCaches(capacity, PagePath.lists(), high, small.shards(), this::drain);
    }

    /** The calling thread's cache, emptied first when a drain was requested of it. */
    CpuCache current() {
        CpuCache cache = caches.current();
        if (cache.drainRequested) {
            cache.drainRequested = false;
            drain(cache);
        }
        return cache;
    }

    /**
     * Empties the calling thread's cache and those of finished threads, asks the others to empty theirs,
     * then returns empty slab pages to the zone allocator; see {@link Kernel#drainCpuCaches()}.
     *
     * @return the pages given back to the zone allocator
     */
    long drainAll() {
        long pages = 0;
        for (CpuCache finished : caches.takeFinished()) {
            pages += drain(finished);
        }
        pages += drain(caches.current());
        caches.requestDrainOfOthers();
        return pages + small.shrink();
    }

    private long drain(CpuCache cache) {
        cache.drainRequested = false;
        small.drain(cache);
        return pagePath.drain(cache);
    }

    /** Returns the number of threads whose caches are registered. */
    int threads() {
        return caches.threads();
    }

    /** Returns the pages parked in per-thread page lists (an estimate while other threads run). */
    long parkedPages() {
        return caches.parkedPages(PagePath.ORDERS);
    }
}
