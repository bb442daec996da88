package org.kmemlab.bucket;

import java.util.Arrays;
import org.kmemlab.api.Checks;

/**
 * The slab descriptors of one allocator, the allocator's {@code struct slab}: one record of longs per slab
 * id in a single {@code long[]}. Also the per-cache lists of partial, full and empty slabs and each
 * cache's active slab.
 *
 * <h2>One record per slab</h2>
 * <pre>
 *  record of slab s = records[16 * s ...]               8 fields + 8 longs of bitmap
 *   +0 FREELIST  first free object (direct map), 0 when full      hot: allocate and free
 *   +1 IN_USE    live objects                                      hot
 *   +2 CACHE     cache index (class, + class count for DMA)        hot: free
 *   +3 PHYS      physical address of the slab's first byte         hot
 *   +4 KIND      ACTIVE or the list it is on                        free
 *   +5 NEXT, +6 PREV   list links, -1 ends a list                  refill, refile
 *   +7 CLASS     size class (CACHE without the DMA offset)          hot: free
 *   +8 ...+15    live bitmap: one bit per object, set while live    hot
 * </pre>
 * The record is 16 longs (128 bytes, two cache lines) in both eras: the bitmap has room for 512 objects,
 * kmalloc-8's slab, the most of any class (2.0's most is 127, so its records leave six words unused).
 * With a power-of-two size, a slab's record starts at {@code s << 4}: one shift on every path instead of
 * a multiplication by a stride read from a field.
 * An earlier version kept one array per field (the "structure of arrays" layout). Every call then touched
 * five or six arrays, each a different cache line of a different slab; with objects of 10,000 live
 * allocations spread over hundreds of slabs, most of those lines were cold. With one record, the fields
 * a call needs and the first word of the bitmap share one or two 64-byte lines, like the fields of
 * {@code struct slab} do in the kernel. The field offsets are named, and every read and write goes through
 * a method of this class, so the layout is known in one place.
 *
 * <h2>States</h2>
 * <pre>
 *         allocate takes its last free object          free empties it (kept or released)
 *   ACTIVE ----------------------&gt; FULL --free: unfull--&gt; PARTIAL ----------------------&gt; EMPTY
 *     ^                                                      |                               |
 *     +------ refill: first PARTIAL (activatePartial), else EMPTY, else a new slab ----------+
 * </pre>
 * In a steady mix most slabs are full or hold one free object, so two allocations in three take a
 * partial slab's only free object (activate it, fill it) and two frees in three put a full slab back on
 * the partial list: {@link #activatePartial}, {@link #retireActive} and {@link #unfull} are on the fast
 * paths and touch only the slab's own record and its cache's list head and counts.
 * Each cache allocates from one {@code ACTIVE} slab (SLUB's cpu slab) that is on no list, so a free
 * into it, the common case, moves nothing. Partial and empty slabs sit on a doubly linked list of their
 * cache, threaded through their {@code NEXT} and {@code PREV} words; linking and unlinking are O(1).
 *
 * <p>A {@code FULL} slab is on no list either, only counted per cache: nothing ever looks for a full
 * slab, since it has nothing to give. Linux does the same (SLUB keeps a full list only when debugging;
 * 2.0's kmalloc dropped a page from its bucket's list when the page's last free block went, and put it
 * back on the next kfree). A list would cost every slab that fills and every free into a full slab the
 * records of its list neighbours, and with thousands of slabs those are cold cache lines. The self-check
 * finds the full slabs by walking every slab id.
 *
 * <p>The fast paths use {@link #popObject} and {@link #pushObject}: one object off or onto a slab's free
 * list, its live bit and the slab's count together.
 *
 * <p>Slab ids are recycled through a stack. The record array grows by doubling when the allocator holds
 * more slabs than ever before, which happens only when a new page arrives; in a steady state nothing is
 * allocated.
 */
final class SlabTable {

    /** The id is not in use. */
    static final byte UNUSED = 0;
    /** The cache's active slab, on no list. */
    static final byte ACTIVE = 1;
    /** On its cache's partial list: some objects live, some free. */
    static final byte PARTIAL = 2;
    /** Full: every object live. On no list, only counted (see the class comment). */
    static final byte FULL = 3;
    /** On its cache's empty list: every object free, the page kept for reuse. */
    static final byte EMPTY = 4;
    private static final int LISTS = 3;
    private static final int INITIAL_CAPACITY = 64;

    /** Offsets of the fields in a slab's record. */
    private static final int FREELIST = 0;
    private static final int IN_USE = 1;
    private static final int CACHE = 2;
    private static final int PHYS = 3;
    private static final int KIND = 4;
    private static final int NEXT = 5;
    private static final int PREV = 6;
    private static final int CLASS = 7;
    private static final int BITMAP = 8;

