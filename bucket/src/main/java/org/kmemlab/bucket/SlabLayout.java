package org.kmemlab.bucket;

import org.kmemlab.api.PhysicalMemory;

/**
 * The bytes the allocator keeps inside its own pages: the free pointers of free objects and, in the
 * Linux 2.0 layout, the page descriptor and the block headers. Everything here reads and writes
 * {@link PhysicalMemory}; nothing is mirrored in Java objects except the head of each slab's free list.
 *
 * <h2>Modern layout</h2>
 * A free object holds, in its first 8 bytes, the direct-map address of the next free object of the same
 * slab, or 0 (NULL) at the end of the list: SLUB's free pointer without {@code FREELIST_HARDENED}.
 *
 * <h2>Linux 2.0 layout (i386 structures)</h2>
 * <pre>
 * page descriptor, 16 bytes at the area start      block header, 8 bytes before each object
 *   +0  next       (unused here, see below)           +0  bh_flags   MF_FREE / MF_USED / MF_DMA
 *   +4  firstfree  -> first free block header          +4  bh_next    -> next free header (free block)
 *   +8  order      bucket index (0 = 32 .. 6 = 2040)         bh_length  requested bytes (live block)
 *  +12  nfree      free blocks in this area
 * </pre>
 * As in 2.0 (mm/kmalloc.c of tag 2.0: {@code struct page_descriptor} lines 65-70, {@code page->order =
 * order} line 326), {@code order} is the index of the bucket in {@code sizes[]}, not the buddy order of
 * the area (all seven buckets kmemlab serves from areas are order-0 pages); kfree read it back to find the
 * bucket (line 393). {@code bh_length} is the size kmalloc was asked for ({@code p->bh_length = size},
 * line 297), not the block size.
 * i386 pointers are 32 bits. On the i386 profile a direct-map address fits 32 bits and is stored as is;
 * on a 64-bit machine the low half is stored and the high half is the area's own, which is exact because
 * an area (at most 128 KiB, naturally aligned) never crosses a 4 GiB line. kmemlab keeps the lists of
 * areas in its slab table (the part of {@code struct page} an allocator owns), so the descriptor's
 * {@code next} field stays 0; {@code firstfree}, {@code order} and {@code nfree} are always exact, and
 * {@code checkInvariants} verifies them.
 */
final class SlabLayout {

    /** 2.0's {@code bh_flags} of a live block from a normal bucket. */
    static final int MF_USED = 0xffaa0055;
    /** 2.0's {@code bh_flags} of a live block from a DMA free list. */
    static final int MF_DMA = 0xff00aa55;
    /** 2.0's {@code bh_flags} of a free block. */
    static final int MF_FREE = 0x0055ffaa;

    /** Offset of {@code firstfree} in the page descriptor. */
    static final int PD_FIRSTFREE = 4;
    /** Offset of {@code order} in the page descriptor. */
    static final int PD_ORDER = 8;
    /** Offset of {@code nfree} in the page descriptor. */
    static final int PD_NFREE = 12;

    private static final long HIGH_HALF = 0xffff_ffff_0000_0000L;
    private static final long LOW_HALF = 0xffff_ffffL;

    private final PhysicalMemory memory;
    private final long pageOffset;
    private final boolean headers;

    SlabLayout(PhysicalMemory memory, long pageOffset, boolean headers) {
        this.memory = memory;
        this.pageOffset = pageOffset;
        this.headers = headers;
    }

    /**
     * Returns the next free object after the free object at {@code objectPhys}, as a direct-map address,
     * or 0 at the end of the list. The value is whatever memory holds: the caller validates it.
     */
    long readFreePointer(long objectPhys, long slabVirt) {
        if (!headers) {
            return memory.readLong(objectPhys);
        }
        return nextFree(readHeader(objectPhys), slabVirt);
    }

    /** 2.0 only: returns both words of the block header in front of the object at {@code objectPhys}, in one read. */
    long readHeader(long objectPhys) {
        return memory.readLong(objectPhys - SizeClassTable.BLOCK_HEADER_BYTES);
    }

