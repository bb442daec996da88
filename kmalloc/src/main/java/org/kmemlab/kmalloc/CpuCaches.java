package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every thread's {@link CpuCache}, created on a thread's first allocation and kept in a registry so that
 * the caches of finished threads can be emptied and reports can count what the caches hold. A thread
 * finds its own cache on every kmalloc and kfree, through a table indexed by its thread id (a
 * {@code ThreadLocal} for ids beyond the table; {@link #byId} says why).
 *
 * <p>When caching is off ({@code Kernel.Builder.cpuCaches(false)}), every magazine and page list has
 * capacity 0: each kmalloc then visits the object allocator under its lock and each free goes straight
 * back, which makes {@code /proc/slabinfo} exact at every moment (a good setting for lessons).
 */
final class CpuCaches {

    /** Registering a cache empties the finished ones once the registry has grown to this many. */
    private static final int FIRST_REAP = 64;

    /**
     * The threads' caches by thread id, for the first {@value #BY_ID} ids; the {@code ThreadLocal} finds
     * the others. Why both: the {@code ThreadLocal} lookup is about seven dependent loads (the thread, its
     * map, the map's table, the entry, its key and value, a type check), and kmalloc's pop, address and
     * object state all wait for it; the table is three (the thread, its id, the element), plus a check
     * that the element's owner is this thread. Thread ids are never reused, so an element can only be the
     * calling thread's cache or a finished thread's (then the owner check fails); a finished thread's
     * element is cleared when its cache is reaped. Only the registering thread writes its element, under
     * the registry's lock, and only that thread reads it.
     */
    private final CpuCache[] byId = new CpuCache[BY_ID];
    private static final int BY_ID = 256;
    private final ThreadLocal<CpuCache> local;
    private final List<CpuCache> all = new ArrayList<>();
    private final Consumer<CpuCache> reaper;
    private int reapAt = FIRST_REAP;
    /** Live threads per object allocator shard, counted afresh at each registration. */
    private final int[] shardUse;

    /**
     * Creates the registry.
     *
     * @param reaper empties a finished thread's cache; called with no lock held
     */
    CpuCaches(int[] objectCapacity, int pageLists, int pageCapacity, int shards, Consumer<CpuCache> reaper) {
        int[] capacities = objectCapacity.clone();
        this.reaper = reaper;
        this.shardUse = new int[shards];
        this.local = ThreadLocal.withInitial(() -> register(capacities, pageLists, pageCapacity));
    }

    /**
     * Makes and adds the calling thread's cache, given the object allocator shard that the fewest live
     * threads use (the lowest such number on a tie), as Netty gives a new thread the least used arena.
     * When the registry has doubled since the last time, the caches of finished threads are emptied
     * first, so a program that starts thread after thread does not strand memory (or Java heap) in caches
     * nobody will use again.
     */
    private CpuCache register(int[] capacities, int pageLists, int pageCapacity) {
        List<CpuCache> finished = null;
        CpuCache cache;
        synchronized (all) {
            Arrays.fill(shardUse, 0);
            for (CpuCache c : all) {
                if (c.owner.isAlive()) {
                    shardUse[c.shard]++;
                }
            }
            int shard = 0;
            for (int s = 1; s < shardUse.length; s++) {
                if (shardUse[s] < shardUse[shard]) {
                    shard = s;
                }
            }
            cache = new CpuCache(Thread.currentThread(), capacities, pageLists, pageCapacity, shard, shardUse.length);
            all.add(cache);
            long id = idOf(Thread.currentThread());
            if (id < byId.length) {
                byId[(int) id] = cache;
            }
            if (all.size() >= reapAt) {
                finished = new ArrayList<>();
                removeFinished(finished);
                reapAt = Math.max(FIRST_REAP, 2 * all.size());
            }
        }
        if (finished != null) {
            for (CpuCache c : finished) {
                reaper.accept(c);
            }
        }
        return cache;
    }

    private void removeFinished(List<CpuCache> finished) {
        for (Iterator<CpuCache> it = all.iterator(); it.hasNext(); ) {
            CpuCache cache = it.next();
            if (!cache.owner.isAlive()) {
                it.remove();
                finished.add(cache);
                long id = idOf(cache.owner);
                if (id < byId.length && byId[(int) id] == cache) {
                    byId[(int) id] = null;
                }
            }
        }
    }

    /**
     * Returns the calling thread's cache: from {@link #byId} when the thread's id is small enough, else
     * from the {@code ThreadLocal} (which registers a new thread).
     */
    CpuCache current() {
        Thread me = Thread.currentThread();
        long id = idOf(me);
        CpuCache[] table = byId;
        if (id < table.length) {
            CpuCache c = table[(int) id];
            if (c != null && c.owner == me) {
                return c;
            }
        }
        return local.get();
    }

    /**
     * Returns {@code thread}'s id. {@code Thread.getId()} is deprecated from JDK 19 on in favour of
     * {@code threadId()}, which JDK 17 lacks; the two return the same number, never reused in a JVM.
     */
    @SuppressWarnings("deprecation")
    private static long idOf(Thread thread) {
        return thread.getId();
    }

    /**
     * Removes and returns the caches whose threads have finished; the caller empties them. A finished
     * thread's writes are visible once {@link Thread#isAlive()} returned false.
     */
    List<CpuCache> takeFinished() {
        List<CpuCache> finished = new ArrayList<>();
        synchronized (all) {
            removeFinished(finished);
        }
        return finished;
    }

    /** Asks every other live thread to empty its cache at its next kmalloc or kfree. */
    void requestDrainOfOthers() {
        Thread me = Thread.currentThread();
        synchronized (all) {
            for (CpuCache cache : all) {
                if (cache.owner != me) {
                    cache.drainRequested = true;
                }
            }
        }
    }

    /** Returns an estimate (other threads' counts are read without synchronisation) of the pages parked in page lists. */
    long parkedPages(int orders) {
        long pages = 0;
        synchronized (all) {
            for (CpuCache cache : all) {
                for (int list = 0; list < cache.pageLists(); list++) {
                    pages += (long) cache.pageCount(list) << (list % orders);
                }
            }
        }
        return pages;
    }

    /** Returns an estimate of the objects parked in magazines. */
    long parkedObjects() {
        long objects = 0;
        synchronized (all) {
            for (CpuCache cache : all) {
                objects += cache.cachedObjects();
            }
        }
        return objects;
    }

    /** Returns the number of threads with a cache. */
    int threads() {
        synchronized (all) {
            return all.size();
        }
    }
}
