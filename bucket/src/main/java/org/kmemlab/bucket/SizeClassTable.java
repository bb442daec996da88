package org.kmemlab.bucket;

import java.util.List;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;

/**
 * The size-class table of one era: which block size serves a request, how a slab of that class is laid
 * out, and what its caches are called.
 *
 * <h2>The two tables</h2>
 * <pre>
 * Linux 2.0 (mm/kmalloc.c, i386)              modern (SLUB-like)
 * block   usable  blocks  order               object  objects  order
 *    32       24     127      0                    8      512      0
 *    64       56      63      0                   16      256      0
 *   128      120      31      0                   32      128      0
 *   252      244      16      0                   64       64      0
 *   508      500       8      0                   96       42      0
 *  1020     1012       4      0                  128       32      0
 *  2040     2032       2      0                  192       21      0
 *  4080     4072       1      0                  256       16      0
 *  8176     8168       1      1                  512        8      0
 * 16368    16360       1      2                 1024        8      1
 * 32752    32744       1      3                 2048        8      2
 * 65520    65512       1      4                 4096        8      3
 * 131056  131048       1      5                 8192        4      3
 * </pre>
 * A 2.0 block carries an 8-byte header, so its usable size is the block size minus 8, and a request
 * fits a block when {@code size + 8 <= block}. Every 2.0 area starts with a 16-byte page descriptor, so
 * {@code blocks = (PAGE_SIZE << order - 16) / block}. The {@link BucketAllocator} essay explains why
 * those sizes fall short of powers of two.
 *
 * <p>The modern slab order follows one rule, in the spirit of SLUB's {@code calculate_order()}: the
 * smallest order whose slab holds at least {@value #MIN_OBJECTS} objects and wastes at most 1/16 of its
 * bytes, but never above {@value #MAX_SLAB_ORDER} ({@code PAGE_ALLOC_COSTLY_ORDER}: larger blocks are
 * hard to find on a fragmented machine). kmalloc-8k therefore gets 4 objects in an order-3 slab.
 *
 * <h2>Finding a class in O(1)</h2>
 * All block and usable sizes of a table are multiples of a granule (4 bytes for 2.0, whose odd sizes
 * like 252 are multiples of 4 only; 8 bytes for the modern table). {@link #classOf(long)} looks the
 * class up in a byte array indexed by {@code (size - 1) >> granuleShift}, built once from the table,
 * like the kernel's {@code kmalloc_size_index[]}: one shift and one load, no loop.
 *
 * <p>Instances are immutable and shared by nothing but their allocator.
 */
final class SizeClassTable {

    /** The least number of objects a modern slab should hold. */
    static final int MIN_OBJECTS = 8;
    /** The highest order a modern slab may have: {@code PAGE_ALLOC_COSTLY_ORDER}. */
    static final int MAX_SLAB_ORDER = 3;
    /** Bytes of a 2.0 {@code struct page_descriptor} on i386: next, firstfree, order, nfree. */
    static final int PAGE_DESCRIPTOR_BYTES = 16;
    /** Bytes of a 2.0 {@code struct block_header} on i386: bh_flags and bh_next/bh_length. */
    static final int BLOCK_HEADER_BYTES = 8;
    /** The shift of the reciprocal used by {@link #objectIndex(int, long)}. */
    private static final int RECIPROCAL_SHIFT = 40;
    /** Longs per class in {@link #info}, and the offsets of its fields. */
    private static final int INFO_STRIDE = 4;
    private static final int RECIPROCAL = 0;
    private static final int BLOCK = 1;
    private static final int OBJECTS = 2;
    private static final int SPAN = 3;

    /*
     * The tables are immutable lists, not static arrays: a static array is shared mutable state (any code
     * in the class could write into it), which the submission rules forbid in student code, and the
     * reference follows the rules it grades by. They are read once per allocator, into instance arrays.
     */
    private static final List<Integer> LINUX_2_0_BLOCKS = List.of(32, 64, 128, 252, 508, 1020, 2040);
    private static final List<Integer> MODERN_SIZES =
            List.of(8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192);

    private final Era era;
    private final int count;
    /**
     * What the fast paths read about a class, in one record of {@value #INFO_STRIDE} longs per class (one
     * array, so one bounds check and one cache line per call): the reciprocal of the block size, the block
     * size, the objects per slab and the object span.
     */
    private final long[] info;
    private final int[] blockSize;
    private final int[] usableSize;
    private final int[] objectsPerSlab;
    private final int[] order;
    private final int firstBlockOffset;
    private final int firstObjectOffset;
    private final long[] slabBytes;
    private final long[] slabUsedBytes;
    private final int granuleShift;
    private final byte[] classBySize;
    private final long maxSize;

