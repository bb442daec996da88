package org.kmemlab.kmalloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;

/**
 * Who owns each page frame, and the state of every object in the object allocator's pages: the
 * part of the kernel's {@code struct page} that kmalloc needs to find the owner of any address.
 *
 * <h2>Overview</h2>
 * {@code kfree(p)} gets nothing but an address. Linux finds the {@code struct page} of {@code p}
 * ({@code virt_to_page}) and looks at it: a slab page names its cache, a large-kmalloc page is a compound
 * page whose head knows its order, anything else is a bug. We keep the same facts in primitive arrays,
 * one entry per frame of RAM:
 * <ul>
 *   <li>{@link #tag(long)}, what the frame is now: {@link #FREE}, {@link #RESERVED} (boot memory),
 *       {@link #SLAB}, the head or a tail of a large kmalloc or of a get_free_pages block, a block parked
 *       in a per-thread page list ({@link #PER_CPU}), or a page-cache page;</li>
 *   <li>the order of the block whose head the frame is;</li>
 *   <li>for slab frames, the kmalloc size class whose objects the frame holds ({@link #classOf(long)}),
 *       the shard of the object allocator whose page it is ({@link #shardOf(long)}, see
 *       {@link AllocatorShards}),
 *       and one state byte per 4-byte granule of the frame: {@link #OBJECT_FREE}, {@link #OBJECT_LIVE}
 *       (the object starting there is the caller's) or {@link #OBJECT_CACHED} (it sits in a per-thread
 *       magazine).</li>
 * </ul>
 * Metadata bytes per frame: 4 for every frame of RAM (tag, order, class, shard), a quarter byte for the
 * reference to its group's state bytes (4 bytes with compressed references per 16 frames), and 1,024
 * more for every frame of a group of 16 that has ever held a slab page (its state bytes). The bucket
 * allocator keeps its own, smaller table from a
 * frame to its slab ({@code org.kmemlab.bucket.SlabOwners}); the two are different views of what Linux
 * keeps in one {@code struct page}.
 *
 * <h2>Why a state per object</h2>
 * An object in a magazine is allocated as far as the object allocator knows, so the object allocator
 * cannot see a second {@code kfree} of it. The state can: {@code kfree} moves an object from LIVE to
 * CACHED in one compare-and-set, and finds CACHED (a double free) or FREE (an address that was never
 * handed out, or an interior pointer, which the object allocator then reports) otherwise. Because the
 * move is one atomic step on one byte, two threads freeing the same pointer at once cannot both win.
 *
 * <p>Every other move is made by the one thread that owns the object at that moment, so it is a plain
 * store with release order, no atomic instruction: CACHED to LIVE by the magazine's owner in
 * {@code kmalloc}, FREE to CACHED and CACHED to FREE by the holder of the object allocator's lock on a
 * refill or a flush. A racing wrong {@code kfree} of such an object needs LIVE for its compare-and-set and
 * so cannot win against these stores. That is why the states are bytes rather than two bits packed into
 * a long: a store to one byte cannot overwrite a neighbour's state, which a store to a shared word would.
 * Linux's SLUB makes the same trade on its per-CPU fast path, where only the owning CPU touches the
 * freelist and no locked instruction is needed.
 *
 * <p>Worked example: the object at offset 0x144 of its page is granule {@code 0x144 >>> 2 = 81}, so its
 * state is byte 81 of the frame's 1,024 state bytes (in the array its group of 16 frames shares).
 *
 * <h2>Concurrency</h2>
 * Tags of block heads change by compare-and-set, object states as described above. The other entries
 * are written by the thread that owns the frame at that moment (the allocating thread, or the object
 * allocator's lock holder) before the address is handed out, and read by threads that received the
 * address through some synchronisation, as a correct kernel caller does.
 */
final class FrameTable {

