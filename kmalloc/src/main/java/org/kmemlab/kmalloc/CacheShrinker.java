package org.kmemlab.kmalloc;

import org.kmemlab.api.spi.Shrinker;

/**
 * Lets reclaim empty kmalloc's per-thread caches: the pages parked on page lists, the objects in the
 * magazines of finished threads and of the reclaiming thread, and then the slab pages that hold no live
 * object any more ({@code drain_all_pages} plus {@code kmem_cache_shrink}).
 */
final class CacheShrinker implements Shrinker {

    private final Kernel kernel;

    CacheShrinker(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public String name() {
        return "kmalloc-caches";
    }

    /**
     * Returns an upper bound of what {@link #scan} may free: the pages parked in per-thread page lists
     * plus the object allocator's pages (which of those are empty is known only by shrinking).
     */
    @Override
    public long count() {
        return kernel.insideObjectAllocator() ? 0 : kernel.parkedPages() + kernel.slabPages();
    }

    /**
     * Drains and shrinks; does nothing when called from inside the object allocator (a zone allocator
     * that reclaims even for requests that cannot sleep would otherwise re-enter it).
     */
    @Override
    public long scan(long pages) {
        return kernel.insideObjectAllocator() ? 0 : kernel.drainCpuCaches();
    }
}
