package org.kmemlab.bucket;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.stats.SlabInfo;

/**
 * The reference bucket allocator: small objects carved out of pages, in Linux 2.0's layout or in a
 * SLUB-like one.
 *
 * <h2>How a bucket page is laid out</h2>
 * A bucket (a cache, a size class) takes whole pages from the page allocator and cuts each into equal
 * slots. The free slots are chained through the slots themselves: a free object's own bytes hold the
 * address of the next free object, so the list costs no memory at all. Linux 2.0 also put a small
 * descriptor at the start of each page and a header in front of every block. Here is a 2.0 page of the
 * 252-byte bucket right after it was set up, and again after two kmallocs:
 * <pre>
 * offset    0        16       24              268      276             520          4048     4096
 *           +--------+--------+---------------+--------+---------------+-- ... --+--------+
 *  fresh    | desc   | FREE   | (244 bytes)   | FREE   | (244 bytes)   |         | 48 spare |
 *           | ff=16  | next ----------------> | next ------------------> ...     | bytes    |
 *           | nfree=16                                                                    |
 *           +--------+--------+---------------+--------+---------------+-- ... --+--------+
 *  after    | ff=520 | USED   | object 1      | USED   | object 2      | FREE ...
 *  2 allocs | nfree=14 len=200| 0xc...018     | len=240| 0xc...114     |
 * </pre>
 * {@code desc} is the 16-byte {@code page_descriptor} (firstfree {@code ff}, order = the bucket index as in
 * 2.0, nfree), each block
 * starts with an 8-byte {@code block_header} whose {@code bh_flags} says MF_FREE 0x0055ffaa or MF_USED
 * 0xffaa0055 (MF_DMA 0xff00aa55 for the DMA free list) and whose second word is the next free block
 * while free and the requested length while used. kmalloc returns the address just after the header.
 *
 * <p>The modern layout has neither: the slab's metadata lives beside the page (in {@code struct slab},
 * here {@link SlabTable}), objects start at offset 0 and follow each other, and a free object's first
 * 8 bytes are its free pointer. kmalloc-96: 42 objects at 0, 96, 192, … 3936, 64 bytes spare at the
 * end; kmalloc-64: 64 objects, nothing spare, each naturally aligned because the page is.
 *
 * <h2>Why the 2.0 sizes fall short of a power of two</h2>
 * The descriptor and the headers live inside the page, so a bucket of exactly 256 bytes would fit only
 * 15 blocks in (4096 - 16) bytes and waste 240. 2.0 instead divided the space left after the descriptor:
 * {@code 4080 / 2 = 2040}, {@code / 4 = 1020}, {@code / 8 = 510}, rounded down to a multiple of 4, 508;
 * {@code / 16 = 255}, so 252. (The three smallest buckets keep their power-of-two sizes: 32, 64, 128 lose
 * only part of one block.) The big buckets are a whole area minus the descriptor, 4096·2^k - 16. And a
 * caller gets 8 bytes less again, the header: a request fits a bucket when {@code size + 8 <= block}.
 * The lesson for a driver writer of 1996: {@code kmalloc(4096)} does not fit the 4080 bucket and takes an
 * 8 KiB area; ask for at most 4072 bytes or call {@code __get_free_page()}. The largest 2.0 kmalloc is
 * therefore 131072 - 16 - 8 = 131048 bytes.
 *
 * <h2>Alignment</h2>
 * Modern objects are at least 8-byte aligned (96 and 192 at multiples of 32 and 64), and power-of-two
 * ones naturally aligned, since a slab is a naturally aligned buddy block and a whole number of objects.
 * A 2.0 object starts 8 bytes into its block and blocks follow each other, so objects of the 252, 508
 * and 1020 buckets alternate between 8- and 4-byte alignment (offsets 24, 276, 528, …), exactly as on
 * i386 Linux 2.0, whose ABI never needed more than 4. This is the one place where the faithful 2.0
 * layout gives less than the {@code ObjectAllocator} contract's 8 bytes.
 *
 * <h2>The fast paths</h2>
 * <pre>
 * allocate(size, gfp): cache = class of size               free(p): slab = slab owners [pfn of p]
 *   s = cache's active slab, else its first partial slab     offset = p - slab start
 *   p = s.freelist; next = free pointer stored at p          check: object start, live bit
 *   check: next is an object of s (NULL if p is the last     store s.freelist at p; s.freelist = p
 *          free one), p's live bit is clear                  clear live bit; s.inUse--
 *   s.freelist = next; set live bit; s.inUse++               was full? onto the partial list
 *   was p the last free one? s is full, not active           now empty? empty list or page source
 * </pre>
 * Both are O(1): no list is searched, no object is created, nothing is boxed or logged. The division is
 * a multiplication by a precomputed reciprocal ({@link SizeClassTable#objectIndex}).
 *
 * <p>Each public method is split in two. The fast path above handles the common cases of the modern
 * layout: a normal (not DMA, not zeroed) request served by the active slab or, when the cache has none,
 * by its first partial slab, and a valid free. Everything else goes to {@link #allocateSlowly} and
 * {@link #freeSlowly}, which are the complete algorithm: refill from the empty list or a new slab,
 * {@code __GFP_ZERO}, the DMA caches, all of the 2.0 layout (headers, descriptor, magic values), and every
 * error, each checked on its own and reported in the order listed under Misuse. The fast path changes
 * nothing until it has decided to finish, with one exception that is the slow path's own first step:
 * making the first partial slab active. So falling back is always safe, and the fast path never decides
 * anything the slow path would decide differently.
 *
 * <p>Why the last free object and the partial list are on the fast path: in a steady mix of allocations
 * and frees of many sizes (the bench module's mix: 10,000 live objects of 8 to 4,096 bytes), nearly every
 * slab is full or holds one free object. Counted over 12 million pairs, two allocations in three found no
 * active slab, took the first partial slab's only free object and left the slab full, and two frees in
 * three hit a full slab and put it back on the partial list ({@link SlabTable#unfull}). Those steps are
 * the common case there; taking them on the fast path made the mix 16 to 19 % faster.
 *
 * <p>Why split: the JIT inlines a method that it has already compiled only when its machine code is
 * below {@code -XX:InlineSmallCode} (2,500 bytes on x86-64, JDK 17 and 25), and a hot callee only when
 * its bytecode is below {@code -XX:FreqInlineSize} (325 bytes). The whole algorithm compiled to about
 * 2.8 KB, most of it stubs for checks that never fail, so every {@code allocate} and {@code free} was a
 * real call and the pair cost about 23 ns. The fast paths compile to 2.0 to 2.4 KB and are inlined into
 * their callers; the pair costs about 12 ns ({@code bench/README.md} has the measurements). For the same
 * reason the fast allocation ORs its validity tests (each term negative when its check fails, see
 * {@link SizeClassTable#objectStartTest}) and branches once, {@code free} calls out for the rare slab
 * that empties ({@link #refileEmptied}), and {@code PhysicalMemory} keeps the code that creates a chunk
 * out of its inlined writes. The 2.0 layout does four more memory accesses per call; a fast path for
 * it, tried twice, compiled above the limit, was never inlined, and made the modern pair slower, so 2.0
 * keeps the plain path (whose allocation reads a block header's two words in one access).
 *
 * <h2>Pages back to the page source</h2>
 * Each cache keeps its active slab and at most {@value #KEEP_EMPTY} more empty slab between calls to
 * {@link #shrink()}: a slab that becomes empty beyond that is returned at once. This absorbs the
 * ping-pong of one allocation and one free at a slab boundary without asking the page allocator every
 * time, while a burst of frees gives memory back. {@link #shrink()} returns every page without a live
 * object, the active slab's included.
 *
 * <h2>Misuse</h2>
 * free and usableSize check, in this order: the address is in one of our slabs (else
 * {@code kfree of non-kmalloced memory}), it is in an object (else {@code Invalid object pointer}), at
 * the object's start (else the same, with the offset), the object is live (else
 * {@code Object already free}), and in 2.0 its header still says MF_USED/MF_DMA (else
 * {@code Block header overwritten}). Every check runs before anything changes. The live bit, not the
 * free list in memory, decides whether an object is free, so a double free is caught even when the
 * caller scribbled over the freed object.
 *
 * <p>Not thread-safe; kmalloc serialises calls.
 */
