package org.kmemlab.examples.lessons;

import java.util.Arrays;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;

/**
 * "Another driver" that takes memory and keeps it: how the lessons create a shortage that is real,
 * not pretended. It allocates blocks of one order until the allocator says no, and gives them back when
 * asked.
 */
final class MemoryHog {

    private final KernelMemory kernel;
    private final int order;
    private long[] blocks = new long[256];
    private int count;

    private MemoryHog(KernelMemory kernel, int order) {
        this.kernel = kernel;
        this.order = order;
    }

    /**
     * Takes blocks of {@code 2^order} pages with {@code gfp} until an allocation fails, and returns the
     * hog holding them. {@code __GFP_NOWARN} is added: the hog's failures are expected.
     */
    static MemoryHog exhaust(KernelMemory kernel, int gfp, int order) {
        MemoryHog hog = new MemoryHog(kernel, order);
        while (true) {
            long addr = kernel.getFreePages(gfp | Gfp.__GFP_NOWARN, order);
            if (addr == KernelMemory.NULL) {
                return hog;
            }
            hog.keep(addr);
        }
    }

    /**
     * Takes every free page, the emergency reserves included ({@code __GFP_MEMALLOC} ignores the
     * watermarks, as the kernel's memory-reclaim paths may): nothing is left for anyone.
     */
    static MemoryHog takeEverything(KernelMemory kernel) {
        return exhaust(kernel, Gfp.GFP_ATOMIC | Gfp.__GFP_MEMALLOC, 0);
    }

    /**
     * Takes every free page, then gives back all but one page in every aligned group of {@code group}
     * pages (a power of two): most memory is free again, but no free block is {@code group} pages or
     * larger. This is fragmentation, made on purpose.
     */
    static MemoryHog fragment(KernelMemory kernel, int group) {
        MemoryHog all = takeEverything(kernel);
        MemoryHog kept = new MemoryHog(kernel, 0);
        for (int i = 0; i < all.count; i++) {
            long addr = all.blocks[i];
            long pfn = kernel.machine().virtToPfn(addr);
            if ((pfn & (group - 1)) == group - 1) {
                kept.keep(addr);
            } else {
                kernel.freePages(addr, 0);
            }
        }
        return kept;
    }

    private void keep(long addr) {
        if (count == blocks.length) {
            blocks = Arrays.copyOf(blocks, count * 2);
        }
        blocks[count++] = addr;
    }

    /** Returns the number of pages held. */
    long pages() {
        return (long) count << order;
    }

    /** Gives back up to {@code n} blocks, the most recently taken first; returns how many. */
    int release(int n) {
        int given = 0;
        while (given < n && count > 0) {
            kernel.freePages(blocks[--count], order);
            given++;
        }
        return given;
    }

    /** Gives back every block. */
    void releaseAll() {
        release(count);
    }
}
