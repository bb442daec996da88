package org.kmemlab.slab;

import java.util.Arrays;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;

/**
 * The reference slab cache: Bonwick's {@code kmem_cache} for objects of one type.
 *
 * <h2>Why a cache per type</h2>
 * Kernel code allocates the same few structures over and over (inodes, dentries, network buffers,
 * task structs). kmalloc serves them from a size class, and every user then initialises the object from
 * scratch: zero it, set up its lock, point its list heads at themselves. Bonwick's observation (USENIX
 * 1994) is that most of that work is undone on free only to be redone on the next allocation. A cache
 * that knows the type can keep freed objects <em>constructed</em>: the constructor runs once, when the
 * object's memory first becomes an object, and a user frees the object in the constructed state it got
 * it in. {@code kmem_cache_alloc} then only has to pop a free object, whatever its type's set-up costs.
 *
 * <h2>A slab</h2>
 * A slab is a block of {@code 2^order} pages from the page source, cut into equal slots
 * ({@link SlabLayout}). Its bookkeeping lives beside it, in this class's arrays indexed by slab number
 * (Linux keeps it in the pages' {@code struct page}): the slab's address, its colour offset, how many
 * objects are in use, and the head of its free list. Here is a slab of a 100-byte cache with
 * {@code SLAB_HWCACHE_ALIGN} (slots of 128 bytes, 32 per page, no leftover) after three allocations and
 * one free of object 1:
 * <pre>
 *  offset  0      128    256    384    512          3968
 *         +------+------+------+------+------+-- .. -+------+
 *         | obj0 | obj1 | obj2 | obj3 | obj4 |       | obj31|     inUse = 2, freeHead = 1
 *         | LIVE | free | LIVE | free | free |       | free |
 *         +------+------+------+------+------+-- .. -+------+
 *  bufctl:   -     3      -      4      5      ..      -1         (next free object, by index)
 * </pre>
 *
 * <h2>The free-object list</h2>
 * The free objects of a slab form a list threaded through {@code bufctl}, an array of object indices
 * kept outside the objects, as Bonwick's {@code kmem_bufctl} and Linux SLAB's freelist array were. SLUB
 * instead stores the next pointer inside the free object, which costs no memory but overwrites a word of
 * the object: exactly the word a constructor may have set up, which is why SLUB moves the pointer past
 * the object for caches with a constructor or poisoning. Keeping it outside means a free object holds
 * nothing but its user's (constructed) bytes, or poison. Allocation pops the head (LIFO: the object freed
 * last is the one most likely still in the CPU's cache); free pushes. A {@code live} byte per object,
 * not the list, decides whether an object is free, so a double free is caught without walking anything.
 *
 * <h2>Full, partial and empty slabs</h2>
 * Each slab is on one of three lists: <b>full</b> (no free object), <b>partial</b> (some), <b>empty</b>
 * (none in use). Allocation takes from a partial slab first, so objects pack into few slabs and empty
 * slabs stay empty and can be given back; then from an empty slab; only then does it grow the cache by
 * a new slab. A free moves a full slab to partial and a partial one whose last object left to empty. The
 * cache keeps at most {@value #KEEP_EMPTY} empty slab (with its objects constructed, ready to go); a slab
 * that empties beyond that goes back to the page source at once, and {@link #shrink()} gives back every
 * empty one. All moves are O(1) unlinks and pushes on doubly linked lists of slab numbers.
 *
 * <h2>Cache colouring</h2>
 * Slots rarely fill a slab exactly. The leftover bytes are spent on <em>colour</em>: slab {@code k}
 * starts its first object {@code (k mod colours) * step} bytes in ({@link SlabLayout}). Without it,
 * object 0 of every slab sits at the same offset from a page boundary, and since caches index their sets
 * by address bits, object 0 of slab after slab competes for the same few cache lines while other sets
 * idle. Shifting each slab by one line spreads the hot first objects over different sets; Bonwick
 * measured fewer cache misses and better throughput for it. It costs nothing: the bytes were left over.
 *
 * <h2>Constructor semantics</h2>
 * When a slab is made, every object in it is constructed, in order, before any is handed out. An object
 * that is freed keeps the bytes its user left (which a correct user leaves constructed) and is not
 * constructed again while its slab stays with the cache. When a slab goes back to the page source its
 * objects are gone; if the memory comes back in a new slab, its objects are constructed again. The
 * constructor is called with no lock of ours held that it could need, and never on a live object.
 * {@code SLAB_POISON} is ignored with a constructor, since poison would destroy the constructed state.
 *
 * <h2>Misuse</h2>
 * {@link #free(long)} checks, before changing anything: the address is in one of this cache's slabs
 * (else it is not ours: another cache's object, kmalloc memory, rubbish), it is in an object and at the
 * object's start ({@code Invalid object pointer}), the object is live ({@code Object already free}), and
 * with {@code SLAB_RED_ZONE} its red zone is intact. {@link #destroy()} refuses while objects are live.
 *
 * <p>Not thread-safe; the kernel serialises calls to one cache.
 */