final class BucketAllocator implements ObjectAllocator {

    /** Empty slabs a cache keeps on its empty list between calls to {@link #shrink()}. */
    static final int KEEP_EMPTY = 1;
    /** The gfp bits whose work only {@link #allocateSlowly} does: a DMA cache, zeroing. */
    private static final int SLOW_GFP = Gfp.__GFP_DMA | Gfp.__GFP_ZERO;

    private final PhysicalMemory memory;
    private final PageSource pages;
    private final SizeClassTable classes;
    private final SlabLayout layout;
    private final SlabOwners owners;
    private final SlabTable slabs;
    private final long pageOffset;
    private final long ramBytes;
    private final boolean headers;
    private final long maxSize;
    private final int classCount;
    private final String[] names;
    /** The size class of each cache: DMA caches share their class with the normal one. */
    private final int[] classOf;

    BucketAllocator(ObjectAllocatorConfig config) {
        Machine machine = config.machine();
        this.memory = machine.memory();
        this.pages = config.pages();
        this.classes = SizeClassTable.forEra(config.era());
        this.pageOffset = machine.profile().pageOffset();
        this.ramBytes = machine.ramBytes();
        this.headers = classes.hasHeaders();
        this.maxSize = classes.maxSize();
        this.layout = new SlabLayout(memory, pageOffset, headers);
        this.owners = new SlabOwners(machine.frames());
        this.classCount = classes.count();
        this.slabs = new SlabTable(2 * classCount, classes.maxObjectsPerSlab());
        this.names = new String[2 * classCount];
        this.classOf = new int[2 * classCount];
        for (int sizeClass = 0; sizeClass < classCount; sizeClass++) {
            names[sizeClass] = classes.name(sizeClass, false);
            names[classCount + sizeClass] = classes.name(sizeClass, true);
            classOf[sizeClass] = sizeClass;
            classOf[classCount + sizeClass] = sizeClass;
        }
    }

