package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.SlabFlags;

/**
 * {@code kmem_cache_alloc} and {@code kmem_cache_free} of the named caches ({@link KmemCaches}): one
 * magazine of free objects per thread and cache in front of the installed {@code SlabCache}. The paths
 * copy kmalloc's:
 * <pre>
 *   kmemCacheAlloc(c)  -> pop this thread's magazine of c               (no lock)
 *                         empty -> lock c; allocate 1 + batch objects; unlock
 *   kmemCacheFree(c,p) -> frame of p is c's, slot LIVE -> CACHED; push  (no lock)
 *                         full  -> lock c; free the oldest half; unlock
 * </pre>
 * The frame table's object states (LIVE, CACHED) catch a double free on the lock-free path. Every move
 * of a named cache's object state is a compare-and-set, because {@code kmemCacheDestroy} may claim a
 * CACHED object from another thread's magazine at any time (see {@link KmemCaches}); an owner whose
 * CACHED to LIVE move fails skips that stale entry.
 */
final class KmemCacheMagazines {

    private final Machine machine;
    private final FrameTable frames;
    private final FaultInjection faults;
    private final KmemCacheFrames cacheFrames;
    private final KmemCaches.FrameOwnerNames names;
    /** The named caches: their provider's name and their names by number, for reports. */
    private final KmemCaches registry;

    KmemCacheMagazines(Machine machine, FrameTable frames, FaultInjection faults, KmemCacheFrames cacheFrames,
                       KmemCaches.FrameOwnerNames names, KmemCaches registry) {
        this.machine = machine;
        this.frames = frames;
        this.faults = faults;
        this.cacheFrames = cacheFrames;
        this.names = names;
        this.registry = registry;
    }

    long alloc(KmemCache cache, int gfp) {
        KmemCaches.requireLive(cache, "kmem_cache_alloc");
        if (faults.shouldFailSlab(gfp, cache.config.size())) {
            return 0;
        }
        long addr = 0;
        if (cache.capacity > 0) {
            KmemCache.Magazine m = cache.magazine.get();
            // Only this thread takes objects out of its magazine, so a read and a release store make one
            // LIVE, as in kmalloc's magazines (no compare-and-set: it was a third of this path's time). The
            // one other writer is kmem_cache_destroy, which claims objects (CACHED -> FREE) from running
            // threads' magazines too; those are skipped here. Allocating from a cache while another thread
            // destroys it is the caller's bug, as in Linux.
            while (m.count > 0) {
                long candidate = m.objects[--m.count];
                long pfn = pfn(candidate);
                int offset = offset(candidate);
                if (frames.objectState(pfn, offset) == FrameTable.OBJECT_CACHED) {
                    frames.setObjectState(pfn, offset, FrameTable.OBJECT_LIVE);
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
            KmemCaches.requireLive(cache, "kmem_cache_alloc");
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
            throw new IllegalStateException("slab cache provider " + registry.providerName() + " returned 0x"
                    + Long.toHexString(addr) + " for cache " + cache.name() + ", which is not an 8-byte aligned"
                    + " address in the cache's own slabs");
        }
        if (frames.moveObject(pfn, offset(addr), FrameTable.OBJECT_FREE, state) != FrameTable.OBJECT_FREE) {
            throw new IllegalStateException("slab cache provider " + registry.providerName() + " returned 0x"
                    + Long.toHexString(addr) + ", which is still allocated: two live objects overlap");
        }
    }

    // ---------------------------------------------------------------- free

    void free(KmemCache cache, long addr) {
        KmemCaches.requireLive(cache, "kmem_cache_free");
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
            throw SlabCacheBug.wrongCache(cache.name(), registry.nameOf(owner), addr);
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
        throw new IllegalStateException("slab cache provider " + registry.providerName() + " accepted kmem_cache_free(0x"
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


    /** Empties the calling thread's magazine of {@code cache} and those of finished threads. */
    void drainOwnAndFinished(KmemCache cache) {
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

    private long pfn(long addr) {
        return machine.virtToPfn(addr);
    }

    private static int offset(long addr) {
        return (int) (addr & (MachineProfile.PAGE_SIZE - 1));
    }
}