final class SlabAllocator implements SlabCache {

    /** Empty slabs kept between calls to {@link #shrink()}. */
    static final int KEEP_EMPTY = 1;

    private static final int FULL = 0;
    private static final int PARTIAL = 1;
    private static final int EMPTY = 2;
    private static final int NONE = -1;

    private final Machine machine;
    private final PageSource pages;
    private final String name;
    private final SlabLayout layout;
    private final ObjectConstructor ctor;
    private final ObjectDebug debug;
    private final boolean poison;
    private final boolean redZone;
    private final int pageGfp;
    private final int perSlab;
    private final SlabIndex index = new SlabIndex();

    // Slab descriptors, by slab number. A number is reused after its slab is given back.
    private long[] base = new long[8];
    private int[] firstObject = new int[8];
    private int[] inUse = new int[8];
    private int[] freeHead = new int[8];
    private int[] listOf = new int[8];
    private int[] prev = new int[8];
    private int[] next = new int[8];
    /** Per object ({@code slab * perSlab + i}): the next free object's index, -1 at the end. */
    private int[] bufctl;
    /** Per object: 1 while it is allocated. */
    private byte[] live;
    private int[] unusedNumbers = new int[8];
    private int unusedCount;
    private int numbersUsed;

    private final int[] head = {NONE, NONE, NONE};
    private long totalSlabs;
    private long emptySlabs;
    private long activeObjects;
    private int colourNext;
    private boolean destroyed;

    SlabAllocator(SlabCacheConfig config) {
        this.machine = config.machine();
        this.pages = config.pages();
        this.name = config.name();
        this.layout = new SlabLayout(config);
        this.ctor = config.ctor();
        this.poison = config.poisons();
        this.redZone = config.redZones();
        this.debug = poison || redZone ? new ObjectDebug(machine, name, layout.objectSize, layout.redZoneOffset)
                : null;
        this.pageGfp = (config.flags() & SlabFlags.SLAB_CACHE_DMA) != 0 ? Gfp.__GFP_DMA : 0;
        this.perSlab = layout.objectsPerSlab;
        this.bufctl = new int[8 * perSlab];
        this.live = new byte[8 * perSlab];
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- allocate

    @Override
    public long allocate(int gfp) {
        requireAlive("kmem_cache_alloc");
        int slab = head[PARTIAL];
        if (slab == NONE) {
            slab = head[EMPTY];
            if (slab == NONE) {
                slab = grow(gfp);
                if (slab == NONE) {
                    return NULL;
                }
            }
        }
        int object = freeHead[slab];
        long addr = base[slab] + firstObject[slab] + (long) object * layout.slotSize;
        if (poison) {
            debug.checkPoison(addr);
        }
        int id = slab * perSlab + object;
        freeHead[slab] = bufctl[id];
        live[id] = 1;
        activeObjects++;
        int used = ++inUse[slab];
        if (used == 1) {
            move(slab, PARTIAL);
            emptySlabs--;
        }
        if (used == perSlab) {
            move(slab, FULL);
        }
        if (redZone) {
            debug.redZone(addr, SlabFlags.RED_ACTIVE);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pa(addr), layout.objectSize, (byte) 0);
        }
        return addr;
    }

