package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.stats.SlabInfo;

/**
 * The installed object allocator, once per CPU: kmalloc's per-CPU slabs.
 *
 * <h2>Why one allocator is not enough</h2>
 * Per-thread magazines ({@link CpuCache}) keep the common kmalloc and kfree away from the object
 * allocator's lock, but with one allocator behind them the two threads' magazines are refilled from the
 * same slab pages: thread A's object at offset 0x40 of a page sits beside thread B's at 0x80. Nothing
 * in kmalloc's fast path touches the objects' memory, but it does touch their state bytes in the
 * {@link FrameTable}, one byte per 4-byte granule, 64 objects' worth of a page per cache line. Each
 * kfree writes its object's state byte (a compare-and-set), each kmalloc writes it again; when the
 * line's other bytes belong to the other thread's objects, the line travels between the two cores on
 * almost every call (false sharing), and every refill and flush moves the allocator's own free lists
 * and slab records between the cores as well. Measured (bench/README.md, issue 16): one thread 30 ns
 * of CPU time per kfree+kmalloc pair, two threads 70 ns each, two threads on two separate kernels 28 to
 * 37 ns each; the line right after kfree's compare-and-set held 10 % of the profile on one thread and
 * 38 % on two.
 *
 * <h2>Linux's answer, and ours</h2>
 * A kernel allocator gives each CPU slabs of its own. SLUB's {@code kmem_cache_cpu} holds a slab that
 * only its CPU allocates from; SLAB keeps its lists per NUMA node ({@code kmem_cache_node}) and sends
 * an object freed on another node back in batches through an <em>alien cache</em> (at most 12 objects
 * per remote node, {@code alloc_alien_cache()} in mm/slab.c). The object allocator SPI need not be
 * thread-safe, so we cannot make a student's allocator per-CPU inside; we do it outside, the way the SPI
 * allows ("kmalloc serialises or shards calls"): up to {@link #MAX_SHARDS} independent instances of
 * the installed allocator, made by its provider, each with its own lock and its own
 * {@link KernelPageSource}, which writes the shard's number into every frame it hands out
 * ({@link FrameTable#shardOf}). Each thread is given the least used shard on its first call into kmalloc
 * (as Netty gives a thread the least used arena) and refills its magazines only from that shard, so a
 * page's objects are all in one thread's hands and so are their state bytes' cache lines.
 * <pre>
 *   thread A (shard 0)  kmalloc -> A's magazine -> refill from shard 0's slabs (lock 0)
 *   thread B (shard 1)  kmalloc -> B's magazine -> refill from shard 1's slabs (lock 1)
 *   B: kfree(p), p's frame says shard 0 -> B's alien buffer for shard 0; 12 of them -> lock 0, free all
 * </pre>
 * A kfree finds the object's shard in the frame table. An object of the thread's own shard goes into
 * its magazine, as before; one of another shard (a remote free) goes into the thread's alien buffer for
 * that shard and is handed back in a batch, under that shard's lock, when the buffer is full or the
 * cache is drained. Either way the state byte moves LIVE to CACHED by compare-and-set first, so a double
 * free is caught whichever thread frees. A thread never takes two shard locks at once.
 *
 * <h2>What it costs</h2>
 * Each shard keeps its own partial slabs, so memory is spread over up to {@link #MAX_SHARDS} instances
 * and {@code /proc/slabinfo} adds their rows class by class. Shard 0 exists from boot (the size classes
 * are learnt from it); the others are made the first time a thread is given them, so a kernel used by
 * one thread has one allocator, exactly as before. A kernel built with {@code cpuCaches(false)} has one
 * shard: every call then goes to one allocator under one lock, which keeps slabinfo exact for lessons.
 */
final class AllocatorShards {

    /** The most instances of the object allocator, however many processors the JVM sees. */
    static final int MAX_SHARDS = 8;

    /** One instance of the object allocator; the instance is its own lock ("the slab lock" of the shard). */
    record Shard(int index, ObjectAllocator objects, KernelPageSource pageSource) {
    }

    private final Machine machine;
    private final ZoneAllocator zones;
    private final FrameTable frames;
    private final Era era;
    private final ObjectAllocatorProvider provider;
    private final AtomicReferenceArray<Shard> shards;

    /**
     * Makes shard 0 at once and room for {@code count} shards in all.
     *
     * @param count 1 .. {@link #MAX_SHARDS}
     */
    AllocatorShards(Machine machine, ZoneAllocator zones, FrameTable frames, Era era, ObjectAllocatorProvider provider,
                    int count) {
        if (count < 1 || count > MAX_SHARDS) {
            throw new IllegalArgumentException("shard count " + count + " is outside 1.." + MAX_SHARDS);
        }
        this.machine = machine;
        this.zones = zones;
        this.frames = frames;
        this.era = era;
        this.provider = provider;
        this.shards = new AtomicReferenceArray<>(count);
        shards.set(0, make(0));
    }

