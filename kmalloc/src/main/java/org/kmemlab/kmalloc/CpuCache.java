package org.kmemlab.kmalloc;

import org.kmemlab.api.spi.PageAllocator;

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
    /** Set by another thread that wants this cache emptied; the owner obeys at its next call. */
    volatile boolean drainRequested;

    private final long[] objects;
    private final int[] objectBase;
    private final int[] objectCount;
    private final long[] pages;
    private final int[] pageCount;
    private final int pageCapacity;

    CpuCache(Thread owner, int[] objectCapacity, int pageLists, int pageCapacity) {
        this.owner = owner;
        this.objectBase = new int[objectCapacity.length + 1];
        for (int c = 0; c < objectCapacity.length; c++) {
            objectBase[c + 1] = objectBase[c] + objectCapacity[c];
        }
        this.objects = new long[objectBase[objectCapacity.length]];
        this.objectCount = new int[objectCapacity.length];
        this.pageCapacity = pageCapacity;
        this.pages = new long[pageLists * pageCapacity];
        this.pageCount = new int[pageLists];
    }

    // ---------------------------------------------------------------- magazines

    /** Returns the number of size classes, one magazine each. */
    int sizeClasses() {
        return objectCount.length;
    }

    /** Returns the number of objects magazine {@code sizeClass} can hold. */
    int capacity(int sizeClass) {
        return objectBase[sizeClass + 1] - objectBase[sizeClass];
    }

    /** Returns the number of objects magazine {@code sizeClass} holds. */
    int objectCount(int sizeClass) {
        return objectCount[sizeClass];
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

    /** Returns the {@code i}-th oldest object of magazine {@code sizeClass} (0 is the oldest). */
    long oldestObject(int sizeClass, int i) {
        return objects[objectBase[sizeClass] + i];
    }

    /** Forgets the {@code n} oldest objects of magazine {@code sizeClass}, which the caller gave back. */
    void dropOldestObjects(int sizeClass, int n) {
        int base = objectBase[sizeClass];
        int count = objectCount[sizeClass];
        System.arraycopy(objects, base + n, objects, base, count - n);
        objectCount[sizeClass] = count - n;
    }

    /** Returns the number of objects cached in all magazines. */
    long cachedObjects() {
        long n = 0;
        for (int c : objectCount) {
            n += c;
        }
        return n;
    }

    // ---------------------------------------------------------------- page lists

    /** Returns the number of page lists. */
    int pageLists() {
        return pageCount.length;
    }

    /** Returns the number of blocks on page list {@code list}. */
    int pageCount(int list) {
        return pageCount[list];
    }

    /** Takes the newest block of page list {@code list}, or returns {@link PageAllocator#NO_PAGE} when it is empty. */
    long popPage(int list) {
        int n = pageCount[list];
        if (n == 0) {
            return PageAllocator.NO_PAGE;
        }
        pageCount[list] = n - 1;
        return pages[list * pageCapacity + n - 1];
    }

    /** Puts block {@code pfn} onto page list {@code list}, which the caller made sure is not full. */
    void pushPage(int list, long pfn) {
        int n = pageCount[list];
        pages[list * pageCapacity + n] = pfn;
        pageCount[list] = n + 1;
    }

    /** Returns the {@code i}-th oldest block of page list {@code list} (0 is the oldest). */
    long oldestPage(int list, int i) {
        return pages[list * pageCapacity + i];
    }

    /** Forgets the {@code n} oldest blocks of page list {@code list}, which the caller gave back. */
    void dropOldestPages(int list, int n) {
        int base = list * pageCapacity;
        int count = pageCount[list];
        System.arraycopy(pages, base + n, pages, base, count - n);
        pageCount[list] = count - n;
    }
}
