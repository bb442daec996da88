package org.kmemlab.kmalloc;

import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.stats.SlabInfo;

/**
 * kmalloc's small-object path: per-thread magazines in front of the installed object allocator.
 *
 * <h2>Overview</h2>
 * The object allocator need not be thread-safe, so every call into it holds the lock of its shard
 * (the "slab lock"; there is one instance of the allocator per CPU, {@link AllocatorShards}). To keep
 * the common path away from that lock, each thread has one magazine per size class ({@link CpuCache}):
 * <pre>
 *   kmalloc(100)  -> class of 120 bytes -> pop from this thread's magazine     (no lock)
 *                    magazine empty      -> lock own shard; allocate batch objects; unlock
 *   kfree(p)      -> frame of p is SLAB, class 120, own shard -> push onto the magazine   (no lock)
 *                    magazine full       -> lock own shard; free batch oldest objects; unlock
 *                 -> another shard's     -> push onto the alien buffer of that shard (no lock)
 *                    buffer full         -> lock that shard; free all 12; unlock
 * </pre>
 * Objects in a magazine are allocated as far as the object allocator knows, so {@code /proc/slabinfo}
 * counts them as active, as SLUB counts the objects of its per-cpu slabs. The {@link FrameTable} object
 * states say which objects the caller holds (LIVE) and which sit in a magazine (CACHED), so a double free
 * is still caught on the lock-free path; only kfree's LIVE to CACHED is a compare-and-set, every other
 * move a plain store by the object's one owner (the class comment of {@link FrameTable} says why).
 *
 * <p>Words: a <em>size class</em> ({@code sizeClass}) is an index into {@link InstalledSizeClasses}, and
 * each thread has one magazine per size class; a <em>slot</em> is only ever the block of memory an object
 * occupies (as in {@link SlabDebug}).
 *
 * <p>A frame whose objects belong to several classes ({@link FrameTable#MIXED}, which a student's
 * allocator may do) and requests beyond the probed classes bypass the magazines.
 *
 * <p>The common case of each direction has its own short method, {@link #allocateCached} and
 * {@link #freeCached}, which {@link KmallocPath}'s fast paths call; {@link #allocate} and {@link #free} are
 * the complete paths behind them. Both directions keep the object state: the fast kmalloc checks that
 * the popped object is CACHED before it makes it LIVE, the fast kfree claims the object with the same
 * compare-and-set as the complete path, so a double free is caught on either path.
 */
final class SmallObjects {

    private final Machine machine;
    private final AllocatorShards shards;
    private final ZoneAllocator zones;
    private final FrameTable frames;
    private final InstalledSizeClasses classes;
    private final int[] batch;
    private final long pageOffset;

    SmallObjects(Machine machine, AllocatorShards shards, ZoneAllocator zones, FrameTable frames,
                 InstalledSizeClasses classes, int[] capacity) {
        this.machine = machine;
        this.shards = shards;
        this.zones = zones;
        this.frames = frames;
        this.classes = classes;
        this.batch = new int[capacity.length];
        this.pageOffset = machine.profile().pageOffset();
        for (int s = 0; s < capacity.length; s++) {
            batch[s] = Math.max(1, (capacity[s] + 1) / 2);
        }
    }

    /**
     * Returns the magazine capacity for objects of {@code size} bytes: SLAB's {@code array_cache} limit
     * from {@code enable_cpucache()} in {@code mm/slab.c}, many small objects and few large ones, so a
     * thread never strands much memory: 120 up to 256 bytes, 54 up to 1 KiB, 24 up to a page, 8 up to
     * 128 KiB, 1 above. (Until issue 16 a whole page got 8 here; {@code kmalloc-4k} then overflowed its
     * magazine six times as often as Linux's would, and those flushes and refills were a quarter of the
     * kmalloc mix's time.)
     */
    static int magazineCapacity(long size) {
        if (size <= 256) {
            return 120;
        }
        if (size <= 1024) {
            return 54;
        }
        if (size <= MachineProfile.PAGE_SIZE) {
            return 24;
        }
        if (size <= 32 * MachineProfile.PAGE_SIZE) {
            return 8;
        }
        return 1;
    }

    /** Returns the number of object allocator shards (a thread's cache has an alien buffer for each). */
    int shards() {
        return shards.count();
    }

    /** Returns true when the calling thread is inside a call to the object allocator. */
    boolean insideObjectAllocator() {
        return shards.lockedByCurrentThread();
    }