    /**
     * Returns the number of shards a kernel gets: one per processor, at least 2 (so that remote frees take
     * the same path on a one-processor machine, where they are tested too) and at most
     * {@link #MAX_SHARDS}; 1 without per-thread caches.
     */
    static int countFor(boolean cpuCaches) {
        return cpuCaches ? Math.max(2, Math.min(MAX_SHARDS, Runtime.getRuntime().availableProcessors())) : 1;
    }

    private Shard make(int index) {
        KernelPageSource pageSource = new KernelPageSource(machine, zones, frames, index);
        ObjectAllocator objects = provider.create(new ObjectAllocatorConfig(machine, pageSource, era));
        if (objects == null) {
            throw new IllegalStateException("object allocator provider " + provider.name() + " returned no allocator");
        }
        return new Shard(index, objects, pageSource);
    }

    /** Returns the number of shards there may be. */
    int count() {
        return shards.length();
    }

    /** Returns the provider's name, for reports about the allocator. */
    String providerName() {
        return provider.name();
    }

    /** Returns shard {@code index}, making it the first time. */
    Shard get(int index) {
        Shard shard = shards.get(index);
        if (shard != null) {
            return shard;
        }
        synchronized (this) {
            shard = shards.get(index);
            if (shard == null) {
                shard = make(index);
                if (shard.objects().maxSize() != shards.get(0).objects().maxSize()) {
                    throw new IllegalStateException("object allocator provider " + provider.name() + " made an"
                            + " allocator with maxSize " + shard.objects().maxSize() + " after one with "
                            + shards.get(0).objects().maxSize()
                            + "; every allocator it creates must serve the same sizes");
                }
                shards.set(index, shard);
            }
            return shard;
        }
    }

    /** Returns the shard whose page slab frame {@code pfn} is (it exists: it tagged the frame). */
    Shard ofFrame(long pfn) {
        return shards.get(frames.shardOf(pfn));
    }

    /** Returns true when the calling thread holds the lock of any shard (it is inside the object allocator). */
    boolean lockedByCurrentThread() {
        for (int i = 0; i < shards.length(); i++) {
            Shard shard = shards.get(i);
            if (shard != null && Thread.holdsLock(shard)) {
                return true;
            }
        }
        return false;
    }

    private List<Shard> made() {
        List<Shard> made = new ArrayList<>();
        for (int i = 0; i < shards.length(); i++) {
            Shard shard = shards.get(i);
            if (shard != null) {
                made.add(shard);
            }
        }
        return made;
    }

    /** Returns empty slab pages of every shard to the zone allocator, one lock at a time; returns the pages freed. */
    long shrink() {
        long freed = 0;
        for (Shard shard : made()) {
            synchronized (shard) {
                long before = shard.pageSource().slabPages();
                shard.objects().shrink();
                freed += before - shard.pageSource().slabPages();
            }
        }
        return freed;
    }

    /** Returns the object allocator's rows, the shards' rows added class by class. */
    List<SlabInfo> slabinfo() {
        List<SlabInfo> rows = null;
        for (Shard shard : made()) {
            List<SlabInfo> own;
            synchronized (shard) {
                own = shard.objects().slabinfo();
            }
            rows = rows == null ? new ArrayList<>(own) : add(rows, own, shard);
        }
        return rows;
    }

    private List<SlabInfo> add(List<SlabInfo> rows, List<SlabInfo> more, Shard shard) {
        if (more.size() != rows.size()) {
            throw new IllegalStateException("object allocator " + provider.name() + " instance " + shard.index()
                    + " lists " + more.size() + " slabinfo rows and instance 0 " + rows.size()
                    + "; every allocator its provider creates must list the same caches");
        }
        for (int i = 0; i < rows.size(); i++) {
            SlabInfo a = rows.get(i);
            SlabInfo b = more.get(i);
            rows.set(i, new SlabInfo(a.name(), a.activeObjects() + b.activeObjects(),
                    a.totalObjects() + b.totalObjects(), a.objectSize(), a.objectsPerSlab(), a.pagesPerSlab(),
                    a.activeSlabs() + b.activeSlabs(), a.totalSlabs() + b.totalSlabs()));
        }
        return rows;
    }

    /** Returns the pages all shards hold. */
    long slabPages() {
        long pages = 0;
        for (Shard shard : made()) {
            synchronized (shard) {
                pages += shard.pageSource().slabPages();
            }
        }
        return pages;
    }

    /** Runs every shard's own invariant checks. */
    void checkInvariants() {
        for (Shard shard : made()) {
            synchronized (shard) {
                shard.objects().checkInvariants();
            }
        }
    }
}
