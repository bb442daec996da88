package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.DoubleFreeBug;
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
 * free is reported with both names, a {@code kfree} of a cache object names the cache). The paths copy kmalloc's:
 * <pre>
 *   kmemCacheAlloc(c)  -> pop this thread's magazine of c               (no lock)
 *                         empty -> lock c; allocate 1 + batch objects; unlock
 *   kmemCacheFree(c,p) -> frame of p is c's, slot LIVE -> CACHED; push  (no lock)
 *                         full  -> lock c; free the oldest half; unlock
 * </pre>
 * The frame table's two slot bits (LIVE, CACHED) catch a double free on the lock-free path.
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
    private SlabCacheProvider provider;
    /** Which cache owns each slab frame, and each cache's page source. */
    private final KmemCacheFrames cacheFrames;
    private int nextId;

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

    // ---------------------------------------------------------------- alloc

    long alloc(KmemCache cache, int gfp) {
        requireLive(cache, "kmem_cache_alloc");
        if (faults.shouldFailSlab(gfp, cache.config.size())) {
            return 0;
        }
        long addr = 0;
        if (cache.capacity > 0) {
            KmemCache.Magazine m = cache.magazine.get();
            while (m.count > 0) {
                long candidate = m.objects[--m.count];
                if (frames.moveObject(pfn(candidate), offset(candidate), FrameTable.OBJECT_CACHED, FrameTable.OBJECT_LIVE)
                        == FrameTable.OBJECT_CACHED) {
                    addr = candidate;
                    break;
                }
            }
            if (addr == 0) {
                addr = refill(cache, m, gfp);
            }
        } else {
            addr = refill(cache, null, gfp);
        }
        if (addr != 0 && (gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pa(addr), cache.config.size(), (byte) 0);
        }
        return addr;
    }

    /** Visits the provider: one object for the caller (LIVE) and up to half a magazine more (CACHED). */
    private long refill(KmemCache cache, KmemCache.Magazine m, int gfp) {
        int request = gfp & ~Gfp.__GFP_ZERO;
        synchronized (cache.lock) {
            requireLive(cache, "kmem_cache_alloc");
            long first = cache.spi.allocate(request);
            if (first == 0) {
                return 0;
            }
            take(cache, first, FrameTable.OBJECT_LIVE);
            if (m != null) {
                int nonBlocking = (request & ~Gfp.__GFP_DIRECT_RECLAIM) | Gfp.__GFP_NOWARN;
                int batch = Math.max(1, (cache.capacity + 1) / 2);
                for (int i = 1; i < batch && m.count < cache.capacity; i++) {
                    long more = cache.spi.allocate(nonBlocking);
                    if (more == 0) {
                        break;
                    }
                    take(cache, more, FrameTable.OBJECT_CACHED);
                    m.objects[m.count++] = more;
                }
            }
            return first;
        }
    }

    /** Records an object fresh from the provider; the cache's lock is held. */
    private void take(KmemCache cache, long addr, byte state) {
        long pfn = machine.isDirectMapped(addr) ? machine.virtToPfn(addr) : -1;
        if (pfn < 0 || frames.tag(pfn) != FrameTable.KMEM_CACHE || cacheFrames.owner(pfn) != cache.id
                || (addr & (SlabFlags.MIN_ALIGN - 1)) != 0) {
            throw new IllegalStateException("slab cache provider " + provider.name() + " returned 0x"
                    + Long.toHexString(addr) + " for cache " + cache.name() + ", which is not an 8-byte aligned"
                    + " address in the cache's own slabs");
        }
        if (frames.moveObject(pfn, offset(addr), FrameTable.OBJECT_FREE, state) != FrameTable.OBJECT_FREE) {
            throw new IllegalStateException("slab cache provider " + provider.name() + " returned 0x"
                    + Long.toHexString(addr) + ", which is still allocated: two live objects overlap");
        }
    }

    // ---------------------------------------------------------------- free

    void free(KmemCache cache, long addr) {
        requireLive(cache, "kmem_cache_free");
        if (!machine.isDirectMapped(addr)) {
            throw SlabCacheBug.notInCache(cache.name(), addr);
        }
        long pfn = machine.virtToPfn(addr);
        byte tag = frames.tag(pfn);
        if (tag != FrameTable.KMEM_CACHE) {
            if (tag == FrameTable.SLAB) {
                throw SlabCacheBug.wrongCache(cache.name(), names.kmallocCacheOf(pfn), addr);
            }
            throw SlabCacheBug.notInCache(cache.name(), addr);
        }
        int owner = cacheFrames.owner(pfn);
        if (owner != cache.id) {
            throw SlabCacheBug.wrongCache(cache.name(), nameOf(owner), addr);
        }
        int offset = offset(addr);
        if ((offset & ((1 << FrameTable.GRANULE_SHIFT) - 1)) != 0) {
            freeUnknown(cache, addr, FrameTable.OBJECT_FREE);
            return;
        }
        if (cache.capacity > 0) {
            byte was = frames.moveObject(pfn, offset, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_CACHED);
            if (was != FrameTable.OBJECT_LIVE) {
                freeUnknown(cache, addr, was);
                return;
            }
            KmemCache.Magazine m = cache.magazine.get();
            if (m.count == cache.capacity) {
                flush(cache, m, Math.max(1, cache.capacity / 2));
            }
            m.objects[m.count++] = addr;
            return;
        }
        byte was = frames.moveObject(pfn, offset, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_FREE);
        if (was != FrameTable.OBJECT_LIVE) {
            freeUnknown(cache, addr, was);
            return;
        }
        synchronized (cache.lock) {
            try {
                cache.spi.free(addr);
            } catch (RuntimeException e) {
                frames.moveObject(pfn, offset, FrameTable.OBJECT_FREE, FrameTable.OBJECT_LIVE);
                throw e;
            }
        }
    }

    /** A free of an address the caller does not hold: reported here (cached) or by the provider. */
    private void freeUnknown(KmemCache cache, long addr, byte state) {
        if (state == FrameTable.OBJECT_CACHED) {
            throw new DoubleFreeBug(cache.name(), addr, "INFO: the object was already freed and waits in a"
                    + " per-thread magazine for reuse");
        }
        synchronized (cache.lock) {
            cache.spi.free(addr);
        }
        throw new IllegalStateException("slab cache provider " + provider.name() + " accepted kmem_cache_free(0x"
                + Long.toHexString(addr) + "), an address it never handed out");
    }

    /** Gives the {@code n} oldest objects of {@code m} back to the provider. */
    private void flush(KmemCache cache, KmemCache.Magazine m, int n) {
        synchronized (cache.lock) {
            for (int i = 0; i < n; i++) {
                long addr = m.objects[i];
                if (frames.moveObject(pfn(addr), offset(addr), FrameTable.OBJECT_CACHED, FrameTable.OBJECT_FREE)
                        == FrameTable.OBJECT_CACHED) {
                    cache.spi.free(addr);
                }
            }
        }
        System.arraycopy(m.objects, n, m.objects, 0, m.count - n);
        m.count -= n;
    }

    // ---------------------------------------------------------------- shrink, destroy

    /** Empties the calling thread's magazine and those of finished threads, then shrinks; returns pages freed. */
    long shrink(KmemCache cache) {
        requireLive(cache, "kmem_cache_shrink");
        drainOwnAndFinished(cache);
        synchronized (cache.lock) {
            return cache.spi.shrink();
        }
    }

    private void drainOwnAndFinished(KmemCache cache) {
        if (cache.capacity == 0) {
            return;
        }
        List<KmemCache.Magazine> drain = new ArrayList<>();
        synchronized (cache.magazines) {
            for (KmemCache.Magazine m : cache.magazines) {
                if (m.owner == Thread.currentThread() || !m.owner.isAlive()) {
                    drain.add(m);
                }
            }
        }
        for (KmemCache.Magazine m : drain) {
            if (m.count > 0) {
                flush(cache, m, m.count);
            }
        }
    }

    void destroy(KmemCache cache) {
        requireLive(cache, "kmem_cache_destroy");
        drainOwnAndFinished(cache);
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

    /** Returns the name of the named cache whose slab frame {@code pfn} is. */
    String cacheNameOfFrame(long pfn) {
        int[] owners = cacheFrames.owners();
        return owners == null ? "kmem_cache" : nameOf(owners[(int) pfn]);
    }

    private String nameOf(int id) {
        synchronized (caches) {
            for (KmemCache c : caches) {
                if (c.id == id) {
                    return c.name();
                }
            }
        }
        return "a destroyed cache";
    }

    private static void requireLive(KmemCache cache, String call) {
        if (cache == null) {
            throw new NullPointerException(call + ": the cache must not be null (kmemCacheCreate returned it)");
        }
        if (cache.destroyed) {
            throw SlabCacheBug.destroyed(cache.name(), call);
        }
    }

    private long pfn(long addr) {
        return machine.virtToPfn(addr);
    }

    private static int offset(long addr) {
        return (int) (addr & (MachineProfile.PAGE_SIZE - 1));
    }

    /** Names kmalloc's caches for wrong-cache reports. */
    interface FrameOwnerNames {
        /** Returns the kmalloc cache name of slab frame {@code pfn}. */
        String kmallocCacheOf(long pfn);
    }
}