    // ---------------------------------------------------------------- allocate

    @Override
    public long allocate(long size, int gfp) {
        if (!headers && (gfp & SLOW_GFP) == 0 && size > 0 && size <= maxSize) {
            int sizeClass = classes.classOf(size);
            int slab = slabs.active(sizeClass);     // not DMA: the cache index is the size class
            if (slab < 0) {
                slab = slabs.activatePartial(sizeClass);
            }
            if (slab >= 0) {
                long firstObject = pageOffset + slabs.phys(slab);     // modern: objects start at offset 0
                long object = slabs.freelist(slab);
                long next = memory.readLong(object - pageOffset);
                int freeLeft = classes.objectsPerSlab(sizeClass) - slabs.inUse(slab) - 1;
                int index = classes.objectIndex(sizeClass, object - firstObject);
                long nextTest = freeLeft == 0 ? next | -next : classes.objectStartTest(sizeClass, next - firstObject);
                if ((nextTest | freeLeft | slabs.liveTest(slab, index)) >= 0) {
                    slabs.popObject(slab, index, next);
                    if (freeLeft == 0) {
                        slabs.retireActive(sizeClass, SlabTable.FULL);
                    }
                    return object;
                }
            }
        }
        return allocateSlowly(size, gfp);
    }

    /**
     * Everything {@link #allocate} does not do on its fast path: a DMA cache, {@code __GFP_ZERO}, a cache
     * without an active slab (refill), the object that fills its slab, and every damaged free list (which
     * this path reports). Also correct for the common case; the fast path only saves work.
     */
    private long allocateSlowly(long size, int gfp) {
        if (size <= 0 || size > maxSize) {
            return NULL;
        }
        boolean dma = (gfp & Gfp.__GFP_DMA) != 0;
        int sizeClass = classes.classOf(size);
        int cache = dma ? classCount + sizeClass : sizeClass;
        int slab = slabs.active(cache);
        if (slab < 0) {
            slab = refill(cache, sizeClass, dma, gfp);
            if (slab < 0) {
                return NULL;
            }
        }
        return takeObject(slab, cache, sizeClass, size, gfp);
    }

