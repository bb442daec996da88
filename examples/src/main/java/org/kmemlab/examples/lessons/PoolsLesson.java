package org.kmemlab.examples.lessons;

import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.Mempool;

/**
 * The lesson: allocate an easy amount early, and parcel it out yourself.
 *
 * <p>When a subsystem must not fail later (a block driver that needs a request structure to write
 * pages out, precisely when memory is short), it takes what it needs while memory is easy to get, and
 * hands it out itself. Two ways:
 * <ol>
 *   <li><b>A private pool</b>: one block of pages cut into fixed-size slots, with the free list kept
 *       inside the free slots themselves (each free slot holds the index of the next), exactly how the
 *       kernel's allocators keep theirs.</li>
 *   <li><b>A mempool</b> ({@code mempool_create_kmalloc_pool}): a reserve in front of kmalloc. An
 *       allocation tries kmalloc first, and only when it fails takes one of {@code min_nr} elements set
 *       aside at creation; a freed element refills the reserve first. The pool guarantees {@code min_nr}
 *       allocations under any pressure, and a caller that may sleep waits for an element instead of
 *       failing.</li>
 * </ol>
 * Then memory runs out (another driver takes every page) and the lesson shows plain kmalloc failing while
 * both pools keep serving, until their own stock is used up.
 *
 * <p>Try: make {@link #RESERVE} smaller than {@link #DEMAND} and count how many requests still succeed.
 */
public final class PoolsLesson extends Lesson {

    /** Size of one request structure. */
    static final int SLOT_BYTES = 256;
    /** The private pool's block: 4 pages, 64 slots. */
    static final int POOL_ORDER = 2;
    /** Elements the reserve sets aside. */
    static final int RESERVE = 16;
    /** Requests made under pressure. */
    static final int DEMAND = 16;

    /** Creates the lesson. */
    public PoolsLesson() {
        super("pools",
                "allocate an easy amount and parcel it out (a private pool, then a mempool)");
    }