    /** Returns the size classes learnt at boot. */
    InstalledSizeClasses classes() {
        return classes;
    }

    /**
     * Allocates an object of {@code size} bytes, 1 .. {@code maxSize}.
     *
     * @return its address, LIVE, or 0
     */
    long allocate(CpuCache cache, long size, int gfp) {
        int sizeClass = classes.classFor(size, (gfp & Gfp.__GFP_DMA) != 0);
        long addr;
        if (sizeClass < 0) {
            addr = fromAllocator(shards.get(cache.shard), null, -1, size, gfp);
            if (addr == 0) {
                return 0;
            }
        } else {
            addr = allocateCached(cache, sizeClass);
            if (addr == 0) {
                addr = fromAllocator(shards.get(cache.shard), cache, sizeClass, classes.size(sizeClass), gfp);
                if (addr == 0) {
                    return 0;
                }
                claim(addr);
            }
            size = classes.size(sizeClass);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pa(addr), size, (byte) 0);
        }
        return addr;
    }

    /**
     * kmalloc's fast path: takes the newest object of {@code cache}'s magazine {@code sizeClass} and makes
     * it LIVE; returns 0 when the magazine is empty (the caller then takes the complete path).
     */
    long allocateCached(CpuCache cache, int sizeClass) {
        long addr = cache.popObject(sizeClass);
        if (addr != 0) {
            claim(addr);
        }
        return addr;
    }

    /** Makes the CACHED object at {@code addr}, just taken for the caller, LIVE. */
    private void claim(long addr) {
        if (!frames.claimCached(addr - pageOffset)) {
            throw new IllegalStateException("kmalloc magazine held 0x" + Long.toHexString(addr)
                    + ", which is not a cached object");
        }
    }

    /**
     * kfree's fast path for the object at {@code addr} (4-byte aligned) of cached class {@code sizeClass}
     * in slab frame {@code pfn}: when the object belongs to {@code cache}'s shard and the magazine has
     * room, moves it LIVE to CACHED and pushes it. The address is staged above the magazine's top before
     * the compare-and-set and the top moved after it, so nothing is loaded again after the atomic
     * instruction (which orders every memory access around it).
     *
     * @return false, having changed nothing, when the complete path must decide
     * @throws DoubleFreeBug when the object waits in a magazine already, and whatever the object
     *         allocator reports for an address that is not a live object, as the complete path would
     */
    boolean freeCached(CpuCache cache, long addr, long pfn, int sizeClass) {
        if (frames.shardOf(pfn) != cache.shard) {
            return false;
        }
        int place = cache.stageObject(sizeClass, addr);
        if (place < 0) {
            return false;
        }
        int offset = (int) (addr & (MachineProfile.PAGE_SIZE - 1));
        byte was = frames.moveObject(pfn, offset, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_CACHED);
        if (was != FrameTable.OBJECT_LIVE) {
            freeUnknown(addr, pfn, offset, was);   // reports the free, always by an exception
        }
        cache.commitObject(sizeClass, place);
        return true;
    }

    /**
     * Visits the object allocator {@code shard} under its lock: gets one object for the caller and, for a cached
     * class, up to {@code batch} more for the magazine. Sleeps for pages only outside the lock (see
     * {@link KernelPageSource}).
     *
     * @return the caller's object (CACHED when {@code sizeClass >= 0}, LIVE otherwise), or 0
     */
    private long fromAllocator(AllocatorShards.Shard shard, CpuCache cache, int sizeClass, long size, int gfp) {
        ObjectAllocator objects = shard.objects();
        KernelPageSource pageSource = shard.pageSource();
        int request = gfp & ~Gfp.__GFP_ZERO;
        long pendingPfn = PageAllocator.NO_PAGE;
        int pendingOrder = 0;
        for (int attempt = 0; ; attempt++) {
            int wantedOrder;
            int wantedGfp;
            synchronized (shard) {
                if (pendingPfn != PageAllocator.NO_PAGE) {
                    pageSource.stash(pendingPfn, pendingOrder);
                    pendingPfn = PageAllocator.NO_PAGE;
                }
                pageSource.clearWanted();
                long first = objects.allocate(size, request);
                if (first != 0) {
                    take(first, sizeClass);
                    if (sizeClass >= 0) {
                        int nonBlocking = (request & ~Gfp.__GFP_DIRECT_RECLAIM) | Gfp.__GFP_NOWARN;
                        int room = cache.capacity(sizeClass);
                        for (int i = 1; i < batch[sizeClass] && cache.objectCount(sizeClass) < room; i++) {
                            long more = objects.allocate(size, nonBlocking);
                            if (more == 0) {
                                break;
                            }
                            take(more, sizeClass);
                            cache.pushObject(sizeClass, more);
                        }
                    }
                    pageSource.clearWanted();
                    pageSource.releaseStash();
                    return first;
                }
                pageSource.releaseStash();
                wantedOrder = pageSource.takeWanted();
                wantedGfp = pageSource.wantedGfp();
            }
            boolean retry = attempt < 3 || (gfp & Gfp.__GFP_NOFAIL) != 0;
            if (wantedOrder < 0 || !retry) {
                return 0;
            }
            long pfn = zones.allocPages(wantedGfp, wantedOrder);
            if (pfn == PageAllocator.NO_PAGE) {
                return 0;
            }
            pendingPfn = pfn;
            pendingOrder = wantedOrder;
        }
    }

    /** Records an object fresh from the object allocator; lock held. */
    private void take(long addr, int sizeClass) {
        long pfn = machine.virtToPfn(addr);
        int offset = (int) (addr & (MachineProfile.PAGE_SIZE - 1));
        if (frames.tag(pfn) != FrameTable.SLAB || (offset & FrameTable.GRANULE_MASK) != 0) {
            throw new IllegalStateException("object allocator " + shards.providerName() + " returned 0x"
                    + Long.toHexString(addr) + ", which is not 4-byte aligned in a page from its page source");
        }
        if (frames.objectState(pfn, offset) != FrameTable.OBJECT_FREE) {
            throw new IllegalStateException("object allocator " + shards.providerName() + " returned 0x"
                    + Long.toHexString(addr) + ", which is still allocated: two live objects overlap");
        }
        frames.setObjectState(pfn, offset, sizeClass >= 0 ? FrameTable.OBJECT_CACHED : FrameTable.OBJECT_LIVE);
        frames.noteClass(pfn, sizeClass >= 0 ? sizeClass : FrameTable.MIXED);
    }

    /** Frees a kmalloc object in slab frame {@code pfn}. */
    void free(CpuCache cache, long addr, long pfn) {
        int offset = (int) (addr & (MachineProfile.PAGE_SIZE - 1));
        if ((offset & FrameTable.GRANULE_MASK) != 0) {
            freeUnknown(addr, pfn, offset, FrameTable.OBJECT_FREE);
            return;
        }
        int sizeClass = frames.classOf(pfn);
        if (sizeClass >= 0 && cache.capacity(sizeClass) > 0) {
            byte was = frames.moveObject(pfn, offset, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_CACHED);
            if (was != FrameTable.OBJECT_LIVE) {
                freeUnknown(addr, pfn, offset, was);
                return;
            }
            int shard = frames.shardOf(pfn);
            if (shard != cache.shard) {
                freeRemote(cache, shard, addr);
                return;
            }
            if (cache.objectCount(sizeClass) == cache.capacity(sizeClass)) {
                flush(cache, sizeClass, batch[sizeClass]);
            }
            cache.pushObject(sizeClass, addr);
            return;
        }
        byte was = frames.moveObject(pfn, offset, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_FREE);
        if (was != FrameTable.OBJECT_LIVE) {
            freeUnknown(addr, pfn, offset, was);
            return;
        }
        AllocatorShards.Shard shard = shards.ofFrame(pfn);
        synchronized (shard) {
            try {
                shard.objects().free(addr);
            } catch (RuntimeException e) {
                frames.setObjectState(pfn, offset, FrameTable.OBJECT_LIVE);
                throw e;
            }
        }
    }

    /**
     * Parks a CACHED object of another shard in {@code cache}'s alien buffer for that shard, sending the
     * buffer back first when it is full (out of line: the common free stays small enough to inline).
     */
    private void freeRemote(CpuCache cache, int shard, long addr) {
        if (cache.alienCount(shard) == CpuCache.ALIEN_LIMIT) {
            flushAliens(cache, shard);
        }
        cache.pushAlien(shard, addr);
    }

    /**
     * Reports a free of an address in a slab page that the caller does not hold: a second free of a
     * cached object here, anything else by the object allocator, which sees a free or interior address.
     */
    private void freeUnknown(long addr, long pfn, int offset, byte state) {
        if (state == FrameTable.OBJECT_CACHED) {
            throw new DoubleFreeBug(cacheName(pfn), addr, "INFO: the object was already freed and waits in a"
                    + " per-thread magazine for reuse");
        }
        AllocatorShards.Shard shard = shards.ofFrame(pfn);
        synchronized (shard) {
            shard.objects().free(addr);
        }
        throw new IllegalStateException("object allocator " + shards.providerName() + " accepted kfree(0x"
                + Long.toHexString(addr) + "), an address kmalloc never handed out");
    }

    /** Returns the usable size of the live object at {@code addr} in slab frame {@code pfn}. */
    long usableSize(long addr, long pfn) {
        int offset = (int) (addr & (MachineProfile.PAGE_SIZE - 1));
        boolean granule = (offset & FrameTable.GRANULE_MASK) == 0;
        byte state = granule ? frames.objectState(pfn, offset) : FrameTable.OBJECT_FREE;
        int sizeClass = frames.classOf(pfn);
        if (state == FrameTable.OBJECT_LIVE && sizeClass >= 0) {
            return classes.size(sizeClass);
        }
        if (state == FrameTable.OBJECT_CACHED) {
            throw InvalidFreeBug.of("BUG " + cacheName(pfn) + " (Not tainted): ksize of freed object 0x"
                            + Long.toHexString(addr), "INFO: the object was freed and waits in a per-thread magazine",
                    "call ksize() only on memory you still hold", addr);
        }
        AllocatorShards.Shard shard = shards.ofFrame(pfn);
        synchronized (shard) {
            long usable = shard.objects().usableSize(addr);
            if (state != FrameTable.OBJECT_LIVE) {
                throw new IllegalStateException("object allocator " + shards.providerName() + " gave a usable size for 0x"
                        + Long.toHexString(addr) + ", an address kmalloc never handed out");
            }
            return usable;
        }
    }

    /** Returns the cache name of slab frame {@code pfn}'s objects. */
    String cacheName(long pfn) {
        int sizeClass = frames.classOf(pfn);
        return sizeClass >= 0 ? classes.name(sizeClass) : "kmalloc";
    }

    /** Gives the {@code n} oldest objects of magazine {@code sizeClass} back to the cache's own shard. */
    private void flush(CpuCache cache, int sizeClass, int n) {
        AllocatorShards.Shard shard = shards.get(cache.shard);
        synchronized (shard) {
            for (int i = 0; i < n; i++) {
                giveBack(shard, cache.oldestObject(sizeClass, i));
            }
        }
        cache.dropOldestObjects(sizeClass, n);
    }

    /** Gives every object in {@code cache}'s alien buffer for shard {@code s} back to that shard. */
    private void flushAliens(CpuCache cache, int s) {
        AllocatorShards.Shard shard = shards.get(s);
        synchronized (shard) {
            for (int i = 0; i < cache.alienCount(s); i++) {
                giveBack(shard, cache.alien(s, i));
            }
        }
        cache.clearAliens(s);
    }

    /** Frees a CACHED object of {@code shard}, whose lock is held. */
    private void giveBack(AllocatorShards.Shard shard, long addr) {
        frames.setObjectState(machine.virtToPfn(addr), (int) (addr & (MachineProfile.PAGE_SIZE - 1)),
                FrameTable.OBJECT_FREE);
        shard.objects().free(addr);
    }

    /**
     * Gives every object in {@code cache}'s magazines and alien buffers back.
     *
     * @return the number of objects given back
     */
    long drain(CpuCache cache) {
        long n = 0;
        for (int sizeClass = 0; sizeClass < cache.sizeClasses(); sizeClass++) {
            int count = cache.objectCount(sizeClass);
            n += count;
            if (count > 0) {
                flush(cache, sizeClass, count);
            }
        }
        for (int s = 0; s < cache.shards(); s++) {
            int count = cache.alienCount(s);
            n += count;
            if (count > 0) {
                flushAliens(cache, s);
            }
        }
        return n;
    }

    /** Returns empty slab pages to the zone allocator ({@code kmem_cache_shrink}); returns the pages freed. */
    long shrink() {
        return shards.shrink();
    }

    /** Returns the object allocator's rows; objects in magazines count as active. */
    List<SlabInfo> slabinfo() {
        return shards.slabinfo();
    }

    /** Returns the pages the object allocator holds. */
    long slabPages() {
        return shards.slabPages();
    }

    /** Runs the object allocator's own invariant checks. */
    void checkInvariants() {
        shards.checkInvariants();
    }
}