    /**
     * Pops the first free object of {@code slab}, the active slab of {@code cache}. The free pointer read
     * from the object is checked before anything changes: one combined test on the fast path, and when it
     * fails, {@link #freelistDamage} tells the kinds of damage apart, each with its own report (SLUB's
     * {@code check_valid_pointer} and {@code on_freelist} tell the same cases apart).
     */
    private long takeObject(int slab, int cache, int sizeClass, long size, int gfp) {
        long slabPhys = slabs.phys(slab);
        long object = slabs.freelist(slab);
        long objectPhys = object - pageOffset;
        long firstObject = pageOffset + slabPhys + classes.firstObjectOffset();
        int index = classes.objectIndex(sizeClass, object - firstObject);
        long header = headers ? layout.readHeader(objectPhys) : 0;      // 2.0: bh_flags and bh_next, one read
        long next = headers ? layout.nextFree(header, pageOffset + slabPhys) : memory.readLong(objectPhys);
        int freeLeft = classes.objectsPerSlab(sizeClass) - slabs.inUse(slab) - 1;
        long nextOffset = next - firstObject;
        boolean nextFits = next == NULL ? freeLeft == 0
                : freeLeft > 0 && Long.compareUnsigned(nextOffset, classes.objectSpan(sizeClass)) < 0
                        && nextOffset == (long) classes.objectIndex(sizeClass, nextOffset) * classes.blockSize(sizeClass);
        if (!nextFits || slabs.isLive(slab, index)) {
            throw freelistDamage(slab, sizeClass, object, index, next, freeLeft);
        }
        if (headers) {
            takeBlock(slab, objectPhys, (int) header, cache >= classCount, size, next, freeLeft);
        }
        slabs.popObject(slab, index, next);
        if (freeLeft == 0) {
            slabs.retireActive(cache, SlabTable.FULL);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            memory.fill(objectPhys, classes.usableSize(sizeClass), (byte) 0);
        }
        return object;
    }

    /**
     * Says how the free list of {@code slab} is broken at {@code object}, whose free pointer is
     * {@code next}, when {@link #takeObject}'s combined test failed: one check per kind of damage, in order.
     */
    private KernelBug freelistDamage(int slab, int sizeClass, long object, int index, long next, int freeLeft) {
        long slabPhys = slabs.phys(slab);
        if (slabs.isLive(slab, index)) {
            return freelistCorrupt(slab, object, "the free list leads to an object that is live");
        }
        if (next == NULL) {
            return freelistCorrupt(slab, object, "the free list ends here, but " + freeLeft
                    + " more objects of the slab are free");
        }
        if (freeLeft == 0) {
            return freelistCorrupt(slab, object, "the slab has no other free object, but its free pointer goes on"
                    + " to 0x" + Long.toHexString(next));
        }
        if (!isInSlab(sizeClass, slabPhys, next)) {
            return freelistCorrupt(slab, object, "its free pointer 0x" + Long.toHexString(next)
                    + " is not an object of this slab or NULL");
        }
        return freelistCorrupt(slab, object, "its free pointer 0x" + Long.toHexString(next)
                + " points into the slab, but not at the start of an object");
    }

    /** Returns true when direct-map address {@code addr} lies in the objects of the slab at {@code slabPhys}. */
    private boolean isInSlab(int sizeClass, long slabPhys, long addr) {
        long offset = addr - pageOffset - slabPhys - classes.firstObjectOffset();
        return Long.compareUnsigned(offset, classes.objectSpan(sizeClass)) < 0;
    }

