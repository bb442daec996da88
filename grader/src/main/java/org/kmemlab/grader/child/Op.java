package org.kmemlab.grader.child;

/**
 * The operations of the channel (see {@link Wire}): every call starts with {@code target:int op:short
 * context:byte}. The grader calls the first groups; the child calls back the last one. Arguments and
 * answers are written with {@link java.io.DataOutputStream} in the order the comments give.
 */
public final class Op {

    // ---- the session (target 0)
    /** (submission paths, reference paths as UTF lists) → the providers found: see {@code Executor#hello}. */
    public static final short HELLO = 1;
    /** (spi, name, fromReference) → provider handle. */
    public static final short PROVIDER = 2;
    /** (machine handle, profile, ram bytes) → nothing: boots the child's replica. */
    public static final short MACHINE = 3;
    /** (machine handle) → nothing: forgets the replica and every allocator made on it. */
    public static final short DROP_MACHINE = 4;
    /** (spi, provider, page provider or -1, ops int[]) → workload handle: a private copy of the driver. */
    public static final short WORKLOAD = 5;
    /** (workload) seed:long → nothing: the round's sequence from the seed, a fresh machine and allocator, not timed. */
    public static final short WORKLOAD_PREPARE = 6;
    /** (workload) → results long[]: runs the prepared round in a tight loop. */
    public static final short WORKLOAD_RUN = 7;
    /**
     * (workload) → the bytes of Java objects its second run allocated on the serving thread, or -1 when
     * this JVM cannot count them (see {@code org.kmemlab.grader.NoGarbage}).
     */
    public static final short NO_GARBAGE = 8;

    // ---- providers (target: provider handle)
    /** (machine, zone name, start pfn, frames, max order) → allocator handle. */
    public static final short PAGE_CREATE = 10;
    /** (machine, page source callback, era) → allocator handle, then its size classes as a snapshot part. */
    public static final short OBJECT_CREATE = 11;
    /** (machine, page provider, era, max wait nanos, min_free_kbytes) → allocator handle, boot retired. */
    public static final short ZONE_CREATE = 12;
    public static final short SLAB_CREATE = 13;

    // ---- PageAllocator (target: allocator handle)
    public static final short P_START_PFN = 20;
    public static final short P_FRAMES = 21;
    public static final short P_MAX_ORDER = 22;
    public static final short P_ALLOCATE = 23;
    public static final short P_FREE = 24;
    public static final short P_FREE_FRAMES = 25;
    public static final short P_FREE_BLOCKS = 26;
    public static final short P_CHECK = 27;
    /** → the answers of every query at once (see {@code Snapshots#pageSnapshot}). */
    public static final short P_SNAPSHOT = 28;

    // ---- ObjectAllocator
    /** (size, gfp) → address, then (unless NULL) its usable size as a snapshot part. */
    public static final short O_ALLOCATE = 30;
    public static final short O_FREE = 31;
    public static final short O_USABLE_SIZE = 32;
    public static final short O_MAX_SIZE = 33;
    public static final short O_SHRINK = 34;
    public static final short O_SLABINFO = 35;
    /** (live addresses) → nothing, then the answers of every query (see {@code Snapshots#objectSnapshot}). */
    public static final short O_CHECK = 36;
    /** → the size classes (count, then name, size, dma each). */
    public static final short O_SIZE_CLASSES = 37;

    // ---- ZoneAllocator
    /** (gfp, order) → pfn, then the zone snapshot as {@link #Z_CHECK} answers it. */
    public static final short Z_ALLOC_PAGES = 40;
    /** (pfn, order) → the zone snapshot as {@link #Z_CHECK} answers it. */
    public static final short Z_FREE_PAGES = 41;
    public static final short Z_FREE_FRAMES = 42;
    public static final short Z_ZONEINFO = 43;
    public static final short Z_REGISTER_SHRINKER = 44;
    public static final short Z_UNREGISTER_SHRINKER = 45;
    /** → nothing, then the zone's and its page allocators' query answers (see {@code Executor#zoneSnapshot}). */
    public static final short Z_CHECK = 46;

    // ---- SlabCache
    public static final short S_NAME = 50;
    public static final short S_ALLOCATE = 51;
    public static final short S_FREE = 52;
    public static final short S_SHRINK = 53;
    public static final short S_DESTROY = 54;
    public static final short S_SLABINFO = 55;
    /** → nothing, then the name and the slabinfo row (see {@code Snapshots#slabSnapshot}). */
    public static final short S_CHECK = 56;

    // ---- callbacks the child makes to the grader (target: callback handle)
    public static final short PS_GET_FREE_PAGES = 60;
    public static final short PS_FREE_PAGES = 61;
    public static final short SH_NAME = 62;
    public static final short SH_COUNT = 63;
    public static final short SH_SCAN = 64;
    /** (callback, machine, zone name, start pfn, frames, max order) → the child's handle of the allocator. */
    public static final short PP_CREATE = 65;
    public static final short CTOR_CONSTRUCT = 66;

    /** Context byte: process context. */
    public static final byte PROCESS = 0;
    /** Context byte: atomic (a spinlock held). */
    public static final byte ATOMIC = 1;
    /** Context byte: a simulated interrupt handler. */
    public static final byte INTERRUPT = 2;

    /** One more than the largest operation number: the size of a table indexed by operation. */
    public static final int LIMIT = 128;

    private static final String[] NAMES = names();

    private Op() {
    }

    /** Returns the name of operation {@code op} ({@code "P_ALLOCATE"}), or its number when it has none. */
    public static String name(int op) {
        return op >= 0 && op < LIMIT && NAMES[op] != null ? NAMES[op] : Integer.toString(op);
    }

    private static String[] names() {
        String[] names = new String[LIMIT];
        for (java.lang.reflect.Field f : Op.class.getDeclaredFields()) {
            if (f.getType() == short.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                try {
                    names[f.getShort(null)] = f.getName();
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }
}
