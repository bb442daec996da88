package org.kmemlab.kmalloc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.SlabCaches;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;

/**
 * A correct design of the kernel's named caches that shares no code with the reference's: caches built
 * on the kernel's own page API, above the facade. Each cache takes its slabs with
 * {@code getFreePages(GFP_KERNEL, order)} (the smallest order that holds four objects, at most order 3),
 * carves them into objects at a stride of the size rounded up to the alignment, runs the constructor on
 * every object of a new slab at once, and keeps ONE free list per cache (last freed, first handed out)
 * instead of per-slab lists. Nothing is given back until {@code kmem_cache_shrink} or destroy, which give
 * back every slab whose objects are all free (the reference keeps at most one empty slab). The kernel
 * facade ({@link Kernel}) adds each live cache's row to {@code /proc/slabinfo}.
 *
 * <p>Used by {@link AlternateKernelCachesTests}: the kernel contract's {@code kernel.named-caches} must
 * pass it as it passes the reference.
 */
final class PageBackedCaches implements SlabCaches {

    /** One cache: its geometry, slabs by address, the free list and the live set. */
    static final class PageCache implements Cache {
        final String name;
        final long size;
        final int alignment;
        final long stride;
        final int order;
        final long perSlab;
        final ObjectConstructor ctor;
        /** Slab start address to the number of its objects that are live. */
        final TreeMap<Long, Long> slabs = new TreeMap<>(Long::compareUnsigned);
        final ArrayDeque<Long> free = new ArrayDeque<>();
        final Set<Long> live = new HashSet<>();
        boolean destroyed;

        PageCache(String name, long size, int alignment, int order, long pageSize, ObjectConstructor ctor) {
            this.name = name;
            this.size = size;
            this.alignment = alignment;
            this.stride = (size + alignment - 1) / alignment * alignment;
            this.order = order;
            this.perSlab = (pageSize << order) / stride;
            this.ctor = ctor;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long objectSize() {
            return size;
        }

        @Override
        public int alignment() {
            return alignment;
        }

        SlabInfo row() {
            return new SlabInfo(name, live.size(), perSlab * slabs.size(), stride, perSlab, 1L << order,
                    slabs.values().stream().filter(n -> n > 0).count(), slabs.size());
        }
    }

    private final KernelMemory kernel;
    private final List<PageCache> caches = new ArrayList<>();

    PageBackedCaches(KernelMemory kernel) {
        this.kernel = kernel;
    }

    @Override
    public Cache create(String name, long size, int align, int flags, ObjectConstructor ctor) {
        int alignment = Math.max(8, align);
        if ((flags & SlabFlags.SLAB_HWCACHE_ALIGN) != 0 && size > 32) {
            alignment = Math.max(alignment, 64);
        }
        long pageSize = kernel.machine().pageSize();
        int order = 0;
        while (order < 3 && (pageSize << order) < 4 * ((size + alignment - 1) / alignment * alignment)) {
            order++;
        }
        PageCache cache = new PageCache(name, size, alignment, order, pageSize, ctor);
        if (cache.perSlab == 0) {
            throw new IllegalArgumentException("object size " + size + " does not fit an order-3 slab");
        }
        caches.add(cache);
        return cache;
    }

    @Override
    public long alloc(Cache handle, int gfp) {
        PageCache cache = own(handle, "kmem_cache_alloc");
        if (cache.free.isEmpty() && !grow(cache, gfp)) {
            return KernelMemory.NULL;
        }
        long addr = cache.free.pop();
        cache.live.add(addr);
        cache.slabs.merge(cache.slabs.floorKey(addr), 1L, Long::sum);
        return addr;
    }

    private boolean grow(PageCache cache, int gfp) {
        long slab = kernel.getFreePages(gfp, cache.order);
        if (slab == KernelMemory.NULL) {
            return false;
        }
        cache.slabs.put(slab, 0L);
        for (long i = cache.perSlab - 1; i >= 0; i--) {
            long addr = slab + i * cache.stride;
            if (cache.ctor != null) {
                cache.ctor.construct(addr);
            }
            cache.free.push(addr);
        }
        return true;
    }

    @Override
    public void free(Cache handle, long addr) {
        PageCache cache = own(handle, "kmem_cache_free");
        Map.Entry<Long, Long> slab = cache.slabs.floorEntry(addr);
        long slabBytes = kernel.machine().pageSize() << cache.order;
        if (slab == null || Long.compareUnsigned(addr - slab.getKey(), slabBytes) >= 0) {
            throw SlabCacheBug.notInCache(cache.name, addr);
        }
        long offset = (addr - slab.getKey()) % cache.stride;
        if (offset != 0 || (addr - slab.getKey()) / cache.stride >= cache.perSlab) {
            throw InvalidFreeBug.notAnObject(cache.name, addr, addr - offset, offset);
        }
        if (!cache.live.remove(addr)) {
            throw new DoubleFreeBug(cache.name, addr);
        }
        cache.slabs.merge(slab.getKey(), -1L, Long::sum);
        cache.free.push(addr);
    }

    @Override
    public long shrink(Cache handle) {
        PageCache cache = own(handle, "kmem_cache_shrink");
        long pages = 0;
        List<Long> empty = new ArrayList<>();
        cache.slabs.forEach((slab, live) -> {
            if (live == 0) {
                empty.add(slab);
            }
        });
        long slabBytes = kernel.machine().pageSize() << cache.order;
        for (long slab : empty) {
            cache.free.removeIf(a -> Long.compareUnsigned(a - slab, slabBytes) < 0);
            cache.slabs.remove(slab);
            kernel.freePages(slab, cache.order);
            pages += 1L << cache.order;
        }
        return pages;
    }

    @Override
    public void destroy(Cache handle) {
        PageCache cache = own(handle, "kmem_cache_destroy");
        if (!cache.live.isEmpty()) {
            throw SlabCacheBug.stillHasObjects(cache.name, cache.live.size());
        }
        shrink(cache);
        cache.destroyed = true;
        caches.remove(cache);
    }

    /** The rows of the live caches, for the kernel's {@code /proc/slabinfo}. */
    List<SlabInfo> rows() {
        List<SlabInfo> rows = new ArrayList<>();
        for (PageCache c : caches) {
            rows.add(c.row());
        }
        return rows;
    }

    private PageCache own(Cache handle, String call) {
        if (!(handle instanceof PageCache cache) || !caches.contains(cache)) {
            throw SlabCacheBug.destroyed(handle == null ? "(null)" : handle.name(), call);
        }
        return cache;
    }
}