    /**
     * 2.0 only: checks that the block about to be handed out is marked free (its {@code bh_flags} are
     * {@code flags}), then stamps its header and the page descriptor.
     */
    private void takeBlock(int slab, long objectPhys, int flags, boolean dma, long size, long next, int nfree) {
        if (flags != SlabLayout.MF_FREE) {
            throw freelistCorrupt(slab, objectPhys + pageOffset,
                    "block on freelist isn't free (bh_flags 0x" + Integer.toHexString(flags) + ")");
        }
        layout.writeUsed(objectPhys, dma, size);
        layout.writeDescriptor(slabs.phys(slab), next, nfree);
    }

    /** The report of a free list of {@code slab} found broken at {@code object}; {@code what} says how. */
    private KernelBug freelistCorrupt(int slab, long object, String what) {
        return BucketBugs.freelistCorrupt(names[slabs.cacheOf(slab)], pageOffset + slabs.phys(slab), object, what);
    }

    /**
     * Finds the cache a new active slab: the first partial slab, else a kept empty one, else a new slab
     * from the page source. Returns -1, having changed nothing, when the page source has no pages.
     */
    private int refill(int cache, int sizeClass, boolean dma, int gfp) {
        int slab = slabs.activatePartial(cache);
        if (slab >= 0) {
            return slab;
        }
        slab = slabs.head(cache, SlabTable.EMPTY);
        if (slab >= 0) {
            slabs.unlink(slab);
        } else {
            slab = newSlab(cache, sizeClass, dma, gfp);
            if (slab < 0) {
                return -1;
            }
        }
        slabs.activate(cache, slab);
        return slab;
    }

    private int newSlab(int cache, int sizeClass, boolean dma, int gfp) {
        int order = classes.order(sizeClass);
        int pageGfp = gfp & ~Gfp.__GFP_ZERO;
        long virt = pages.getFreePages(pageGfp, order);
        if (virt == NULL) {
            return -1;
        }
        long slabPhys = virt - pageOffset;
        long slabBytes = MachineProfile.PAGE_SIZE << order;
        if (Long.compareUnsigned(slabPhys, ramBytes - slabBytes) > 0 || (slabPhys & (slabBytes - 1)) != 0
                || (dma && slabPhys + slabBytes > MachineProfile.MAX_DMA_ADDRESS)) {
            throw new IllegalStateException(badPages(virt, order, dma));
        }
        int slab = slabs.create(cache, sizeClass, slabPhys, layout.format(classes, sizeClass, slabPhys));
        try {
            owners.map(slabPhys >>> MachineProfile.PAGE_SHIFT, order, slab);
        } catch (IllegalStateException e) {
            slabs.destroy(slab);
            throw e;
        }
        return slab;
    }

    private static String badPages(long virt, int order, boolean dma) {
        return "the page source returned 0x" + Long.toHexString(virt) + " for an order-" + order
                + (dma ? " __GFP_DMA" : "") + " request: not a naturally aligned block of this machine's"
                + (dma ? " ZONE_DMA" : " RAM");
    }

    // ---------------------------------------------------------------- free and ksize

    @Override
    public void free(long addr) {
        long objectPhys = addr - pageOffset;
        int slab = headers ? -1 : owners.slabOfPhys(objectPhys);
        if (slab >= 0) {
            int sizeClass = slabs.sizeClassOf(slab);
            long offset = objectPhys - slabs.phys(slab);      // from the first object, at offset 0
            if (classes.objectStartTest(sizeClass, offset) >= 0) {
                int index = classes.objectIndex(sizeClass, offset);
                if (slabs.liveTest(slab, index) < 0) {
                    memory.writeLong(objectPhys, slabs.freelist(slab));
                    int inUse = slabs.pushObject(slab, index, addr);
                    byte kind = slabs.kind(slab);
                    if (kind == SlabTable.FULL && inUse > 0) {
                        slabs.unfull(slab);
                    } else if (inUse == 0 && kind != SlabTable.ACTIVE) {
                        refileEmptied(slab);
                    }
                    return;
                }
            }
        }
        freeSlowly(addr);
    }