    private SizeClassTable(Era era, int[] blockSize, int[] order, int headerBytes, int descriptorBytes,
                        int granuleShift) {
        this.era = era;
        this.count = blockSize.length;
        this.blockSize = blockSize;
        this.order = order;
        this.usableSize = new int[count];
        this.objectsPerSlab = new int[count];
        this.info = new long[count * INFO_STRIDE];
        this.slabBytes = new long[count];
        this.slabUsedBytes = new long[count];
        for (int sizeClass = 0; sizeClass < count; sizeClass++) {
            usableSize[sizeClass] = blockSize[sizeClass] - headerBytes;
            objectsPerSlab[sizeClass] =
                    (int) ((MachineProfile.PAGE_SIZE << order[sizeClass]) - descriptorBytes) / blockSize[sizeClass];
            slabBytes[sizeClass] = MachineProfile.PAGE_SIZE << order[sizeClass];
            slabUsedBytes[sizeClass] = descriptorBytes + (long) objectsPerSlab[sizeClass] * blockSize[sizeClass];
            int at = sizeClass * INFO_STRIDE;
            info[at + RECIPROCAL] = (1L << RECIPROCAL_SHIFT) / blockSize[sizeClass] + 1;
            info[at + BLOCK] = blockSize[sizeClass];
            info[at + OBJECTS] = objectsPerSlab[sizeClass];
            info[at + SPAN] = slabUsedBytes[sizeClass] - descriptorBytes - headerBytes;
        }
        this.firstBlockOffset = descriptorBytes;
        this.firstObjectOffset = descriptorBytes + headerBytes;
        this.granuleShift = granuleShift;
        this.maxSize = usableSize[count - 1];
        this.classBySize = new byte[(int) (maxSize >> granuleShift)];
        int sizeClass = 0;
        for (int i = 0; i < classBySize.length; i++) {
            long largestInGranule = ((long) i + 1) << granuleShift;
            while (usableSize[sizeClass] < largestInGranule) {
                sizeClass++;
            }
            classBySize[i] = (byte) sizeClass;
        }
    }

    /** Returns the table of {@code era}. */
    static SizeClassTable forEra(Era era) {
        return era == Era.LINUX_2_0 ? linux20() : modern();
    }

    private static SizeClassTable linux20() {
        int n = LINUX_2_0_BLOCKS.size() + Era.LINUX_2_0.maxOrder() + 1;
        int[] blocks = new int[n];
        int[] orders = new int[n];
        for (int sizeClass = 0; sizeClass < LINUX_2_0_BLOCKS.size(); sizeClass++) {
            blocks[sizeClass] = LINUX_2_0_BLOCKS.get(sizeClass);
        }
        for (int k = 0; k <= Era.LINUX_2_0.maxOrder(); k++) {
            blocks[LINUX_2_0_BLOCKS.size() + k] = (int) (MachineProfile.PAGE_SIZE << k) - PAGE_DESCRIPTOR_BYTES;
            orders[LINUX_2_0_BLOCKS.size() + k] = k;
        }
        return new SizeClassTable(Era.LINUX_2_0, blocks, orders, BLOCK_HEADER_BYTES, PAGE_DESCRIPTOR_BYTES, 2);
    }

    private static SizeClassTable modern() {
        int[] sizes = new int[MODERN_SIZES.size()];
        int[] orders = new int[sizes.length];
        for (int sizeClass = 0; sizeClass < sizes.length; sizeClass++) {
            sizes[sizeClass] = MODERN_SIZES.get(sizeClass);
            orders[sizeClass] = modernOrder(sizes[sizeClass]);
        }
        return new SizeClassTable(Era.MODERN, sizes, orders, 0, 0, 3);
    }

    /** The slab order rule of the modern table; see the class comment. */
    static int modernOrder(int size) {
        for (int k = 0; k < MAX_SLAB_ORDER; k++) {
            long slabBytes = MachineProfile.PAGE_SIZE << k;
            long objects = slabBytes / size;
            long waste = slabBytes - objects * size;
            if (objects >= MIN_OBJECTS && waste * 16 <= slabBytes) {
                return k;
            }
        }
        return MAX_SLAB_ORDER;
    }

    /** Returns the era this table belongs to. */
    Era era() {
        return era;
    }

    /** Returns true for the Linux 2.0 table, whose slabs carry page descriptors and block headers. */
    boolean hasHeaders() {
        return era == Era.LINUX_2_0;
    }

    /** Returns the number of classes (not counting the DMA copies). */
    int count() {
        return count;
    }

    /** Returns the largest request served: the usable size of the largest class. */
    long maxSize() {
        return maxSize;
    }