    /**
     * Makes a new slab: a block from the page source, its free list, its objects constructed (or
     * poisoned) and their red zones set. Returns its number on the empty list, or {@link #NONE}.
     */
    private int grow(int gfp) {
        long addr = pages.getFreePages((gfp & ~Gfp.__GFP_ZERO) | pageGfp, layout.order);
        if (addr == 0) {
            return NONE;
        }
        long pfn = machine.virtToPfn(addr);
        if ((pfn & ((1L << layout.order) - 1)) != 0) {
            pages.freePages(addr, layout.order);
            throw new IllegalStateException("the page source returned pfn " + pfn + " for an order-" + layout.order
                    + " block, which is not naturally aligned");
        }
        int slab = newNumber();
        base[slab] = addr;
        firstObject[slab] = colourNext * layout.colourStep;
        colourNext = colourNext + 1 == layout.colours ? 0 : colourNext + 1;
        inUse[slab] = 0;
        freeHead[slab] = 0;
        int first = slab * perSlab;
        for (int i = 0; i < perSlab; i++) {
            bufctl[first + i] = i + 1 < perSlab ? i + 1 : -1;
            live[first + i] = 0;
        }
        long object = addr + firstObject[slab];
        try {
            for (int i = 0; i < perSlab; i++, object += layout.slotSize) {
                if (redZone) {
                    debug.redZone(object, SlabFlags.RED_INACTIVE);
                }
                if (poison) {
                    debug.poison(object);
                } else if (ctor != null) {
                    ctor.construct(object);
                }
            }
        } catch (RuntimeException e) {
            unusedNumbers[unusedCount++] = slab;
            pages.freePages(addr, layout.order);
            throw e;
        }
        index.put(pfn >>> layout.order, slab);
        listOf[slab] = NONE;
        push(slab, EMPTY);
        emptySlabs++;
        totalSlabs++;
        return slab;
    }

    private int newNumber() {
        if (unusedCount > 0) {
            return unusedNumbers[--unusedCount];
        }
        int slab = numbersUsed++;
        if (slab == base.length) {
            int n = base.length * 2;
            base = Arrays.copyOf(base, n);
            firstObject = Arrays.copyOf(firstObject, n);
            inUse = Arrays.copyOf(inUse, n);
            freeHead = Arrays.copyOf(freeHead, n);
            listOf = Arrays.copyOf(listOf, n);
            prev = Arrays.copyOf(prev, n);
            next = Arrays.copyOf(next, n);
            unusedNumbers = Arrays.copyOf(unusedNumbers, n);
            bufctl = Arrays.copyOf(bufctl, n * perSlab);
            live = Arrays.copyOf(live, n * perSlab);
        }
        return slab;
    }

    // ---------------------------------------------------------------- free

    @Override
    public void free(long addr) {
        requireAlive("kmem_cache_free");
        int slab = slabOf(addr);
        if (slab == NONE) {
            throw SlabCacheBug.notInCache(name, addr);
        }
        long offset = addr - base[slab] - firstObject[slab];
        if (offset < 0 || offset >= (long) perSlab * layout.slotSize) {
            throw InvalidFreeBug.of("BUG " + name + " (Not tainted): Invalid object pointer 0x" + Long.toHexString(addr),
                    "INFO: 0x" + Long.toHexString(addr) + " is in a slab of " + name
                            + " but in its colour or leftover bytes, not in an object",
                    "pass kmem_cache_free() the pointer kmem_cache_alloc() returned", addr);
        }
        int object = (int) (offset / layout.slotSize);
        long into = offset - (long) object * layout.slotSize;
        if (into != 0) {
            throw InvalidFreeBug.of("BUG " + name + " (Not tainted): Invalid object pointer 0x" + Long.toHexString(addr),
                    "INFO: 0x" + Long.toHexString(addr) + " is " + into + " bytes into the object at 0x"
                            + Long.toHexString(addr - into),
                    "pass kmem_cache_free() the pointer kmem_cache_alloc() returned, not one into the object", addr);
        }
        int id = slab * perSlab + object;
        if (live[id] == 0) {
            throw new DoubleFreeBug(name, addr);
        }
        if (redZone) {
            debug.checkRedZone(addr);
            debug.redZone(addr, SlabFlags.RED_INACTIVE);
        }
        if (poison) {
            debug.poison(addr);
        }
        live[id] = 0;
        bufctl[id] = freeHead[slab];
        freeHead[slab] = object;
        activeObjects--;
        int used = inUse[slab]--;
        if (used == perSlab) {
            move(slab, PARTIAL);
        }
        if (used == 1) {
            move(slab, EMPTY);
            emptySlabs++;
            if (emptySlabs > KEEP_EMPTY) {
                release(slab);
            }
        }
    }

    /** Returns the number of the slab holding {@code addr}, or {@link #NONE}. */
    private int slabOf(long addr) {
        if (!machine.isDirectMapped(addr)) {
            return NONE;
        }
        return index.get(machine.virtToPfn(addr) >>> layout.order);
    }