    /**
     * The complete free, for the 2.0 layout and for any address {@link #free}'s fast path did not accept:
     * each check on its own, in the order the class comment lists, with its own report.
     */
    private void freeSlowly(long addr) {
        int slab = slabOf(addr);
        int cache = slabs.cacheOf(slab);
        int sizeClass = classOf[cache];
        long slabPhys = slabs.phys(slab);
        long objectPhys = addr - pageOffset;
        int index = liveObjectIndex(slab, cache, sizeClass, objectPhys - slabPhys - classes.firstObjectOffset(),
                addr, true);
        if (headers) {
            checkHeader(cache, objectPhys);
        }
        layout.writeFree(objectPhys, slabs.freelist(slab));
        int inUse = slabs.pushObject(slab, index, addr);
        int objects = classes.objectsPerSlab(sizeClass);
        if (headers) {
            layout.writeDescriptor(slabPhys, addr, objects - inUse);
        }
        if (slabs.kind(slab) != SlabTable.ACTIVE) {
            refile(slab, cache, inUse, objects);
        }
    }

    /** 2.0 only: a live block's header must still say MF_USED (MF_DMA in a DMA cache). */
    private void checkHeader(int cache, long objectPhys) {
        int expected = cache < classCount ? SlabLayout.MF_USED : SlabLayout.MF_DMA;
        int flags = layout.flags(objectPhys);
        if (flags != expected) {
            throw BucketBugs.headerOverwritten(names[cache],
                    pageOffset + objectPhys - SizeClassTable.BLOCK_HEADER_BYTES, flags, expected);
        }
    }

    /** {@link #refile} for a non-active slab whose last live object {@link #free}'s fast path has just taken back. */
    private void refileEmptied(int slab) {
        refile(slab, slabs.cacheOf(slab), 0, classes.objectsPerSlab(slabs.sizeClassOf(slab)));
    }

    /** Moves a non-active slab to the list its new count calls for, or returns it to the page source. */
    private void refile(int slab, int cache, int inUse, int objects) {
        boolean wasFull = inUse + 1 == objects;
        if (inUse > 0 && !wasFull) {
            return;
        }
        slabs.unlink(slab);
        if (inUse > 0) {
            slabs.push(slab, SlabTable.PARTIAL);
        } else if (slabs.count(cache, SlabTable.EMPTY) < KEEP_EMPTY) {
            slabs.push(slab, SlabTable.EMPTY);
        } else {
            release(slab);
        }
    }

    @Override
    public long usableSize(long addr) {
        int slab = slabOf(addr);
        int cache = slabs.cacheOf(slab);
        int sizeClass = classOf[cache];
        long offset = addr - pageOffset - slabs.phys(slab) - classes.firstObjectOffset();
        liveObjectIndex(slab, cache, sizeClass, offset, addr, false);
        return classes.usableSize(sizeClass);
    }

    /** Returns the slab that holds {@code addr}, or throws the report that the address is not ours. */
    private int slabOf(long addr) {
        int slab = owners.slabOfPhys(addr - pageOffset);
        if (slab < 0) {
            throw BucketBugs.notOwned(addr);
        }
        return slab;
    }

    /**
     * Returns the index of the live object that starts {@code offset} bytes after the first object of
     * {@code slab} (at {@code addr}), or throws the report that says what {@code addr} is instead: not an
     * object start, or an object that is free.
     */
    private int liveObjectIndex(int slab, int cache, int sizeClass, long offset, long addr, boolean forFree) {
        int index = classes.objectIndex(sizeClass, offset);
        if (offset < 0 || index >= classes.objectsPerSlab(sizeClass)
                || offset != (long) index * classes.blockSize(sizeClass)) {
            throw notAnObject(slab, addr);
        }
        if (!slabs.isLive(slab, index)) {
            throw forFree ? BucketBugs.doubleFree(names[cache], addr) : BucketBugs.sizeOfFreeObject(names[cache], addr);
        }
        return index;
    }

