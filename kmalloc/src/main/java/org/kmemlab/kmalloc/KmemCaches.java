package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.stats.SlabInfo;

/**
 * The kernel's named slab caches: {@code kmem_cache_create}, {@code _alloc}, {@code _free},
 * {@code _shrink} and {@code _destroy} over the installed {@link SlabCacheProvider}.
 *
 * <h2>Overview</h2>
 * Each {@link KmemCache} wraps one {@link SlabCache} made by the provider, with a page source of its own
 * that takes slabs from the zone allocator and tags their frames {@link FrameTable#KMEM_CACHE} with the
 * cache's number ({@link KmemCacheFrames}), so that any address can be traced to its cache (a wrong-cache
 * free is reported with both names, a {@code kfree} of a cache object names the cache). The alloc and free
 * paths, with their per-thread magazines, are {@link KmemCacheMagazines}.
 *
 * <h2>Destroy and other threads' magazines</h2>
 * {@code kmemCacheDestroy} must find every free object, including those waiting in magazines of threads
 * that are still running. It never touches another thread's magazine array; it <em>claims</em> the
 * objects instead: every CACHED slot of the cache's frames is moved to FREE by compare-and-set and given
 * back to the provider. An owner that later pops such a stale entry sees that its CACHED→LIVE move fails
 * and skips it (and then meets the destroyed cache). Destroy claims nothing while any object is LIVE: it
 * reports {@code Slab cache still has objects} and the cache is unchanged.
 *
 * <h2>Debugging and fault injection</h2>
 * As in Linux, {@code slab_debug} applies to named caches by adding flags: {@code P} adds
 * {@code SLAB_POISON}, {@code Z} adds {@code SLAB_RED_ZONE}, and the provider does the checking. With
 * debugging on, magazines are off, so every free reaches the provider's checks at once. failslab fails
 * {@code kmemCacheAlloc} as it fails kmalloc. Named caches are not shrunk by reclaim; call
 * {@link Kernel#kmemCacheShrink}.
 *
 * <p>Linux 2.0 had none of this: the calls fail with an explanation in that era.
 */
final class KmemCaches {

    private final Machine machine;
    private final Era era;
    private final FrameTable frames;
    private final FaultInjection faults;
    private final Supplier<SlabCacheProvider> providerLookup;
    private final FrameOwnerNames names;
    private final int debugFlags;
    private final boolean magazines;
    private final List<KmemCache> caches = new ArrayList<>();
    private volatile SlabCacheProvider provider;
    /** Which cache owns each slab frame, and each cache's page source. */
    private final KmemCacheFrames cacheFrames;
    private int nextId;
    /** kmem_cache_alloc and kmem_cache_free through the per-thread magazines. */
    private final KmemCacheMagazines paths;

    KmemCaches(Machine machine, Era era, ZoneAllocator zones, FrameTable frames, FaultInjection faults,
               Supplier<SlabCacheProvider> providerLookup, int debugFlags, boolean magazines, FrameOwnerNames names) {
        this.names = names;
        this.machine = machine;
        this.era = era;
        this.frames = frames;
        this.cacheFrames = new KmemCacheFrames(machine, zones, frames);
        this.faults = faults;
        this.providerLookup = providerLookup;
        this.debugFlags = debugFlags;
        this.magazines = magazines && debugFlags == 0;
        this.paths = new KmemCacheMagazines(machine, frames, faults, cacheFrames, names, this);
    }

    // ---------------------------------------------------------------- create

    KmemCache create(String name, long size, int align, int flags, ObjectConstructor ctor) {
        if (era == Era.LINUX_2_0) {
            throw new UnsupportedOperationException("kmem_cache_create(\"" + name + "\"): Linux 2.0 has no named slab"
                    + " caches; Bonwick's slab allocator (mm/slab.c) arrived in Linux 2.1.23. Allocate with kmalloc,"
                    + " or boot a MODERN era kernel (Kernel.builder().era(Era.MODERN))");
        }
        SlabFlags.check(flags);
        synchronized (caches) {
            if (provider == null) {
                provider = providerLookup.get();
            }
            for (KmemCache c : caches) {
                if (c.name().equals(name)) {
                    throw new IllegalArgumentException("kmem_cache_create: a cache named \"" + name + "\" exists;"
                            + " destroy it first or choose another name");
                }
            }
            if (name != null && (name.startsWith("kmalloc-") || name.startsWith("dma-kmalloc-"))) {
                throw new IllegalArgumentException("kmem_cache_create: \"" + name + "\" is the name of a kmalloc"
                        + " cache; choose a name for your object type, such as \"dentry\"");
            }
            cacheFrames.ensureTable();
            int id = nextId++;
            SlabCacheConfig config = new SlabCacheConfig(machine, cacheFrames.pageSource(id), name, size, align,
                    flags | debugFlags, ctor);
            SlabCache spi = provider.create(config);
            if (spi == null) {
                throw new IllegalStateException("slab cache provider " + provider.name() + " returned no cache");
            }
            KmemCache cache = new KmemCache(id, spi, config, magazines ? SmallObjects.magazineCapacity(size) : 0);
            caches.add(cache);
            return cache;
        }
    }

