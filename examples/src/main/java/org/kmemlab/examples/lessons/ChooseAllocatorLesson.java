package org.kmemlab.examples.lessons;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Machine;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.kmalloc.Kernel;

/**
 * Lesson 7: kmalloc, get_free_pages or vmalloc: when each is right.
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
 * that a 64 KiB kmalloc fails although half of RAM is free, and then builds a 64 KiB buffer the way
 * vmalloc does: sixteen single pages, wherever they are, and a table that maps each virtual page of the
 * buffer to its frame. This build's kernel has no vmalloc of its own yet, so the lesson does the mapping
 * itself ({@link PageMappedBuffer}) and shows exactly what vmalloc's page tables hold.
 *
 * <p>Try: ask for 64 KiB with {@code getFreePages(GFP_KERNEL, 4)} on the fragmented machine.
 */
public final class ChooseAllocatorLesson extends Lesson {

    static final int BIG_BYTES = 64 * 1024;

    /** Creates the lesson. */
    public ChooseAllocatorLesson() {
        super(7, "vmalloc", "kmalloc vs vmalloc vs get_free_pages: when each is right");
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
        ctx.say("   __get_free_pages(GFP_KERNEL, 2) = 0x%x: 16 KiB, physical address %% 16 KiB = %d", pages,
                machine.pa(pages) % (4 * machine.pageSize()));
        kernel.freePages(pages, 2);

        ctx.step("fragmentation: another driver keeps every second page");
        MemoryHog hog = MemoryHog.fragment(kernel, 2);
        MemInfo info = kernel.meminfo();
        ctx.say("   MemFree %d kB of MemTotal %d kB, but no two free pages are buddies:", info.memFree(),
                info.memTotal());
        ctx.show("/proc/buddyinfo", kernel.procBuddyinfo());
        long big = kernel.kmalloc(BIG_BYTES, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
        ctx.expect(big == KernelMemory.NULL, "a physically contiguous 64 KiB to fail on fragmented memory");
        ctx.say("   kmalloc(%d, GFP_KERNEL) = NULL", BIG_BYTES);

        ctx.step("what vmalloc does: single pages from anywhere, contiguous only through a page table");
        PageMappedBuffer buffer = PageMappedBuffer.allocate(kernel, BIG_BYTES);
        ctx.expect(buffer != null, "sixteen single pages while half of memory is free");
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < buffer.pages(); i++) {
            frames.append(i == 0 ? "" : " ").append(machine.virtToPfn(buffer.page(i)));
        }
        ctx.say("   virtual pages 0..%d map to frames %s", buffer.pages() - 1, frames);
        for (int offset = 0; offset < BIG_BYTES; offset += 1024) {
            buffer.writeByte(offset, (byte) (offset >>> 10));
        }
        boolean intact = true;
        for (int offset = 0; offset < BIG_BYTES; offset += 1024) {
            intact &= buffer.readByte(offset) == (byte) (offset >>> 10);
        }
        ctx.expect(intact, "the bytes written through the page table to read back");
        ctx.say("   wrote and read back one byte per KiB across all %d bytes: the buffer works", BIG_BYTES);
        buffer.free();
        hog.releaseAll();
        ctx.say("");
        ctx.say("Rule: kmalloc for objects, get_free_pages for whole aligned pages, vmalloc for big buffers only"
                + " the CPU touches.");
    }

    /**
     * A buffer built the way vmalloc builds one: {@code n} single pages allocated one at a time, and a
     * table (the page table of the buffer's virtual range) that maps virtual page {@code i} to its frame.
     * An access at offset {@code o} goes to page {@code o / PAGE_SIZE}, byte {@code o % PAGE_SIZE}: what
     * the MMU does on every access to a vmalloc address.
     */
    static final class PageMappedBuffer {
        private final Kernel kernel;
        private final long[] pageTable;
        private final int pageShift;

        private PageMappedBuffer(Kernel kernel, long[] pageTable) {
            this.kernel = kernel;
            this.pageTable = pageTable;
            this.pageShift = kernel.machine().pageShift();
        }

        /** Allocates {@code bytes} as single pages; returns null (having freed what it got) on failure. */
        static PageMappedBuffer allocate(Kernel kernel, long bytes) {
            int n = (int) ((bytes + kernel.machine().pageSize() - 1) >>> kernel.machine().pageShift());
            long[] table = new long[n];
            for (int i = 0; i < n; i++) {
                table[i] = kernel.getFreePages(Gfp.GFP_KERNEL, 0);
                if (table[i] == KernelMemory.NULL) {
                    for (int j = 0; j < i; j++) {
                        kernel.freePages(table[j], 0);
                    }
                    return null;
                }
            }
            return new PageMappedBuffer(kernel, table);
        }

        int pages() {
            return pageTable.length;
        }

        long page(int i) {
            return pageTable[i];
        }

        private long translate(long offset) {
            return pageTable[(int) (offset >>> pageShift)] + (offset & ((1L << pageShift) - 1));
        }

        byte readByte(long offset) {
            return kernel.readByte(translate(offset));
        }

        void writeByte(long offset, byte value) {
            kernel.writeByte(translate(offset), value);
        }

        void free() {
            for (long page : pageTable) {
                kernel.freePages(page, 0);
            }
        }
    }
}