    /**
     * 2.0 only: returns the next free object named by the {@code bh_next} word of a free block's
     * {@code header} (as {@link #readHeader} returns it), as a direct-map address in the area at
     * {@code slabVirt}, or 0 at the end of the list.
     */
    long nextFree(long header, long slabVirt) {
        long next = header >>> 32;
        return next == 0 ? 0 : ((slabVirt & HIGH_HALF) | next) + SizeClassTable.BLOCK_HEADER_BYTES;
    }

    /** Makes the object at {@code objectPhys} a free one whose successor is {@code nextVirt} (or 0). */
    void writeFree(long objectPhys, long nextVirt) {
        if (!headers) {
            memory.writeLong(objectPhys, nextVirt);
            return;
        }
        int next = nextVirt == 0 ? 0 : (int) (nextVirt - SizeClassTable.BLOCK_HEADER_BYTES);
        memory.writeLong(objectPhys - SizeClassTable.BLOCK_HEADER_BYTES, header(MF_FREE, next));
    }

    /** Both words of a 2.0 block header as one little-endian long: {@code bh_flags} first. */
    private static long header(int flags, int second) {
        return (flags & LOW_HALF) | ((long) second << 32);
    }

    /** 2.0 only: stamps a live block's header with its flag and the requested length. */
    void writeUsed(long objectPhys, boolean dma, long size) {
        memory.writeLong(objectPhys - SizeClassTable.BLOCK_HEADER_BYTES, header(dma ? MF_DMA : MF_USED, (int) size));
    }

    /** 2.0 only: returns the {@code bh_flags} word of the block whose object is at {@code objectPhys}. */
    int flags(long objectPhys) {
        return memory.readInt(objectPhys - SizeClassTable.BLOCK_HEADER_BYTES);
    }

    /** 2.0 only: records the area's first free block ({@code firstFreeVirt} is an object address, or 0). */
    void writeDescriptor(long slabPhys, long firstFreeVirt, int nfree) {
        memory.writeInt(slabPhys + PD_FIRSTFREE,
                firstFreeVirt == 0 ? 0 : (int) (firstFreeVirt - SizeClassTable.BLOCK_HEADER_BYTES));
        memory.writeInt(slabPhys + PD_NFREE, nfree);
    }

    /** 2.0 only: returns the descriptor's {@code firstfree} as an object address, or 0. */
    long descriptorFirstFree(long slabPhys) {
        int first = memory.readInt(slabPhys + PD_FIRSTFREE);
        long slabVirt = pageOffset + slabPhys;
        return first == 0 ? 0 : ((slabVirt & HIGH_HALF) | (first & LOW_HALF)) + SizeClassTable.BLOCK_HEADER_BYTES;
    }

    /** 2.0 only: returns the descriptor's {@code order}: the bucket index, as 2.0 stored it. */
    int descriptorOrder(long slabPhys) {
        return memory.readInt(slabPhys + PD_ORDER);
    }

    /** 2.0 only: returns the descriptor's {@code nfree}. */
    int descriptorNfree(long slabPhys) {
        return memory.readInt(slabPhys + PD_NFREE);
    }

    /**
     * Formats a fresh slab: every object free, linked in address order, the 2.0 descriptor filled in.
     *
     * @return the direct-map address of the first object, the head of the new free list
     */
    long format(SizeClassTable classes, int sizeClass, long slabPhys) {
        int objects = classes.objectsPerSlab(sizeClass);
        long slabVirt = pageOffset + slabPhys;
        for (int i = 0; i < objects; i++) {
            long next = i + 1 < objects ? slabVirt + classes.objectOffset(sizeClass, i + 1) : 0;
            writeFree(slabPhys + classes.objectOffset(sizeClass, i), next);
        }
        long first = slabVirt + classes.objectOffset(sizeClass, 0);
        if (headers) {
            memory.writeInt(slabPhys, 0);
            memory.writeInt(slabPhys + PD_ORDER, sizeClass);     // 2.0's bucket index, kmalloc.c:326
            writeDescriptor(slabPhys, first, objects);
        }
        return first;
    }
}
