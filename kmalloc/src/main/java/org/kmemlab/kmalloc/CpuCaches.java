package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Every thread's {@link CpuCache}, created on a thread's first allocation and kept in a registry so that
 * the caches of finished threads can be emptied and reports can count what the caches hold.
 *
 * <p>When caching is off ({@code Kernel.Builder.cpuCaches(false)}), every magazine and page list has
 * capacity 0: each kmalloc then visits the object allocator under its lock and each free goes straight
 * back, which makes {@code /proc/slabinfo} exact at every moment (a good setting for lessons).
 */
final class CpuCaches {

    private final ThreadLocal<CpuCache> local;
    private final List<CpuCache> all = new ArrayList<>();

    CpuCaches(int[] objectCapacity, int pageLists, int pageCapacity) {
        int[] capacities = objectCapacity.clone();
        this.local = ThreadLocal.withInitial(() -> register(
                new CpuCache(Thread.currentThread(), capacities, pageLists, pageCapacity)));
    }

    private CpuCache register(CpuCache cache) {
        synchronized (all) {
            all.add(cache);
        }
        return cache;
    }

    /** Returns the calling thread's cache. */
    CpuCache current() {
        return local.get();
    }

    /**
     * Removes and returns the caches whose threads have finished; the caller empties them. A finished
     * thread's writes are visible once {@link Thread#isAlive()} returned false.
     */
    List<CpuCache> takeFinished() {
        List<CpuCache> finished = new ArrayList<>();
        synchronized (all) {
            for (Iterator<CpuCache> it = all.iterator(); it.hasNext(); ) {
                CpuCache cache = it.next();
                if (!cache.owner.isAlive()) {
                    it.remove();
                    finished.add(cache);
                }
            }
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
                for (int list = 0; list < cache.pageCount.length; list++) {
                    pages += (long) cache.pageCount[list] << (list % orders);
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