    // ---------------------------------------------------------------- giving slabs back

    @Override
    public long shrink() {
        requireAlive("kmem_cache_shrink");
        long freed = 0;
        while (head[EMPTY] != NONE) {
            release(head[EMPTY]);
            freed += 1L << layout.order;
        }
        return freed;
    }

    @Override
    public void destroy() {
        requireAlive("kmem_cache_destroy");
        if (activeObjects > 0) {
            throw SlabCacheBug.stillHasObjects(name, activeObjects);
        }
        shrink();
        destroyed = true;
    }

    /** Gives empty slab {@code slab} back to the page source. */
    private void release(int slab) {
        unlink(slab);
        emptySlabs--;
        totalSlabs--;
        index.remove(machine.virtToPfn(base[slab]) >>> layout.order);
        unusedNumbers[unusedCount++] = slab;
        listOf[slab] = NONE;
        pages.freePages(base[slab], layout.order);
    }

    private void requireAlive(String call) {
        if (destroyed) {
            throw SlabCacheBug.destroyed(name, call);
        }
    }

    // ---------------------------------------------------------------- the three lists

    private void move(int slab, int list) {
        unlink(slab);
        push(slab, list);
    }

    private void push(int slab, int list) {
        int first = head[list];
        prev[slab] = NONE;
        next[slab] = first;
        if (first != NONE) {
            prev[first] = slab;
        }
        head[list] = slab;
        listOf[slab] = list;
    }

    private void unlink(int slab) {
        int list = listOf[slab];
        if (list == NONE) {
            return;
        }
        int p = prev[slab];
        int n = next[slab];
        if (p == NONE) {
            head[list] = n;
        } else {
            next[p] = n;
        }
        if (n != NONE) {
            prev[n] = p;
        }
        listOf[slab] = NONE;
    }

    // ---------------------------------------------------------------- reports

    @Override
    public SlabInfo slabinfo() {
        return new SlabInfo(name, activeObjects, totalSlabs * perSlab, layout.slotSize, perSlab, 1L << layout.order,
                totalSlabs - emptySlabs, totalSlabs);
    }

    /** Returns the layout, for tests and the lesson. */
    SlabLayout layout() {
        return layout;
    }

    @Override
    public void checkInvariants() {
        long slabs = 0;
        long empty = 0;
        long objects = 0;
        for (int list = FULL; list <= EMPTY; list++) {
            int before = NONE;
            for (int slab = head[list]; slab != NONE; slab = next[slab]) {
                check(listOf[slab] == list && prev[slab] == before, "slab %d is linked into list %d but says %d", slab,
                        list, listOf[slab]);
                check(++slabs <= totalSlabs, "the slab lists hold more than the %d slabs counted", totalSlabs, 0, 0);
                int live = checkSlab(slab);
                check(list == FULL ? live == perSlab : list == EMPTY ? live == 0 : live > 0 && live < perSlab,
                        "slab %d with %d objects in use is on list %d", slab, live, list);
                empty += live == 0 ? 1 : 0;
                objects += live;
                before = slab;
            }
        }
        check(slabs == totalSlabs && empty == emptySlabs && objects == activeObjects,
                "lists hold %d slabs (%d empty) and %d objects; the counts say otherwise", slabs, empty, objects);
        check(index.size() == totalSlabs, "the slab index has %d entries for %d slabs", index.size(), totalSlabs, 0);
    }

    /** Checks one slab's free list against its live bytes; returns the objects in use. */
    private int checkSlab(int slab) {
        int first = slab * perSlab;
        int live = 0;
        for (int i = 0; i < perSlab; i++) {
            live += this.live[first + i];
        }
        check(live == inUse[slab], "slab %d counts %d objects in use but %d are live", slab, inUse[slab], live);
        int free = 0;
        for (int i = freeHead[slab]; i != -1; i = bufctl[first + i]) {
            check(i >= 0 && i < perSlab && this.live[first + i] == 0, "slab %d's free list holds object %d, which"
                    + " is live or out of range", slab, i, 0);
            check(++free <= perSlab - live, "slab %d's free list is longer than its %d free objects", slab,
                    perSlab - live, 0);
        }
        check(free == perSlab - live, "slab %d's free list has %d objects; %d are free", slab, free, perSlab - live);
        return live;
    }

    private static void check(boolean ok, String template, long a, long b, long c) {
        if (!ok) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, template, a, b, c));
        }
    }
}