    /** Says where in {@code slab} the address that is not an object start lies. */
    private KernelBug notAnObject(int slab, long addr) {
        int cache = slabs.cacheOf(slab);
        int sizeClass = classOf[cache];
        long slabVirt = pageOffset + slabs.phys(slab);
        long inSlab = addr - slabVirt;
        if (inSlab < classes.firstBlockOffset()) {
            return BucketBugs.notInAnObject(names[cache], addr, "page descriptor", slabVirt);
        }
        if (inSlab >= classes.slabUsedBytes(sizeClass)) {
            return BucketBugs.notInAnObject(names[cache], addr, "unused tail", slabVirt);
        }
        long offset = inSlab - classes.firstObjectOffset();
        long within = offset < 0 ? -1
                : offset - (long) classes.objectIndex(sizeClass, offset) * classes.blockSize(sizeClass);
        if (within < 0 || within >= classes.usableSize(sizeClass)) {
            return BucketBugs.notInAnObject(names[cache], addr, "block header", slabVirt);
        }
        return BucketBugs.interior(names[cache], addr, addr - within, within);
    }

    // ---------------------------------------------------------------- pages back, reports

    @Override
    public List<org.kmemlab.api.spi.SizeClass> sizeClasses() {
        List<org.kmemlab.api.spi.SizeClass> out = new ArrayList<>();
        for (int s = 0; s < 2 * classCount; s++) {
            out.add(new org.kmemlab.api.spi.SizeClass(names[s], classes.usableSize(classOf[s]), s >= classCount));
        }
        return List.copyOf(out);
    }

    @Override
    public long maxSize() {
        return classes.maxSize();
    }

    @Override
    public long shrink() {
        long released = 0;
        for (int cache = 0; cache < 2 * classCount; cache++) {
            int pagesPerSlab = 1 << classes.order(classOf[cache]);
            for (int slab = slabs.head(cache, SlabTable.EMPTY); slab >= 0; slab = slabs.head(cache, SlabTable.EMPTY)) {
                slabs.unlink(slab);
                release(slab);
                released += pagesPerSlab;
            }
            int active = slabs.active(cache);
            if (active >= 0 && slabs.inUse(active) == 0) {
                slabs.dropActive(cache);
                release(active);
                released += pagesPerSlab;
            }
        }
        return released;
    }

    /** Returns {@code slab}, on no list and without live objects, to the page source. */
    private void release(int slab) {
        int order = classes.order(classOf[slabs.cacheOf(slab)]);
        long slabPhys = slabs.phys(slab);
        owners.unmap(slabPhys >>> MachineProfile.PAGE_SHIFT, order);
        slabs.destroy(slab);
        pages.freePages(pageOffset + slabPhys, order);
    }

    /** {@inheritDoc} Every cache is listed, also one that never held a page; normal before DMA per size. */
    @Override
    public List<SlabInfo> slabinfo() {
        List<SlabInfo> rows = new ArrayList<>(2 * classCount);
        for (int sizeClass = 0; sizeClass < classCount; sizeClass++) {
            rows.add(row(sizeClass));
            rows.add(row(classCount + sizeClass));
        }
        return rows;
    }

    private SlabInfo row(int cache) {
        int sizeClass = classOf[cache];
        long objects = classes.objectsPerSlab(sizeClass);
        int active = slabs.active(cache);
        long activeSlabs = slabs.count(cache, SlabTable.PARTIAL) + slabs.count(cache, SlabTable.FULL);
        long totalSlabs = activeSlabs + slabs.count(cache, SlabTable.EMPTY);
        if (active >= 0) {
            totalSlabs++;
            activeSlabs += slabs.inUse(active) > 0 ? 1 : 0;
        }
        return new SlabInfo(names[cache], slabs.liveObjects(cache, (int) objects), totalSlabs * objects,
                classes.blockSize(sizeClass),
                objects, 1L << classes.order(sizeClass), activeSlabs, totalSlabs);
    }

    @Override
    public void checkInvariants() {
        new SlabChecker(classes, slabs, owners, layout, names, pageOffset).check();
    }

    @Override
    public String toString() {
        return "BucketAllocator[" + classes.era() + ", " + slabs.slabsInUse() + " slabs, "
                + owners.mappedFrames() + " pages]";
    }
}