    /** Longs of the live bitmap per slab: room for {@value #MAX_OBJECTS} objects, kmalloc-8's 512. */
    static final int BITMAP_WORDS = 8;
    /** The most objects a slab may hold. */
    static final int MAX_OBJECTS = 64 * BITMAP_WORDS;
    /** log2 of the longs per record. */
    private static final int STRIDE_SHIFT = 4;
    /** Longs per record, {@code BITMAP + BITMAP_WORDS}: a power of two, so a record's start is a shift. */
    private static final int STRIDE = 1 << STRIDE_SHIFT;
    /** The records, {@link #STRIDE} longs per slab id. */
    private long[] records;
    /** Each cache's active slab, or -1. */
    private final int[] active;

    private final int[] listHead;
    private final int[] listCount;
    private int[] freeIds;
    private int freeIdCount;
    private int capacity;
    private int slabsInUse;

    SlabTable(int caches, int maxObjectsPerSlab) {
        Checks.requireArgument(maxObjectsPerSlab <= MAX_OBJECTS, "a slab of %d objects does not fit a record's"
                + " bitmap of %d", (long) maxObjectsPerSlab, (long) MAX_OBJECTS);
        this.active = new int[caches];
        this.listHead = new int[caches * LISTS];
        this.listCount = new int[caches * LISTS];
        Arrays.fill(active, -1);
        Arrays.fill(listHead, -1);
        this.records = new long[0];
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
     * Takes a fresh id for a slab of {@code cacheIndex} (size class {@code sizeClass}) at {@code slabPhys}
     * whose free list starts at {@code firstFree}, every object free, in no list yet.
     */
    int create(int cacheIndex, int sizeClass, long slabPhys, long firstFree) {
        if (freeIdCount == 0) {
            grow(capacity * 2);
        }
        int slab = freeIds[--freeIdCount];
        int base = (slab << STRIDE_SHIFT);
        Arrays.fill(records, base, base + STRIDE, 0L);
        records[base + FREELIST] = firstFree;
        records[base + CACHE] = cacheIndex;
        records[base + CLASS] = sizeClass;
        records[base + PHYS] = slabPhys;
        records[base + KIND] = ACTIVE;
        records[base + NEXT] = -1;
        records[base + PREV] = -1;
        slabsInUse++;
        return slab;
    }

    /** Gives id {@code slab} back; the slab must be on no list. */
    void destroy(int slab) {
        records[(slab << STRIDE_SHIFT) + KIND] = UNUSED;
        freeIds[freeIdCount++] = slab;
        slabsInUse--;
    }

    /** Returns the physical address of {@code slab}'s first byte. */
    long phys(int slab) {
        return records[(slab << STRIDE_SHIFT) + PHYS];
    }

    /** Returns the direct-map address of {@code slab}'s first free object, or 0 when it is full. */
    long freelist(int slab) {
        return records[(slab << STRIDE_SHIFT) + FREELIST];
    }

    /** Returns the cache {@code slab} belongs to. */
    int cacheOf(int slab) {
        return (int) records[(slab << STRIDE_SHIFT) + CACHE];
    }

    /** Returns the size class of {@code slab}: its cache's, one load nearer than through the cache. */
    int sizeClassOf(int slab) {
        return (int) records[(slab << STRIDE_SHIFT) + CLASS];
    }

    /** Returns the number of live objects in {@code slab}. */
    int inUse(int slab) {
        return (int) records[(slab << STRIDE_SHIFT) + IN_USE];
    }

    /** Returns the state of {@code slab}: {@link #ACTIVE}, a list kind, or {@link #UNUSED}. */
    byte kind(int slab) {
        return (byte) records[(slab << STRIDE_SHIFT) + KIND];
    }

    /** Returns the slab after {@code slab} on its list, or -1 at the end. */
    int next(int slab) {
        return (int) records[(slab << STRIDE_SHIFT) + NEXT];
    }

    /** Returns the slab before {@code slab} on its list, or -1 at the front. */
    int prev(int slab) {
        return (int) records[(slab << STRIDE_SHIFT) + PREV];
    }

    /** Returns {@code cacheIndex}'s active slab, or -1. */
    int active(int cacheIndex) {
        return active[cacheIndex];
    }

    /** Returns true when object {@code index} of {@code slab} is live. */
    boolean isLive(int slab, int index) {
        return (records[(slab << STRIDE_SHIFT) + BITMAP + (index >>> 6)] & (1L << index)) != 0;
    }

    /** Returns -1 when object {@code index} of {@code slab} is live, 0 when free: {@link #isLive} without a branch. */
    long liveTest(int slab, int index) {
        return -((records[(slab << STRIDE_SHIFT) + BITMAP + (index >>> 6)] >>> index) & 1);
    }

    /**
     * Hands out object {@code index}, the head of {@code slab}'s free list: {@code next} becomes the head,
     * the object's live bit is set and the count goes up. The caller has checked all three.
     */
    void popObject(int slab, int index, long next) {
        int base = (slab << STRIDE_SHIFT);
        records[base + FREELIST] = next;
        records[base + BITMAP + (index >>> 6)] |= 1L << index;
        records[base + IN_USE]++;
    }

    /**
     * Takes back live object {@code index} at direct-map address {@code addr}, whose free pointer the
     * caller has pointed at the old head: it becomes the head, its live bit is cleared.
     *
     * @return the live objects left in the slab
     */
    int pushObject(int slab, int index, long addr) {
        int base = (slab << STRIDE_SHIFT);
        records[base + FREELIST] = addr;
        records[base + BITMAP + (index >>> 6)] &= ~(1L << index);
        return (int) --records[base + IN_USE];
    }

    /** Makes {@code slab}, on no list, the active slab of {@code cacheIndex}. */
    void activate(int cacheIndex, int slab) {
        records[(slab << STRIDE_SHIFT) + KIND] = ACTIVE;
        active[cacheIndex] = slab;
    }

    /**
     * Makes the first partial slab of {@code cacheIndex}, which has no active slab, its active slab (the
     * first step of a refill) and returns it, or returns -1 when the partial list is empty.
     */
    int activatePartial(int cacheIndex) {
        int slab = head(cacheIndex, PARTIAL);
        if (slab >= 0) {
            unlink(slab);
            activate(cacheIndex, slab);
        }
        return slab;
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

    /** Returns the first slab on list {@code kind} ({@link #PARTIAL} or {@link #EMPTY}) of a cache, or -1. */
    int head(int cacheIndex, byte listKind) {
        return listHead[cacheIndex * LISTS + listKind - PARTIAL];
    }

    /**
     * Returns the live objects of {@code cacheIndex}, whose slabs hold {@code objectsPerSlab} each: the
     * active slab's count, the partial slabs' counts, and every object of each full slab (empty slabs hold
     * none). Kept out of the fast paths, which would otherwise update a per-cache counter on every call;
     * {@code slabinfo} and the self-check pay for the walk.
     */
    long liveObjects(int cacheIndex, int objectsPerSlab) {
        long live = (long) count(cacheIndex, FULL) * objectsPerSlab;
        if (active[cacheIndex] >= 0) {
            live += inUse(active[cacheIndex]);
        }
        for (int slab = head(cacheIndex, PARTIAL); slab >= 0; slab = next(slab)) {
            live += inUse(slab);
        }
        return live;
    }

    /** Returns how many slabs of {@code cacheIndex} are in state {@code listKind}: on that list, or full. */
    int count(int cacheIndex, byte listKind) {
        return listCount[cacheIndex * LISTS + listKind - PARTIAL];
    }

    /** Puts {@code slab} at the front of list {@code listKind} of its cache; a full slab is only counted. */
    void push(int slab, byte listKind) {
        int base = (slab << STRIDE_SHIFT);
        int list = (int) records[base + CACHE] * LISTS + listKind - PARTIAL;
        listCount[list]++;
        records[base + KIND] = listKind;
        if (listKind == FULL) {
            return;
        }
        int first = listHead[list];
        records[base + NEXT] = first;
        records[base + PREV] = -1;
        if (first >= 0) {
            records[(first << STRIDE_SHIFT) + PREV] = slab;
        }
        listHead[list] = slab;
    }

    /**
     * Moves {@code slab}, which was full and has just got an object back, onto its cache's partial list:
     * {@link #unlink} and {@link #push} for the one case that {@code free}'s fast path meets on nearly every
     * call of a steady mix, in less code.
     */
    void unfull(int slab) {
        listCount[(int) records[(slab << STRIDE_SHIFT) + CACHE] * LISTS + FULL - PARTIAL]--;
        push(slab, PARTIAL);
    }

    /** Takes {@code slab} off the list it is on (a full slab: out of its count). */
    void unlink(int slab) {
        int base = (slab << STRIDE_SHIFT);
        int list = (int) records[base + CACHE] * LISTS + (int) records[base + KIND] - PARTIAL;
        listCount[list]--;
        if (records[base + KIND] == FULL) {
            return;
        }
        int before = (int) records[base + PREV];
        int after = (int) records[base + NEXT];
        if (before >= 0) {
            records[(before << STRIDE_SHIFT) + NEXT] = after;
        } else {
            listHead[list] = after;
        }
        if (after >= 0) {
            records[(after << STRIDE_SHIFT) + PREV] = before;
        }
        records[base + NEXT] = -1;
        records[base + PREV] = -1;
    }

    private void grow(int newCapacity) {
        records = Arrays.copyOf(records, newCapacity * STRIDE);
        int[] ids = new int[newCapacity];
        System.arraycopy(freeIds, 0, ids, 0, freeIdCount);
        for (int id = newCapacity - 1; id >= capacity; id--) {
            ids[freeIdCount++] = id;
        }
        freeIds = ids;
        capacity = newCapacity;
    }
}
