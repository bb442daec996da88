package org.kmemlab.bucket;

import java.util.Arrays;

/**
 * The slab descriptors of one allocator, as parallel primitive arrays indexed by a small slab id: the
 * allocator's {@code struct slab}. Also the per-cache lists of partial, full and empty slabs and each
 * cache's active slab.
 *
 * <h2>States</h2>
 * <pre>
 *              allocate fills it                     free empties it (kept or released)
 *   ACTIVE ----------------------&gt; FULL --free--&gt; PARTIAL -------------------------------&gt; EMPTY
 *     ^                                              |                                       |
 *     +----------- refill: first PARTIAL, else EMPTY, else a new slab from the page source --+
 * </pre>
 * Each cache allocates from one {@code ACTIVE} slab (SLUB's cpu slab) that is on no list, so a free
 * into it, the common case, moves nothing. Other slabs sit on exactly one doubly linked list of their
 * cache, threaded through {@link #next} and {@link #prev}; linking and unlinking are O(1).
 *
 * <p>The arrays are read directly by {@link SlabChecker}; every write goes through a method of this class,
 * so the rules above hold in one place. The fast paths use {@link #popObject} and {@link #pushObject}:
 * one object off or onto a slab's free list, its live bit and the slab's count together.
 *
 * <p>Slab ids are recycled through a stack. The arrays grow by doubling when the allocator holds more
 * slabs than ever before, which happens only when a new page arrives; in a steady state nothing is
 * allocated.
 */
final class SlabTable {

    /** The id is not in use. */
    static final byte UNUSED = 0;
    /** The cache's active slab, on no list. */
    static final byte ACTIVE = 1;
    /** On its cache's partial list: some objects live, some free. */
    static final byte PARTIAL = 2;
    /** On its cache's full list: every object live. */
    static final byte FULL = 3;
    /** On its cache's empty list: every object free, the page kept for reuse. */
    static final byte EMPTY = 4;
    private static final int LISTS = 3;
    private static final int INITIAL_CAPACITY = 64;

    /** Physical address of each slab's first byte. */
    long[] phys;
    /** Direct-map address of each slab's first free object, 0 when the slab is full. */
    long[] freelist;
    /** Cache (class, plus the class count for DMA caches) of each slab. */
    int[] cache;
    /** Live objects in each slab. */
    int[] inUse;
    /** List links; -1 ends a list. */
    int[] next;
    int[] prev;
    /** State of each slab id. */
    byte[] kind;
    /** One bit per object, set while the object is live; {@link #bitmapWords} longs per slab. */
    long[] liveBits;
    /** Longs of {@link #liveBits} per slab. */
    final int bitmapWords;
    /** Each cache's active slab, or -1. */
    final int[] active;

    private final int[] listHead;
    private final int[] listCount;
    private int[] freeIds;
    private int freeIdCount;
    private int capacity;
    private int slabsInUse;

    SlabTable(int caches, int maxObjectsPerSlab) {
        this.bitmapWords = (maxObjectsPerSlab + 63) >>> 6;
        this.active = new int[caches];
        this.listHead = new int[caches * LISTS];
        this.listCount = new int[caches * LISTS];
        Arrays.fill(active, -1);
        Arrays.fill(listHead, -1);
        this.phys = new long[0];
        this.freelist = new long[0];
        this.cache = new int[0];
        this.inUse = new int[0];
        this.next = new int[0];
        this.prev = new int[0];
        this.kind = new byte[0];
        this.liveBits = new long[0];
        this.freeIds = new int[0];
        grow(INITIAL_CAPACITY);
    }

    /** Returns the number of slab ids the arrays have room for (used by the invariant check). */
    int capacity() {
        return capacity;
    }

    /** Returns the number of slabs in use. */
    int slabsInUse() {
        return slabsInUse;
    }

    /**
     * Takes a fresh id for a slab of {@code cacheIndex} at {@code slabPhys} whose free list starts at
     * {@code firstFree}, every object free, in no list yet.
     */
    int create(int cacheIndex, long slabPhys, long firstFree) {
        if (freeIdCount == 0) {
            grow(capacity * 2);
        }
        int slab = freeIds[--freeIdCount];
        phys[slab] = slabPhys;
        freelist[slab] = firstFree;
        cache[slab] = cacheIndex;
        inUse[slab] = 0;
        next[slab] = -1;
        prev[slab] = -1;
        kind[slab] = ACTIVE;
        Arrays.fill(liveBits, slab * bitmapWords, (slab + 1) * bitmapWords, 0L);
        slabsInUse++;
        return slab;
    }

    /** Gives id {@code slab} back; the slab must be on no list. */
    void destroy(int slab) {
        kind[slab] = UNUSED;
        freeIds[freeIdCount++] = slab;
        slabsInUse--;
    }