    /** Not owned by kmalloc: free in the zone allocator (or never handed out). */
    static final byte FREE = 0;
    /** Reserved at boot (kernel image, mem_map, BIOS areas): never freed. */
    static final byte RESERVED = 1;
    /** A page of the object allocator. */
    static final byte SLAB = 2;
    /** The first frame of a large kmalloc allocation. */
    static final byte LARGE_HEAD = 3;
    /** A later frame of a large kmalloc allocation. */
    static final byte LARGE_TAIL = 4;
    /** The first frame of a block from get_free_pages or alloc_pages. */
    static final byte PAGES_HEAD = 5;
    /** A later frame of such a block. */
    static final byte PAGES_TAIL = 6;
    /** A free block parked in a per-thread page list (allocated as far as the zone allocator knows). */
    static final byte PER_CPU = 7;
    /** A clean page of the simulated page cache. */
    static final byte PAGE_CACHE = 8;
    /** A data page of a vmalloc area. */
    static final byte VMALLOC = 9;
    /** A page of the kernel's page tables. */
    static final byte PAGE_TABLE = 10;
    /** A page of a named slab cache ({@code kmem_cache_create}); see {@code KmemCaches}. */
    static final byte KMEM_CACHE = 11;

    /** {@link #classOf(long)} of any frame but a slab frame holding objects handed out through kmalloc. */
    static final int NO_CLASS = -1;
    /** {@link #classOf(long)} of a frame holding objects of several classes, or of no cached class. */
    static final int MIXED = -2;

    /** Object state: the object allocator owns it (free there), or it is not an object start. */
    static final byte OBJECT_FREE = 0;
    /** Object state: handed to a kmalloc caller. */
    static final byte OBJECT_LIVE = 1;
    /** Object state: parked in a per-thread magazine. */
    static final byte OBJECT_CACHED = 2;

    /**
     * log2 of the granule the object states are kept for: 4 bytes, the least object alignment any era
     * allows ({@code ObjectAllocator.minimumAlignment}: Linux 2.0's buckets of 252, 508 and 1020 bytes put
     * every second object at 4 mod 8).
     */
    static final int GRANULE_SHIFT = 2;
    /** The mask of the offset bits below a granule: an object start has none of them set. */
    static final int GRANULE_MASK = (1 << GRANULE_SHIFT) - 1;
    private static final int GRANULES_PER_FRAME = 1 << (MachineProfile.PAGE_SHIFT - GRANULE_SHIFT);
    /** log2 of the frames whose object states share one array (see {@link #objectStates}). */
    private static final int GROUP_SHIFT = 4;
    private static final int GROUP_MASK = (1 << GROUP_SHIFT) - 1;

    /** Tags and object states: byte array elements with acquire/release and compare-and-set access. */
    private static final VarHandle BYTES = MethodHandles.arrayElementVarHandle(byte[].class);
    /** The groups' state arrays, made once by compare-and-set. */
    private static final VarHandle GROUPS = MethodHandles.arrayElementVarHandle(byte[][].class);

    private final byte[] tags;
    private final byte[] orders;
    private final byte[] classes;
    private final byte[] shards;
    /**
     * Object states by granule, one array per group of {@code 2^GROUP_SHIFT} = 16 neighbouring frames,
     * created the first time one of them becomes a slab page. Groups rather than one array per frame,
     * because a lookup loads the array's length for the bounds check: with a few hundred group arrays
     * those headers stay in cache, with thousands of per-frame arrays each kfree of a random object paid
     * one more cache miss for the header.
     */
    private final byte[][] objectStates;
    private final long[] zoneStart = new long[ZoneType.values().length];
    private final long[] zoneEnd = new long[ZoneType.values().length];

    /** Creates a table for every frame of {@code machine}, all {@link #FREE}. */
    FrameTable(Machine machine) {
        int n = Math.toIntExact(machine.frames());
        this.tags = new byte[n];
        this.orders = new byte[n];
        this.classes = new byte[n];
        Arrays.fill(classes, (byte) NO_CLASS);
        this.shards = new byte[n];
        this.objectStates = new byte[(n + GROUP_MASK) >>> GROUP_SHIFT][];
        for (ZoneSpan span : machine.zones()) {
            zoneStart[span.type().ordinal()] = span.startPfn();
            zoneEnd[span.type().ordinal()] = span.endPfn();
        }
    }