    @Override
    public void run(LessonContext ctx) {
        // Per-thread caches off: objects parked in a per-thread magazine would serve kmalloc after the
        // pages are gone, and hide the shortage this lesson is about.
        Kernel kernel = ctx.builder().cpuCaches(false).boot();

        ctx.step("at initialisation, while memory is easy to get");
        SlotPool pool = SlotPool.create(kernel, POOL_ORDER, SLOT_BYTES);
        ctx.expect(pool != null, "the pool's block of " + (1 << POOL_ORDER) + " pages at boot");
        ctx.say("   private pool: one order-%d block at 0x%x, cut into %d slots of %d bytes", POOL_ORDER,
                pool.base, pool.slots, SLOT_BYTES);
        Mempool reserve = kernel.mempoolCreateKmallocPool(RESERVE, SLOT_BYTES);
        ctx.expect(reserve != null, RESERVE + " mempool elements at boot");
        ctx.say("   mempool_create_kmalloc_pool(%d, %d): %d elements set aside", RESERVE, SLOT_BYTES,
                reserve.reserved());
        if (kernel.era() == Era.LINUX_2_0) {
            // mm/mempool.c is in no release of schwabe/davej-history, 2.0 to 2.4.0-pre: it came later
            ctx.say("   (mempool is today's kernel: it came after 2.4.0; a 2.0 driver kept a private pool like the"
                    + " one above)");
        }

        ctx.step("another driver takes every free page, the emergency reserves included");
        MemoryHog hog = MemoryHog.takeEverything(kernel);
        ctx.say("   it holds %d pages", hog.pages());

        int plain = 0;
        long[] got = new long[DEMAND];
        for (int i = 0; i < DEMAND; i++) {
            long p = kernel.kmalloc(SLOT_BYTES, Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN);
            if (p != KernelMemory.NULL) {
                got[plain++] = p;
            }
        }
        ctx.say("   plain kmalloc(%d, GFP_ATOMIC): %d of %d requests served", SLOT_BYTES, plain, DEMAND);
        for (int i = 0; i < plain; i++) {
            kernel.kfree(got[i]);
        }

        int fromPool = 0;
        long[] slots = new long[pool.slots + 1];
        while (true) {
            long slot = pool.alloc();
            if (slot == KernelMemory.NULL) {
                break;
            }
            slots[fromPool++] = slot;
        }
        ctx.say("   private pool: %d requests served, then it is empty and returns NULL too", fromPool);
        ctx.expect(fromPool == pool.slots, "the private pool to serve all of its " + pool.slots + " slots");
        for (int i = 0; i < fromPool; i++) {
            pool.free(slots[i]);
        }

        int fromReserve = 0;
        for (int i = 0; i < DEMAND; i++) {
            long p = kernel.mempoolAlloc(reserve, Gfp.GFP_ATOMIC);
            if (p != KernelMemory.NULL) {
                got[fromReserve++] = p;
            }
        }
        ctx.say("   mempool_alloc(GFP_ATOMIC): %d of %d requests served; %d elements left in the reserve",
                fromReserve, DEMAND, reserve.reserved());
        ctx.expect(plain < DEMAND && fromReserve == DEMAND,
                "plain kmalloc to fail some requests and the mempool (" + RESERVE + " >= " + DEMAND + ") to serve all");
        long extra = kernel.mempoolAlloc(reserve, Gfp.GFP_ATOMIC);
        ctx.expect(extra == KernelMemory.NULL, "GFP_ATOMIC to get NULL once the reserve is empty");
        ctx.say("   one more with GFP_ATOMIC: NULL (a GFP_KERNEL caller would sleep until an element came back)");
        for (int i = 0; i < fromReserve; i++) {
            kernel.mempoolFree(got[i], reserve);
        }
        ctx.say("   all freed to the pool: the reserve is full again (%d)", reserve.reserved());

        hog.releaseAll();
        kernel.mempoolDestroy(reserve);
        pool.destroy();
        ctx.say("");
        ctx.say("Rule: what must not fail later is allocated early, while it is easy, and parcelled out by the"
                + " subsystem itself.");
    }

    /**
     * A private pool: one block of pages cut into equal slots. The free list lives in the free slots:
     * the first 4 bytes of a free slot hold the index of the next free slot, -1 ends the list.
     */
    static final class SlotPool {
        final Kernel kernel;
        final long base;
        final int order;
        final int slotBytes;
        final int slots;
        int firstFree;

        private SlotPool(Kernel kernel, long base, int order, int slotBytes) {
            this.kernel = kernel;
            this.base = base;
            this.order = order;
            this.slotBytes = slotBytes;
            this.slots = (int) ((kernel.machine().pageSize() << order) / slotBytes);
            for (int i = 0; i < slots; i++) {
                kernel.writeInt(slotAddress(i), i + 1 < slots ? i + 1 : -1);
            }
            this.firstFree = 0;
        }

        /** Takes the block from the page allocator; returns null when it cannot be had. */
        static SlotPool create(Kernel kernel, int order, int slotBytes) {
            long block = kernel.getFreePages(Gfp.GFP_KERNEL, order);
            return block == KernelMemory.NULL ? null : new SlotPool(kernel, block, order, slotBytes);
        }

        long slotAddress(int index) {
            return base + (long) index * slotBytes;
        }

        /** Returns a free slot, or NULL when every slot is in use. */
        long alloc() {
            if (firstFree < 0) {
                return KernelMemory.NULL;
            }
            long slot = slotAddress(firstFree);
            firstFree = kernel.readInt(slot);
            return slot;
        }

        /** Gives a slot back: it becomes the head of the free list. */
        void free(long slot) {
            int index = (int) ((slot - base) / slotBytes);
            kernel.writeInt(slot, firstFree);
            firstFree = index;
        }

        void destroy() {
            kernel.freePages(base, order);
        }
    }
}