    /** Returns the physical address of {@code slab}'s first byte. */
    long phys(int slab) {
        return phys[slab];
    }

    /** Returns the direct-map address of {@code slab}'s first free object, or 0 when it is full. */
    long freelist(int slab) {
        return freelist[slab];
    }

    /** Returns the cache {@code slab} belongs to. */
    int cacheOf(int slab) {
        return cache[slab];
    }

    /** Returns the number of live objects in {@code slab}. */
    int inUse(int slab) {
        return inUse[slab];
    }

    /** Returns the state of {@code slab}: {@link #ACTIVE}, a list kind, or {@link #UNUSED}. */
    byte kind(int slab) {
        return kind[slab];
    }

    /** Returns {@code cacheIndex}'s active slab, or -1. */
    int active(int cacheIndex) {
        return active[cacheIndex];
    }

    /** Returns true when object {@code index} of {@code slab} is live. */
    boolean isLive(int slab, int index) {
        return (liveBits[slab * bitmapWords + (index >>> 6)] & (1L << index)) != 0;
    }

    /**
     * Hands out object {@code index}, the head of {@code slab}'s free list: {@code next} becomes the head,
     * the object's live bit is set and the count goes up. The caller has checked all three.
     */
    void popObject(int slab, int index, long next) {
        freelist[slab] = next;
        liveBits[slab * bitmapWords + (index >>> 6)] |= 1L << index;
        inUse[slab]++;
    }

    /**
     * Takes back live object {@code index} at direct-map address {@code addr}, whose free pointer the
     * caller has pointed at the old head: it becomes the head, its live bit is cleared.
     *
     * @return the live objects left in the slab
     */
    int pushObject(int slab, int index, long addr) {
        freelist[slab] = addr;
        liveBits[slab * bitmapWords + (index >>> 6)] &= ~(1L << index);
        return --inUse[slab];
    }

    /** Makes {@code slab}, on no list, the active slab of {@code cacheIndex}. */
    void activate(int cacheIndex, int slab) {
        kind[slab] = ACTIVE;
        active[cacheIndex] = slab;
    }

    /** Moves {@code cacheIndex}'s active slab onto its list {@code listKind}; the cache has none active then. */
    void retireActive(int cacheIndex, byte listKind) {
        int slab = active[cacheIndex];
        active[cacheIndex] = -1;
        push(slab, listKind);
    }

    /** Forgets {@code cacheIndex}'s active slab, which the caller releases. */
    void dropActive(int cacheIndex) {
        active[cacheIndex] = -1;
    }

    /** Returns the first slab on list {@code kind} of {@code cacheIndex}, or -1. */
    int head(int cacheIndex, byte listKind) {
        return listHead[cacheIndex * LISTS + listKind - PARTIAL];
    }

    /** Returns how many slabs list {@code kind} of {@code cacheIndex} holds. */
    int count(int cacheIndex, byte listKind) {
        return listCount[cacheIndex * LISTS + listKind - PARTIAL];
    }

    /** Puts {@code slab} at the front of list {@code listKind} of its cache. */
    void push(int slab, byte listKind) {
        int list = cache[slab] * LISTS + listKind - PARTIAL;
        int first = listHead[list];
        next[slab] = first;
        prev[slab] = -1;
        if (first >= 0) {
            prev[first] = slab;
        }
        listHead[list] = slab;
        listCount[list]++;
        kind[slab] = listKind;
    }

    /** Takes {@code slab} off the list it is on. */
    void unlink(int slab) {
        int list = cache[slab] * LISTS + kind[slab] - PARTIAL;
        int before = prev[slab];
        int after = next[slab];
        if (before >= 0) {
            next[before] = after;
        } else {
            listHead[list] = after;
        }
        if (after >= 0) {
            prev[after] = before;
        }
        next[slab] = -1;
        prev[slab] = -1;
        listCount[list]--;
    }

    private void grow(int newCapacity) {
        phys = Arrays.copyOf(phys, newCapacity);
        freelist = Arrays.copyOf(freelist, newCapacity);
        cache = Arrays.copyOf(cache, newCapacity);
        inUse = Arrays.copyOf(inUse, newCapacity);
        next = Arrays.copyOf(next, newCapacity);
        prev = Arrays.copyOf(prev, newCapacity);
        kind = Arrays.copyOf(kind, newCapacity);
        liveBits = Arrays.copyOf(liveBits, newCapacity * bitmapWords);
        int[] ids = new int[newCapacity];
        System.arraycopy(freeIds, 0, ids, 0, freeIdCount);
        for (int id = newCapacity - 1; id >= capacity; id--) {
            ids[freeIdCount++] = id;
        }
        freeIds = ids;
        capacity = newCapacity;
    }
}
