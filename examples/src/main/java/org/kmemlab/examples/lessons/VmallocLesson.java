package org.kmemlab.examples.lessons;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Machine;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: kmalloc, get_free_pages or vmalloc: when each is right.
 *
 * <ul>
 *   <li><b>kmalloc</b> for objects smaller than a page, or a few pages: fast, physically contiguous,
 *       usable for DMA, rounded up to a size class ({@code ksize}).</li>
 *   <li><b>__get_free_pages</b> for whole pages, {@code 2^order} of them, naturally aligned: page
 *       tables, ring buffers, DMA bounce buffers.</li>
 *   <li><b>vmalloc</b> for large buffers that only the CPU touches (module code, big tables): built from
 *       single pages anywhere in memory and made contiguous <em>virtually</em>, through page tables. It
 *       works when memory is too fragmented for a large physically contiguous block, at the cost of
 *       setting up page tables and TLB misses.</li>
 * </ul>
 * The lesson shows the first two, then fragments memory (another driver keeps every second page) so
 * that a 64 KiB kmalloc fails although half of RAM is free, while {@code vmalloc} of the same 64 KiB
 * succeeds: sixteen single pages, wherever they are, mapped side by side in the vmalloc area. Every
 * access to it walks the simulated page tables, and the unmapped guard page after the area catches a
 * write one byte too far with an Oops.
 *
 * <p>Try: ask for 64 KiB with {@code getFreePages(GFP_KERNEL, 4)} on the fragmented machine.
 */
public final class VmallocLesson extends Lesson {

    static final int BIG_BYTES = 64 * 1024;

    /** Creates the lesson. */
    public VmallocLesson() {
        super("vmalloc", "kmalloc vs vmalloc vs get_free_pages: when each is right");
    }

    @Override
    public void run(LessonContext ctx) {
        Kernel kernel = ctx.builder().cpuCaches(false).boot();
        Machine machine = kernel.machine();

        ctx.step("kmalloc: small objects, rounded up to a size class");
        for (long size : new long[] {100, 1000, 3000}) {
            long p = kernel.kmalloc(size, Gfp.GFP_KERNEL);
            ctx.expect(p != KernelMemory.NULL, "kmalloc(" + size + ") on an idle machine");
            ctx.say("   kmalloc(%4d) = 0x%x  ksize %4d  physical 0x%x", size, p, kernel.ksize(p), machine.pa(p));
            kernel.kfree(p);
        }

        ctx.step("__get_free_pages: whole pages, naturally aligned");
        long pages = kernel.getFreePages(Gfp.GFP_KERNEL, 2);
        ctx.expect(pages != KernelMemory.NULL, "an order-2 block on an idle machine");
        ctx.say("   %s = 0x%x: 16 KiB, physical address %% 16 KiB = %d",
                LessonContext.getFreePagesCall(kernel.era(), "GFP_KERNEL", 2, false), pages,
                machine.pa(pages) % (4 * machine.pageSize()));
        kernel.freePages(pages, 2);

        ctx.step("fragmentation: another driver keeps every second page");
        MemoryHog hog = MemoryHog.fragment(kernel, 2);
        MemInfo info = kernel.meminfo();
        ctx.say("   MemFree %d kB of MemTotal %d kB, but no two free pages are buddies:", info.memFree(),
                info.memTotal());
        ctx.showFreeLists(kernel);
        long big = kernel.kmalloc(BIG_BYTES, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
        ctx.expect(big == KernelMemory.NULL, "a physically contiguous 64 KiB to fail on fragmented memory");
        ctx.say("   kmalloc(%d, GFP_KERNEL) = NULL", BIG_BYTES);

        ctx.step("vmalloc: single pages from anywhere, contiguous only through page tables");
        long buffer = kernel.vmalloc(BIG_BYTES);
        ctx.expect(buffer != KernelMemory.NULL, "vmalloc to find sixteen single pages while half of memory is free");
        ctx.say("   vmalloc(%d) = 0x%x: in the vmalloc area (0x%x-0x%x), outside the direct map: %s", BIG_BYTES,
                buffer, machine.vmallocStart(), machine.vmallocEnd() - 1, !machine.isDirectMapped(buffer));
        ctx.showView(kernel, "vmallocinfo");
        for (int offset = 0; offset < BIG_BYTES; offset += 1024) {
            kernel.writeByte(buffer + offset, (byte) (offset >>> 10));     // each access walks the page tables
        }
        boolean intact = true;
        for (int offset = 0; offset < BIG_BYTES; offset += 1024) {
            intact &= kernel.readByte(buffer + offset) == (byte) (offset >>> 10);
        }
        ctx.expect(intact, "the bytes written through the page tables to read back");
        ctx.say("   wrote and read back one byte per KiB across all %d bytes: the buffer works", BIG_BYTES);
        try {
            kernel.writeByte(buffer + BIG_BYTES, (byte) 1);                // one byte too far: the guard page
            throw new LessonFailed("a write into the guard page after a vmalloc area to Oops");
        } catch (KernelBug oops) {
            ctx.say("   one byte past the end lands in the guard page vmalloc leaves after every area:");
            ctx.report(oops);
        }
        kernel.vfree(buffer);
        hog.releaseAll();
        ctx.say("");
        ctx.say("Rule: kmalloc for objects, get_free_pages for whole aligned pages, vmalloc for big buffers only"
                + " the CPU touches.");
    }
}