    // ---------------------------------------------------------------- alloc, free

    long alloc(KmemCache cache, int gfp) {
        return paths.alloc(cache, gfp);
    }

    void free(KmemCache cache, long addr) {
        paths.free(cache, addr);
    }

    // ---------------------------------------------------------------- shrink, destroy

    /**
     * Empties the calling thread's magazine and those of finished threads, then shrinks; returns the pages
     * the whole call gave back. Emptying a magazine frees objects into their slabs, and the slab cache may
     * release a slab that becomes empty right then, before its {@code shrink()} runs: those pages are
     * counted too, so the cache's pages in slabinfo fall by exactly the number returned.
     */
    long shrink(KmemCache cache) {
        requireLive(cache, "kmem_cache_shrink");
        long before;
        synchronized (cache.lock) {
            before = pages(cache.spi.slabinfo());
        }
        paths.drainOwnAndFinished(cache);
        synchronized (cache.lock) {
            cache.spi.shrink();
            return before - pages(cache.spi.slabinfo());
        }
    }

    private static long pages(SlabInfo row) {
        return row.totalSlabs() * row.pagesPerSlab();
    }

    void destroy(KmemCache cache) {
        requireLive(cache, "kmem_cache_destroy");
        paths.drainOwnAndFinished(cache);
        synchronized (cache.lock) {
            long live = countSlots(cache, FrameTable.OBJECT_LIVE, false);
            if (live > 0) {
                throw SlabCacheBug.stillHasObjects(cache.name(), live);
            }
            countSlots(cache, FrameTable.OBJECT_CACHED, true);
            cache.spi.destroy();
            cache.destroyed = true;
        }
        synchronized (caches) {
            caches.remove(cache);
        }
    }

    /**
     * Counts the slots of {@code cache}'s frames in {@code state}; with {@code claim}, moves each CACHED one
     * to FREE and gives it to the provider (objects in other threads' magazines). Lock held.
     */
    private long countSlots(KmemCache cache, byte state, boolean claim) {
        int[] owners = cacheFrames.owners();
        long n = 0;
        int granules = (int) (MachineProfile.PAGE_SIZE >>> FrameTable.GRANULE_SHIFT);
        for (int pfn = 0; pfn < owners.length; pfn++) {
            if (owners[pfn] != cache.id || frames.tag(pfn) != FrameTable.KMEM_CACHE) {
                continue;
            }
            for (int g = 0; g < granules; g++) {
                int offset = g << FrameTable.GRANULE_SHIFT;
                if (frames.objectState(pfn, offset) != state) {
                    continue;
                }
                n++;
                if (claim && frames.moveObject(pfn, offset, FrameTable.OBJECT_CACHED, FrameTable.OBJECT_FREE)
                        == FrameTable.OBJECT_CACHED) {
                    cache.spi.free(machine.pfnToVirt(pfn) + offset);
                }
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- reports

    /** Returns one slabinfo row per live cache, oldest first; objects in magazines count as active. */
    List<SlabInfo> slabinfo() {
        List<KmemCache> live;
        synchronized (caches) {
            live = new ArrayList<>(caches);
        }
        List<SlabInfo> rows = new ArrayList<>();
        for (KmemCache c : live) {
            synchronized (c.lock) {
                if (!c.destroyed) {
                    rows.add(c.spi.slabinfo());
                }
            }
        }
        return rows;
    }

    /** Returns the pages all named caches hold. */
    long slabPages() {
        return cacheFrames.slabPages();
    }

    /** Runs every cache's own invariant checks. */
    void checkInvariants() {
        List<KmemCache> live;
        synchronized (caches) {
            live = new ArrayList<>(caches);
        }
        for (KmemCache c : live) {
            synchronized (c.lock) {
                c.spi.checkInvariants();
            }
        }
    }

    /** Returns the installed provider's name, for reports of what it did wrong. */
    String providerName() {
        SlabCacheProvider p = provider;
        return p == null ? "(none yet)" : p.name();
    }

    /** Returns the name of the named cache whose slab frame {@code pfn} is. */
    String cacheNameOfFrame(long pfn) {
        int[] owners = cacheFrames.owners();
        return owners == null ? "kmem_cache" : nameOf(owners[(int) pfn]);
    }

    String nameOf(int id) {
        synchronized (caches) {
            for (KmemCache c : caches) {
                if (c.id == id) {
                    return c.name();
                }
            }
        }
        return "a destroyed cache";
    }

    static void requireLive(KmemCache cache, String call) {
        if (cache == null) {
            throw new NullPointerException(call + ": the cache must not be null (kmemCacheCreate returned it)");
        }
        if (cache.destroyed) {
            throw SlabCacheBug.destroyed(cache.name(), call);
        }
    }

    /** Names kmalloc's caches for wrong-cache reports. */
    interface FrameOwnerNames {
        /** Returns the kmalloc cache name of slab frame {@code pfn}. */
        String kmallocCacheOf(long pfn);
    }
}
