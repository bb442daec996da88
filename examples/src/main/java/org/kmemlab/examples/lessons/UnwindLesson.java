package org.kmemlab.examples.lessons;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: allocate at the top of the function, and unwind cleanly when something fails.
 *
 * <p>A driver's {@code open()} needs three things: its private state (kzalloc), a receive ring of four
 * pages (__get_free_pages, order 2) and a 32 KiB buffer (kmalloc). The kernel's idiom is to get all of
 * them first, before the device is touched, and on failure to give back exactly what was obtained, in
 * reverse order, with the {@code goto err_free_ring;} ladder:
 * <pre>
 *   priv = kzalloc(sizeof(*priv), GFP_KERNEL);   if (!priv) goto err;
 *   ring = __get_free_pages(GFP_KERNEL, 2);       if (!ring) goto err_free_priv;
 *   buf  = kmalloc(32768, GFP_KERNEL);            if (!buf)  goto err_free_ring;
 *   ...
 * err_free_ring: free_pages(ring, 2);
 * err_free_priv: kfree(priv);
 * err:           return -ENOMEM;
 * </pre>
 * Java has no goto; nested {@code if}s do the same job and read top to bottom.
 *
 * <p>The lesson fragments memory (plenty is free, but no free block has 8 pages) so that the third
 * allocation fails while the first two succeed, then compares a careful {@code open()} with one that
 * forgets to unwind, using {@code /proc/meminfo}: after a failed careful open MemFree is back where it
 * was; after the careless one pages are gone for good.
 *
 * <p>Try: remove the {@code kfree(priv)} from {@link #openCarefully} and see which figure moves.
 */
public final class UnwindLesson extends Lesson {

    /** -ENOMEM, what a failed open returns. */
    static final int ENOMEM = -12;
    static final long PRIV_BYTES = 512;
    static final int RING_ORDER = 2;
    static final long BUFFER_BYTES = 32 * 1024;

    /** The three resources of an open device. */
    private record Device(long priv, long ring, long buffer) {
    }

    /** Creates the lesson. */
    public UnwindLesson() {
        super("unwind", "allocate at the top of the function and unwind cleanly on failure");
    }

    @Override
    public void run(LessonContext ctx) {
        // Per-thread caches off: /proc/meminfo then counts every page exactly, which this lesson compares.
        Kernel kernel = ctx.builder().cpuCaches(false).boot();

        ctx.step("open() on a healthy machine");
        Device dev = openCarefully(kernel);
        ctx.expect(dev != null, "open() to succeed while memory is plentiful");
        ctx.say("   priv=0x%x ring=0x%x buf=0x%x", dev.priv(), dev.ring(), dev.buffer());
        close(kernel, dev);
        kernel.drainCpuCaches();   // the allocators give their now empty pages back before the shortage

        ctx.step("another driver keeps one page in every 8: memory is mostly free, but in pieces");
        MemoryHog hog = MemoryHog.fragment(kernel, 8);
        ctx.say("   it holds %d pages; no free block is 8 pages or larger:", hog.pages());
        ctx.showFreeLists(kernel);

        ctx.step("a careful open(): allocates everything first, unwinds on failure");
        kernel.drainCpuCaches();   // empty slab pages go back first, so the figures below see only open()
        MemInfo before = kernel.meminfo();
        Device careful = openCarefully(kernel);
        kernel.drainCpuCaches();   // and the slab page priv used, now empty, goes back too
        MemInfo after = kernel.meminfo();
        ctx.expect(careful == null, "the 32 KiB buffer to fail on a machine without free 8-page blocks");
        ctx.say("   open() returned %d (-ENOMEM); MemFree %d kB before, %d kB after: nothing leaked",
                ENOMEM, before.memFree(), after.memFree());
        ctx.expect(before.memFree() == after.memFree(), "MemFree to be unchanged after a clean unwind");

        ctx.step("a careless open(): returns on failure without giving back what it got");
        kernel.drainCpuCaches();
        before = kernel.meminfo();
        long leakedPriv = openCarelessly(kernel);
        kernel.drainCpuCaches();
        after = kernel.meminfo();
        long lostKb = before.memFree() - after.memFree();
        ctx.say("   open() failed too, but MemFree went from %d kB to %d kB: %d kB are lost until reboot",
                before.memFree(), after.memFree(), lostKb);
        ctx.expect(lostKb > 0, "the careless open to leak memory");
        ctx.say("   (priv at 0x%x and the ring are still allocated, and nobody has their addresses)", leakedPriv);

        hog.releaseAll();
        ctx.say("");
        ctx.say("Rule: get every resource at the top, check each one, and on failure free what you got in reverse"
                + " order before returning -ENOMEM.");
    }

    /** The careful open: returns the device, or null (-ENOMEM) having freed whatever it got. */
    static Device openCarefully(Kernel kernel) {
        long priv = kernel.kzalloc(PRIV_BYTES, Gfp.GFP_KERNEL);
        if (priv != KernelMemory.NULL) {
            long ring = kernel.getFreePages(Gfp.GFP_KERNEL, RING_ORDER);
            if (ring != KernelMemory.NULL) {
                long buffer = kernel.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
                if (buffer != KernelMemory.NULL) {
                    return new Device(priv, ring, buffer);
                }
                kernel.freePages(ring, RING_ORDER);   // err_free_ring
            }
            kernel.kfree(priv);                       // err_free_priv
        }
        return null;                                  // err: -ENOMEM
    }

    /**
     * The careless open, kept as a bad example: it checks each result, but on failure it simply returns.
     * Returns the leaked priv address so that the lesson can show it.
     */
    static long openCarelessly(Kernel kernel) {
        long priv = kernel.kzalloc(PRIV_BYTES, Gfp.GFP_KERNEL);
        if (priv == KernelMemory.NULL) {
            return KernelMemory.NULL;
        }
        long ring = kernel.getFreePages(Gfp.GFP_KERNEL, RING_ORDER);
        if (ring == KernelMemory.NULL) {
            return priv;                              // BUG: priv leaks
        }
        long buffer = kernel.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
        if (buffer == KernelMemory.NULL) {
            return priv;                              // BUG: priv and ring leak
        }
        kernel.kfree(buffer);
        kernel.freePages(ring, RING_ORDER);
        kernel.kfree(priv);
        return KernelMemory.NULL;
    }

    private static void close(Kernel kernel, Device dev) {
        kernel.kfree(dev.buffer());
        kernel.freePages(dev.ring(), RING_ORDER);
        kernel.kfree(dev.priv());
    }
}
