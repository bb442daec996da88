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
 * <h2>Own slabs, and frees of other threads' objects</h2>
 * A thread is given one shard of the object allocator ({@link #shard}, see {@link AllocatorShards}),
 * its per-CPU slabs, and refills its magazines only from that shard, so the objects in its magazines,
 * and the cache lines of their state bytes, are in no other thread's hands. A magazine holds objects of
 * the owner's shard only. An object of another shard that the owner frees (a remote free: made by one
 * thread, freed by another) goes into the {@link #alienCount(int) alien buffer} for that shard instead, at
 * most {@link #ALIEN_LIMIT} objects, and goes back to its shard in one batch under that shard's lock:
 * SLAB's alien caches, whose limit of 12 we copy. Handing it out again here would put the other
 * thread's page in this thread's hands and bring the shared cache lines back.
 *
 * <h2>No false sharing between caches</h2>
 * The owner writes its counts on every call. Two threads' arrays could end up side by side in the
 * Java heap (the garbage collector copies live objects next to each other), and then two cores would
 * fight over one cache line that neither shares in the program's logic. So every array here starts and
 * ends with {@link #PAD_BYTES} bytes that nothing uses: whatever lies next to an array in the heap, the
 * elements the owner writes share no 64-byte line with it. (Java 17 offers {@code @Contended} only
 * with {@code -XX:-RestrictContended}; padding by hand needs no flag.)
 *
 * <p>Another thread may drain a cache only when the owner has finished ({@link Thread#isAlive()} false,
 * which makes all the owner's writes visible) or when the owner asks for it through
 * {@link #drainRequested}.
 *
 * <p>Layout: the magazine of size class {@code c} occupies {@code objects[objectBase[c] .. objectBase[c + 1])}
 * and holds {@code objectCount[PAD + c]} addresses, newest last. Page list {@code l} (zone
 * {@code l / orders}, order {@code l % orders}) occupies {@code pages[PAD + l * pageCapacity ...]}, pfns
 * newest last. The alien buffer of shard {@code s} occupies {@code aliens[PAD + s * ALIEN_LIMIT ...]}.
 * {@code PAD} is {@link #PAD_BYTES} in elements of the array's type.
 */
final class CpuCache {

    /** The unused bytes at each end of every array: two 64-byte lines, which covers adjacent-line prefetch. */
    static final int PAD_BYTES = 128;
    private static final int PAD_INTS = PAD_BYTES / Integer.BYTES;
    private static final int PAD_LONGS = PAD_BYTES / Long.BYTES;
    /** The most objects of one other shard waiting to go back (SLAB's {@code alloc_alien_cache()} limit). */
    static final int ALIEN_LIMIT = 12;

    final Thread owner;
    /** The object allocator shard whose slabs refill this cache's magazines. */
    final int shard;
    /** Set by another thread that wants this cache emptied; the owner obeys at its next call. */
    volatile boolean drainRequested;

    private final long[] objects;
    private final int[] objectBase;
    private final int[] objectCount;
    private final long[] pages;
    private final int[] pageCount;
    private final int pageCapacity;
    private final long[] aliens;
    private final int[] alienCount;

    CpuCache(Thread owner, int[] objectCapacity, int pageLists, int pageCapacity, int shard, int shards) {
        this.owner = owner;
        this.shard = shard;
        this.objectBase = new int[objectCapacity.length + 1];
        objectBase[0] = PAD_LONGS;
        for (int c = 0; c < objectCapacity.length; c++) {
            objectBase[c + 1] = objectBase[c] + objectCapacity[c];
        }
        this.objects = new long[objectBase[objectCapacity.length] + PAD_LONGS];
        this.objectCount = new int[objectCapacity.length + 2 * PAD_INTS];
        this.pageCapacity = pageCapacity;
        this.pages = new long[pageLists * pageCapacity + 2 * PAD_LONGS];
        this.pageCount = new int[pageLists + 2 * PAD_INTS];
        this.aliens = new long[shards * ALIEN_LIMIT + 2 * PAD_LONGS];
        this.alienCount = new int[shards + 2 * PAD_INTS];
    }

    // ---------------------------------------------------------------- magazines

    /** Returns the number of size classes, one magazine each. */
    int sizeClasses() {
        return objectBase.length - 1;
    }

    /** Returns the number of objects magazine {@code sizeClass} can hold. */
    int capacity(int sizeClass) {
        return objectBase[sizeClass + 1] - objectBase[sizeClass];
    }

    /** Returns the number of objects magazine {@code sizeClass} holds. */
    int objectCount(int sizeClass) {
        return objectCount[PAD_INTS + sizeClass];
    }

    /** Takes the newest object of magazine {@code sizeClass}, or returns 0 when it is empty. */
    long popObject(int sizeClass) {
        int n = objectCount[PAD_INTS + sizeClass];
        if (n == 0) {
            return 0;
        }
        objectCount[PAD_INTS + sizeClass] = n - 1;
        return objects[objectBase[sizeClass] + n - 1];
    }

    /** Puts {@code addr} into magazine {@code sizeClass}, which the caller made sure is not full. */
    void pushObject(int sizeClass, long addr) {
        int n = objectCount[PAD_INTS + sizeClass];
        objects[objectBase[sizeClass] + n] = addr;
        objectCount[PAD_INTS + sizeClass] = n + 1;
    }

    /** Returns the {@code i}-th oldest object of magazine {@code sizeClass} (0 is the oldest). */
    long oldestObject(int sizeClass, int i) {
        return objects[objectBase[sizeClass] + i];
    }

    /** Forgets the {@code n} oldest objects of magazine {@code sizeClass}, which the caller gave back. */
    void dropOldestObjects(int sizeClass, int n) {
        int base = objectBase[sizeClass];
        int count = objectCount[PAD_INTS + sizeClass];
        System.arraycopy(objects, base + n, objects, base, count - n);
        objectCount[PAD_INTS + sizeClass] = count - n;
    }

    /** Returns the number of objects cached in all magazines and alien buffers. */
    long cachedObjects() {
        long n = 0;
        for (int c : objectCount) {
            n += c;
        }
        for (int c : alienCount) {
            n += c;
        }
        return n;
    }

    // ---------------------------------------------------------------- alien buffers

    /** Returns the number of shards, one alien buffer each (the own shard's stays empty). */
    int shards() {
        return alienCount.length - 2 * PAD_INTS;
    }

    /** Returns the number of objects of shard {@code s} waiting to go back. */
    int alienCount(int s) {
        return alienCount[PAD_INTS + s];
    }

    /** Puts {@code addr}, an object of shard {@code s}, into its buffer, which the caller checked is not full. */
    void pushAlien(int s, long addr) {
        int n = alienCount[PAD_INTS + s];
        aliens[PAD_LONGS + s * ALIEN_LIMIT + n] = addr;
        alienCount[PAD_INTS + s] = n + 1;
    }

    /** Returns the {@code i}-th object in shard {@code s}'s buffer. */
    long alien(int s, int i) {
        return aliens[PAD_LONGS + s * ALIEN_LIMIT + i];
    }

    /** Empties shard {@code s}'s buffer, whose objects the caller gave back. */
    void clearAliens(int s) {
        alienCount[PAD_INTS + s] = 0;
    }

    // ---------------------------------------------------------------- page lists

    /** Returns the number of page lists. */
    int pageLists() {
        return pageCount.length - 2 * PAD_INTS;
    }

    /** Returns the number of blocks on page list {@code list}. */
    int pageCount(int list) {
        return pageCount[PAD_INTS + list];
    }

    /** Takes the newest block of page list {@code list}, or returns {@link PageAllocator#NO_PAGE} when it is empty. */
    long popPage(int list) {
        int n = pageCount[PAD_INTS + list];
        if (n == 0) {
            return PageAllocator.NO_PAGE;
        }
        pageCount[PAD_INTS + list] = n - 1;
        return pages[PAD_LONGS + list * pageCapacity + n - 1];
    }

    /** Puts block {@code pfn} onto page list {@code list}, which the caller made sure is not full. */
    void pushPage(int list, long pfn) {
        int n = pageCount[PAD_INTS + list];
        pages[PAD_LONGS + list * pageCapacity + n] = pfn;
        pageCount[PAD_INTS + list] = n + 1;
    }

    /** Returns the {@code i}-th oldest block of page list {@code list} (0 is the oldest). */
    long oldestPage(int list, int i) {
        return pages[PAD_LONGS + list * pageCapacity + i];
    }

    /** Forgets the {@code n} oldest blocks of page list {@code list}, which the caller gave back. */
    void dropOldestPages(int list, int n) {
        int base = PAD_LONGS + list * pageCapacity;
        int count = pageCount[PAD_INTS + list];
        System.arraycopy(pages, base + n, pages, base, count - n);
        pageCount[PAD_INTS + list] = count - n;
    }
}
