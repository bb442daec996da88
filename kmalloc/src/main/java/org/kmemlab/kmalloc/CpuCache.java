package org.kmemlab.kmalloc;

/**
 * One thread's private stock of free objects and free page blocks: what Linux keeps per CPU (SLUB's
 * per-cpu slabs, SLAB's {@code array_cache}, the page allocator's {@code per_cpu_pages}).
 *
 * <h2>Overview</h2>
 * Java threads are not pinned to CPUs, so the stock belongs to a thread, as in tcmalloc and Netty's
 * {@code PoolThreadCache}. Only its owner touches it, so the common kmalloc and kfree take no lock at
 * all: a pop or a push on an array. When a magazine runs empty its owner refills half of it in one
 * visit to the object allocator (one lock acquisition for {@code batch} objects); when it runs full
 * the owner gives half back in one visit. The page lists work the same way with the zone allocator.
 *
 * <p>Another thread may drain a cache only when the owner has finished ({@link Thread#isAlive()} false,
 * which makes all the owner's writes visible) or when the owner asks for it through
 * {@link #drainRequested}.
 *
 * <p>Layout: the magazine of size class {@code c} occupies {@code objects[objectBase[c] .. objectBase[c + 1])}
 * and holds {@code objectCount[c]} addresses, newest last. Page list {@code l} (zone {@code l / orders},
 * order {@code l % orders}) occupies {@code pages[l * pageCapacity ...]}, pfns newest last.
 */
final class CpuCache {

    final Thread owner;
    final long[] objects;
    final int[] objectBase;
    final int[] objectCount;
    final long[] pages;
    final int[] pageCount;
    /** Set by another thread that wants this cache emptied; the owner obeys at its next call. */
    volatile boolean drainRequested;

    CpuCache(Thread owner, int[] objectCapacity, int pageLists, int pageCapacity) {
        this.owner = owner;
        this.objectBase = new int[objectCapacity.length + 1];
        for (int s = 0; s < objectCapacity.length; s++) {
            objectBase[s + 1] = objectBase[s] + objectCapacity[s];
        }
        this.objects = new long[objectBase[objectCapacity.length]];
        this.objectCount = new int[objectCapacity.length];
        this.pages = new long[pageLists * pageCapacity];
        this.pageCount = new int[pageLists];
    }

    /** Returns the number of objects magazine {@code sizeClass} can hold. */
    int capacity(int sizeClass) {
        return objectBase[sizeClass + 1] - objectBase[sizeClass];
    }

    /** Takes the newest object of magazine {@code sizeClass}, or returns 0 when it is empty. */
    long popObject(int sizeClass) {
        int n = objectCount[sizeClass];
        if (n == 0) {
            return 0;
        }
        objectCount[sizeClass] = n - 1;
        return objects[objectBase[sizeClass] + n - 1];
    }

    /** Puts {@code addr} into magazine {@code sizeClass}, which the caller made sure is not full. */
    void pushObject(int sizeClass, long addr) {
        int n = objectCount[sizeClass];
        objects[objectBase[sizeClass] + n] = addr;
        objectCount[sizeClass] = n + 1;
    }

    /** Returns the number of objects cached in all magazines. */
    long cachedObjects() {
        long n = 0;
        for (int c : objectCount) {
            n += c;
        }
        return n;
    }
}