    /** Returns the {@link ZoneType#ordinal()} of the zone frame {@code pfn} lies in. */
    int zoneIndex(long pfn) {
        for (int z = 0; z < zoneEnd.length; z++) {
            if (pfn >= zoneStart[z] && pfn < zoneEnd[z]) {
                return z;
            }
        }
        throw new IllegalArgumentException("pfn " + pfn + " lies in no zone");
    }

    /** Returns true when zone {@code zoneIndex} spans at least one frame. */
    boolean zonePopulated(int zoneIndex) {
        return zoneEnd[zoneIndex] > zoneStart[zoneIndex];
    }

    /** Returns the number of frames described. */
    int frames() {
        return tags.length;
    }

    /** Returns the tag of {@code pfn}. */
    byte tag(long pfn) {
        return (byte) BYTES.getAcquire(tags, (int) pfn);
    }

    /** {@link #order(long)} of a slab frame that does not start a slab block. */
    static final byte NOT_A_HEAD = -1;

    /** Returns the order recorded for the block headed by {@code pfn}. */
    int order(long pfn) {
        return orders[(int) pfn];
    }

    /** Changes the head tag of {@code pfn} from {@code expected} to {@code update}; false when it was not expected. */
    boolean compareAndSetTag(long pfn, byte expected, byte update) {
        return BYTES.compareAndSet(tags, (int) pfn, expected, update);
    }

    /** Tags the block of {@code 2^order} frames at {@code pfn}: the head with {@code head}, the rest with {@code tail}. */
    void tagBlock(long pfn, int order, byte head, byte tail) {
        int first = (int) pfn;
        int end = first + (1 << order);
        orders[first] = (byte) order;
        for (int i = first + 1; i < end; i++) {
            tags[i] = tail;
        }
        BYTES.setRelease(tags, first, head);
    }

    /** Tags frames {@code [from, to)} as reserved boot memory. */
    void reserve(long from, long to) {
        for (long pfn = from; pfn < to; pfn++) {
            tags[(int) pfn] = RESERVED;
        }
    }

