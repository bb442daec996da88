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
 * <p>Layout: the magazine of size class {@code c} occupies {@code objects[base .. limit)} and holds the
 * addresses {@code objects[base .. top)}, newest last, where {@code top}, {@code base} and {@code limit}
 * are {@code magazines[PAD + 4c]}, {@code [PAD + 4c + 1]} and {@code [PAD + 4c + 2]}. The three numbers
 * of a class share one array and one 16-byte record, so a pop or a push loads one array reference, one
 * record and one element (kmalloc's fast path, {@link SmallObjects#allocateCached}). Page list {@code l}
 * (zone {@code l / orders}, order {@code l % orders}) occupies {@code pages[PAD + l * pageCapacity ...]},
 * pfns newest last. The alien buffer of shard {@code s} occupies {@code aliens[PAD + s * ALIEN_LIMIT ...]}.
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

    /** The ints of one magazine's record in {@link #magazines}: top, base, limit and one unused. */
    private static final int MAGAZINE_INTS = 4;
    private static final int TOP = 0;
    private static final int BASE = 1;
    private static final int LIMIT = 2;

    private final long[] objects;
    private final int[] magazines;
    private final long[] pages;
    private final int[] pageCount;
    private final int pageCapacity;
    private final long[] aliens;
    private final int[] alienCount;

    CpuCache(Thread owner, int[] objectCapacity, int pageLists, int pageCapacity, int shard, int shards) {
        this.owner = owner;
        this.shard = shard;
        this.magazines = new int[MAGAZINE_INTS * objectCapacity.length + 2 * PAD_INTS];
        int base = PAD_LONGS;
        for (int c = 0; c < objectCapacity.length; c++) {
            int i = PAD_INTS + MAGAZINE_INTS * c;
            magazines[i + TOP] = base;
            magazines[i + BASE] = base;
            base += objectCapacity[c];
            magazines[i + LIMIT] = base;
        }
        this.objects = new long[base + PAD_LONGS];
        this.pageCapacity = pageCapacity;
        this.pages = new long[pageLists * pageCapacity + 2 * PAD_LONGS];
        this.pageCount = new int[pageLists + 2 * PAD_INTS];
        this.aliens = new long[shards * ALIEN_LIMIT + 2 * PAD_LONGS];
        this.alienCount = new int[shards + 2 * PAD_INTS];
    }

    // ---------------------------------------------------------------- magazines

    /** Returns the number of size classes, one magazine each. */
    int sizeClasses() {
        return (magazines.length - 2 * PAD_INTS) / MAGAZINE_INTS;
    }

    /** Returns the number of objects magazine {@code sizeClass} can hold. */
    int capacity(int sizeClass) {
        int i = PAD_INTS + MAGAZINE_INTS * sizeClass;
        return magazines[i + LIMIT] - magazines[i + BASE];
    }

    /** Returns the number of objects magazine {@code sizeClass} holds. */
    int objectCount(int sizeClass) {
        int i = PAD_INTS + MAGAZINE_INTS * sizeClass;
        return magazines[i + TOP] - magazines[i + BASE];
    }

    /** Takes the newest object of magazine {@code sizeClass}, or returns 0 when it is empty. */
    long popObject(int sizeClass) {
        int[] m = magazines;
        int i = PAD_INTS + MAGAZINE_INTS * sizeClass;
        int top = m[i + TOP];
        if (top == m[i + BASE]) {
            return 0;
        }
        m[i + TOP] = --top;
        return objects[top];
    }

    /** Puts {@code addr} into magazine {@code sizeClass}, which the caller made sure is not full. */
    void pushObject(int sizeClass, long addr) {
        int i = PAD_INTS + MAGAZINE_INTS * sizeClass;
        int top = magazines[i + TOP];
        objects[top] = addr;
        magazines[i + TOP] = top + 1;
    }

    /**
     * The first half of kfree's push, before the object's state moves: writes {@code addr} into the free
     * place above the top of magazine {@code sizeClass}, where nobody reads it until
     * {@link #commitObject} moves the top over it.
     *
     * @return the place, to hand to {@link #commitObject}, or -1 when the magazine is full
     */
    int stageObject(int sizeClass, long addr) {
        int[] m = magazines;
        int i = PAD_INTS + MAGAZINE_INTS * sizeClass;
        int top = m[i + TOP];
        if (top == m[i + LIMIT]) {
            return -1;
        }
        objects[top] = addr;
        return top;
    }

    /** The second half of kfree's push: the object staged at {@code place} becomes the newest of its magazine. */
    void commitObject(int sizeClass, int place) {
        magazines[PAD_INTS + MAGAZINE_INTS * sizeClass + TOP] = place + 1;
    }

    /** Returns the {@code i}-th oldest object of magazine {@code sizeClass} (0 is the oldest). */
    long oldestObject(int sizeClass, int i) {
        return objects[magazines[PAD_INTS + MAGAZINE_INTS * sizeClass + BASE] + i];
    }

    /** Forgets the {@code n} oldest objects of magazine {@code sizeClass}, which the caller gave back. */
    void dropOldestObjects(int sizeClass, int n) {
        int i = PAD_INTS + MAGAZINE_INTS * sizeClass;
        int base = magazines[i + BASE];
        int top = magazines[i + TOP];
        System.arraycopy(objects, base + n, objects, base, top - base - n);
        magazines[i + TOP] = top - n;
    }

    /** Returns the number of objects cached in all magazines and alien buffers. */
    long cachedObjects() {
        long n = 0;
        for (int c = 0; c < sizeClasses(); c++) {
            n += objectCount(c);
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
