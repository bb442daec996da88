package org.kmemlab.kmalloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;

/**
 * Who owns each page frame, and the state of every object slot in the object allocator's pages: the
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
 *       and two bits per 4-byte granule of the frame: {@code LIVE} (the object starting there is the
 *       caller's) and {@code CACHED} (it sits in a per-thread magazine).</li>
 * </ul>
 *
 * <h2>Why two bits per object</h2>
 * An object in a magazine is allocated as far as the object allocator knows, so the object allocator
 * cannot see a second {@code kfree} of it. The bits can: {@code kfree} moves an object from LIVE to
 * CACHED in one compare-and-set, and finds CACHED (a double free) or nothing (an address that was never
 * handed out, or an interior pointer, which the object allocator then reports) otherwise. Because the
 * move is one atomic step on one word, two threads freeing the same pointer at once cannot both win.
 *
 * <p>Worked example: the object at offset 0x144 of its page is granule {@code 0x144 >>> 2 = 81}; its
 * bits are bits {@code 2 * (81 & 31) = 34} (LIVE) and 35 (CACHED) of word {@code 81 >>> 5 = 2} of the
 * frame's thirty-two state words.
 *
 * <h2>Concurrency</h2>
 * Tags of block heads and the slot bits change by compare-and-set. The other entries are written by the
 * thread that owns the frame at that moment (the allocating thread, or the object allocator's lock
 * holder) before the address is handed out, and read by threads that received the address through some
 * synchronisation, as a correct kernel caller does.
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

    /** {@link #classOf(long)} of a slab frame that holds no object handed out through kmalloc yet. */
    static final int NO_CLASS = -1;
    /** {@link #classOf(long)} of a frame holding objects of several classes, or of no cached class. */
    static final int MIXED = -2;

    /** Slot state: the object allocator owns it (free there), or it is not an object start. */
    static final int SLOT_FREE = 0;
    /** Slot state: handed to a kmalloc caller. */
    static final int SLOT_LIVE = 1;
    /** Slot state: parked in a per-thread magazine. */
    static final int SLOT_CACHED = 2;

    /**
     * log2 of the granule the slot bits are kept for: 4 bytes, the least object alignment any era allows
     * ({@code ObjectAllocator.minimumAlignment}: Linux 2.0's buckets of 252, 508 and 1020 bytes put every
     * second object at 4 mod 8).
     */
    static final int GRANULE_SHIFT = 2;
    private static final int WORDS_PER_FRAME = (1 << (MachineProfile.PAGE_SHIFT - GRANULE_SHIFT)) * 2 / 64;

    private static final VarHandle TAGS = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final byte[] tags;
    private final byte[] orders;
    private final byte[] classes;
    private final long[][] slots;
    private final long[] zoneStart = new long[ZoneType.values().length];
    private final long[] zoneEnd = new long[ZoneType.values().length];

    /** Creates a table for every frame of {@code machine}, all {@link #FREE}. */
    FrameTable(Machine machine) {
        int n = Math.toIntExact(machine.frames());
        this.tags = new byte[n];
        this.orders = new byte[n];
        this.classes = new byte[n];
        this.slots = new long[n][];
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
        return (byte) TAGS.getAcquire(tags, (int) pfn);
    }

    /** {@link #order(long)} of a slab frame that does not start a slab block. */
    static final byte NOT_A_HEAD = -1;

    /** Returns the order recorded for the block headed by {@code pfn}. */
    int order(long pfn) {
        return orders[(int) pfn];
    }

    /** Changes the head tag of {@code pfn} from {@code expected} to {@code update}; false when it was not expected. */
    boolean compareAndSetTag(long pfn, byte expected, byte update) {
        return TAGS.compareAndSet(tags, (int) pfn, expected, update);
    }

    /** Tags the block of {@code 2^order} frames at {@code pfn}: the head with {@code head}, the rest with {@code tail}. */
    void tagBlock(long pfn, int order, byte head, byte tail) {
        int first = (int) pfn;
        int end = first + (1 << order);
        orders[first] = (byte) order;
        for (int i = first + 1; i < end; i++) {
            tags[i] = tail;
        }
        TAGS.setRelease(tags, first, head);
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
     * Makes the block at {@code pfn} a slab block: tags, no class yet, all slot bits clear. A frame's slot
     * words are created the first time it becomes a slab frame and kept when it stops being one, so a
     * frame that cycles between the page allocator and the slab costs no Java allocation after the first
     * time (at most {@value #WORDS_PER_FRAME} longs per frame ever used for slabs).
     */
    void makeSlab(long pfn, int order) {
        int first = (int) pfn;
        int end = first + (1 << order);
        for (int i = first; i < end; i++) {
            classes[i] = NO_CLASS;
            long[] words = slots[i];
            if (words == null) {
                slots[i] = new long[WORDS_PER_FRAME];
            } else {
                Arrays.fill(words, 0L);
            }
            orders[i] = NOT_A_HEAD;
        }
        tagBlock(pfn, order, SLAB, SLAB);
    }

    /** Undoes {@link #makeSlab}: the block is free again (its slot words stay for the next time). */
    void releaseSlab(long pfn, int order) {
        int first = (int) pfn;
        int end = first + (1 << order);
        for (int i = first; i < end; i++) {
            classes[i] = NO_CLASS;
        }
        tagBlock(pfn, order, FREE, FREE);
    }

    /** Returns the kmalloc class of the objects in slab frame {@code pfn}, {@link #NO_CLASS} or {@link #MIXED}. */
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

    /** Returns the state ({@link #SLOT_FREE}, {@link #SLOT_LIVE}, {@link #SLOT_CACHED}) of the slot at {@code offset} of slab frame {@code pfn}. */
    int slotState(long pfn, int offset) {
        long[] words = slots[(int) pfn];
        int granule = offset >>> GRANULE_SHIFT;
        long word = (long) WORDS.getVolatile(words, granule >>> 5);
        return (int) (word >>> ((granule & 31) << 1)) & 3;
    }

    /**
     * Moves the slot at {@code offset} of slab frame {@code pfn} from state {@code from} to state {@code to}
     * in one atomic step.
     *
     * @return the state before the call; the move happened only when it equals {@code from}
     */
    int moveSlot(long pfn, int offset, int from, int to) {
        long[] words = slots[(int) pfn];
        int granule = offset >>> GRANULE_SHIFT;
        int index = granule >>> 5;
        int shift = (granule & 31) << 1;
        long mask = 3L << shift;
        while (true) {
            long word = (long) WORDS.getVolatile(words, index);
            int state = (int) ((word & mask) >>> shift);
            if (state != from) {
                return state;
            }
            long updated = (word & ~mask) | ((long) to << shift);
            if (WORDS.weakCompareAndSet(words, index, word, updated)) {
                return from;
            }
        }
    }
}