    /** Counts the frames with tag {@code tag} (a report; walks the table). */
    long count(byte tag) {
        long n = 0;
        for (byte t : tags) {
            if (t == tag) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- slab frames

    /**
     * Makes the block at {@code pfn} a slab block: tags, no class yet, every object state FREE. The state
     * bytes of a group of frames are created the first time one of them becomes a slab frame and kept, so
     * a frame that cycles between the page allocator and the slab costs no Java allocation after the
     * first time ({@value #GRANULES_PER_FRAME} bytes per frame of a group that ever held a slab).
     */
    void makeSlab(long pfn, int order) {
        int first = (int) pfn;
        int end = first + (1 << order);
        for (int i = first; i < end; i++) {
            classes[i] = NO_CLASS;
            byte[] group = objectStates[i >>> GROUP_SHIFT];
            if (group == null) {
                // Two shards (or a shard and a named cache) may make slabs in one group at once, each
                // under its own lock: only the first array made may stay, or the other's states are lost.
                byte[] made = new byte[GRANULES_PER_FRAME << GROUP_SHIFT];
                GROUPS.compareAndSet(objectStates, i >>> GROUP_SHIFT, null, made);
            } else {
                int from = (i & GROUP_MASK) * GRANULES_PER_FRAME;
                Arrays.fill(group, from, from + GRANULES_PER_FRAME, OBJECT_FREE);
            }
            orders[i] = NOT_A_HEAD;
        }
        tagBlock(pfn, order, SLAB, SLAB);
    }

    /** Undoes {@link #makeSlab}: the block is free again (its state bytes stay for the next time). */
    void releaseSlab(long pfn, int order) {
        int first = (int) pfn;
        int end = first + (1 << order);
        for (int i = first; i < end; i++) {
            classes[i] = NO_CLASS;
        }
        tagBlock(pfn, order, FREE, FREE);
    }

    /**
     * Records that the block of {@code 2^order} frames at {@code pfn} is a page of object allocator shard
     * {@code shard}; called by the shard's page source before it tags the block SLAB.
     */
    void setShard(long pfn, int order, int shard) {
        int first = (int) pfn;
        Arrays.fill(shards, first, first + (1 << order), (byte) shard);
    }

    /** Returns the object allocator shard whose page slab frame {@code pfn} is ({@link AllocatorShards}). */
    int shardOf(long pfn) {
        return shards[(int) pfn];
    }

    /**
     * Returns the kmalloc class of the objects in slab frame {@code pfn}, {@link #NO_CLASS} or
     * {@link #MIXED}. Every frame that is not a kmalloc slab frame has {@link #NO_CLASS} (the table starts
     * so, and {@link #makeSlab} and {@link #releaseSlab} reset it), so a class of at least 0 alone says
     * "a slab frame of kmalloc whose objects are of this class": kfree's fast path reads this one byte
     * instead of the tag and the class.
     */
    int classOf(long pfn) {
        return classes[(int) pfn];
    }

    /**
     * Records that an object of class {@code sizeClass} (or {@link #MIXED} for an object kmalloc does not
     * cache) lives in slab frame {@code pfn}. A frame seen with two classes becomes {@link #MIXED}, and its
     * objects bypass the magazines. Called with the object allocator's lock held.
     */
    void noteClass(long pfn, int sizeClass) {
        int current = classes[(int) pfn];
        if (current == NO_CLASS) {
            classes[(int) pfn] = (byte) sizeClass;
        } else if (current != sizeClass) {
            classes[(int) pfn] = (byte) MIXED;
        }
    }

    /**
     * Returns the state ({@link #OBJECT_FREE}, {@link #OBJECT_LIVE}, {@link #OBJECT_CACHED}) of the object
     * at {@code offset} (a multiple of 4) of slab frame {@code pfn}.
     */
    byte objectState(long pfn, int offset) {
        return (byte) BYTES.getAcquire(objectStates[(int) pfn >>> GROUP_SHIFT], granule(pfn, offset));
    }

    /**
     * kmalloc's move of an object from its owner's magazine to the caller: CACHED to LIVE for the object
     * at physical address {@code phys}, one read and one release store (only the magazine's owner moves an
     * object out of CACHED, see the class comment).
     *
     * @return false, with nothing changed, when the object was not CACHED
     */
    boolean claimCached(long phys) {
        long pfn = phys >>> MachineProfile.PAGE_SHIFT;
        byte[] group = objectStates[(int) pfn >>> GROUP_SHIFT];
        int i = granule(pfn, (int) (phys & (MachineProfile.PAGE_SIZE - 1)));
        if (group[i] != OBJECT_CACHED) {
            return false;
        }
        BYTES.setRelease(group, i, OBJECT_LIVE);
        return true;
    }

    /**
     * Sets the state of the object at {@code offset} of slab frame {@code pfn}, with release order. Only
     * the thread that owns the object in its current state may call this (see the class comment): a
     * magazine's owner, or the holder of the object allocator's lock.
     */
    void setObjectState(long pfn, int offset, byte state) {
        BYTES.setRelease(objectStates[(int) pfn >>> GROUP_SHIFT], granule(pfn, offset), state);
    }

    /**
     * Moves the object at {@code offset} of slab frame {@code pfn} from state {@code from} to state
     * {@code to} in one atomic step; this is what makes two racing frees of one pointer fail one of them.
     *
     * @return the state before the call; the move happened only when it equals {@code from}
     */
    byte moveObject(long pfn, int offset, byte from, byte to) {
        return (byte) BYTES.compareAndExchange(objectStates[(int) pfn >>> GROUP_SHIFT], granule(pfn, offset), from, to);
    }

    /** Returns the index of the state of the object at {@code offset} of frame {@code pfn} in its group's array. */
    private static int granule(long pfn, int offset) {
        return (((int) pfn & GROUP_MASK) << (MachineProfile.PAGE_SHIFT - GRANULE_SHIFT)) | (offset >>> GRANULE_SHIFT);
    }
}