    /**
     * Returns the class that serves {@code size} bytes: the smallest whose usable size is at least
     * {@code size}.
     *
     * @param size 1..{@link #maxSize()}; the caller checks the range
     */
    int classOf(long size) {
        return classBySize[(int) ((size - 1) >> granuleShift)];
    }

    /** Returns the bytes of one object slot, header included: the slabinfo {@code objsize}. */
    int blockSize(int sizeClass) {
        return (int) info[sizeClass * INFO_STRIDE + BLOCK];
    }

    /** Returns the bytes a caller may use in an object of class {@code sizeClass} (ksize). */
    int usableSize(int sizeClass) {
        return usableSize[sizeClass];
    }

    /** Returns the number of objects in one slab of class {@code sizeClass}. */
    int objectsPerSlab(int sizeClass) {
        return (int) info[sizeClass * INFO_STRIDE + OBJECTS];
    }

    /** Returns the buddy order of a slab of class {@code sizeClass}. */
    int order(int sizeClass) {
        return order[sizeClass];
    }

    /** Returns the largest number of objects any slab of this table holds. */
    int maxObjectsPerSlab() {
        int max = 0;
        for (int sizeClass = 0; sizeClass < count; sizeClass++) {
            max = Math.max(max, objectsPerSlab[sizeClass]);
        }
        return max;
    }

    /** Returns the offset of the first block (its header, in 2.0) from the start of a slab. */
    int firstBlockOffset() {
        return firstBlockOffset;
    }

    /** Returns the bytes of a slab of class {@code sizeClass} that descriptor and blocks cover; the rest is spare. */
    long slabUsedBytes(int sizeClass) {
        return slabUsedBytes[sizeClass];
    }

    /**
     * Returns the bytes from the first object of a slab of class {@code sizeClass} to the end of its last
     * block: an address is in one of the slab's objects when its offset from the first object is below this.
     */
    long objectSpan(int sizeClass) {
        return info[sizeClass * INFO_STRIDE + SPAN];
    }

    /**
     * Tells without a branch whether {@code offset}, bytes from the first object of a slab of class
     * {@code sizeClass}, is the start of one of its objects: inside the objects and a whole number of blocks.
     * Returns a negative number when it is not (negative offsets included), else zero or more. Each term
     * of the OR is negative when one condition fails: {@code offset < 0}, {@code offset >= span}, and the
     * remainder {@code within} is non-zero exactly when {@code within} or {@code -within} is negative. The
     * remainder is only exact for an offset inside the span, which the first two terms already decide.
     * The fast paths OR this with their other tests and branch once (see {@link BucketAllocator}).
     */
    long objectStartTest(int sizeClass, long offset) {
        int at = sizeClass * INFO_STRIDE;
        long within = offset - ((offset * info[at + RECIPROCAL]) >>> RECIPROCAL_SHIFT) * info[at + BLOCK];
        return offset | (info[at + SPAN] - 1 - offset) | within | -within;
    }

    /** Returns the bytes of a slab of class {@code sizeClass}: {@code PAGE_SIZE << order}. */
    long slabBytes(int sizeClass) {
        return slabBytes[sizeClass];
    }

    /** Returns the offset of the first object (not its header) from the start of a slab. */
    int firstObjectOffset() {
        return firstObjectOffset;
    }

    /** Returns the offset of object {@code index} of class {@code sizeClass} from the start of its slab. */
    long objectOffset(int sizeClass, int index) {
        return firstObjectOffset + (long) index * blockSize[sizeClass];
    }

    /**
     * Returns {@code offset / blockSize(sizeClass)} without a division: SLUB's {@code obj_to_index()} with a
     * precomputed reciprocal. With {@code r = 2^40 / block + 1} the product {@code offset * r >> 40} is
     * exact as long as {@code offset * block < 2^40}, which holds for every slab (at most 128 KiB, so
     * offset and block are both below 2^17).
     *
     * @param offset bytes from the first object, 0 ≤ offset &lt; slab size
     */
    int objectIndex(int sizeClass, long offset) {
        return (int) ((offset * info[sizeClass * INFO_STRIDE + RECIPROCAL]) >>> RECIPROCAL_SHIFT);
    }

    /**
     * Returns the cache name of class {@code sizeClass}: {@code kmalloc-64}, {@code dma-kmalloc-64}, with the
     * kernel's {@code k} suffix for power-of-two sizes from 1 KiB ({@code kmalloc-8k}).
     */
    String name(int sizeClass, boolean dma) {
        int size = blockSize[sizeClass];
        String number = size >= 1024 && Integer.bitCount(size) == 1 ? (size >> 10) + "k" : Integer.toString(size);
        return (dma ? "dma-kmalloc-" : "kmalloc-") + number;
    }
}
