package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;

/**
 * The kernel hands its era to the page allocators (through the zone allocator's configuration), so on a
 * 16 MiB i386 PC a Linux 2.0 kernel splits blocks as 2.0's {@code EXPAND} did (tag 2.0 of
 * schwabe/davej-history, mm/page_alloc.c:161-172): each lower half goes on the free list
 * ({@code add_mem_queue(&area->list, map)}, :165) and the top half is handed out ({@code map += size},
 * :168), so single pages cut from one block come downwards. The same machine with today's kernel keeps
 * the upper halves, so they come upwards.
 */
class Linux20ExpandTests {

    private static Kernel boot(Era era) {
        return Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.I386_LINUX_2_0)
                .ram(16L << 20).era(era).cpuCaches(false).boot();
    }

    /**
     * Takes single pages until two neighbours come in a row (the first blocks after boot are small ones
     * at the bottom of RAM, so that happens within a few pages) and returns the second minus the first.
     */
    private static long firstStepBetweenNeighbours(Kernel k) {
        long last = KernelMemory.NULL;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            long page = k.getFreePages(Gfp.GFP_KERNEL, 0);
            seen.append(' ').append(Long.toHexString(page));
            if (last != KernelMemory.NULL && Math.abs(page - last) == 4096) {
                System.out.println("[expand] " + k.era() + ":" + seen);
                return page - last;
            }
            last = page;
        }
        throw new AssertionError("no two neighbouring pages in a row:" + seen);
    }

    @Test
    void aLinux20KernelHandsOutTheTopOfEverySplitBlock() {
        assertEquals(-4096, firstStepBetweenNeighbours(boot(Era.LINUX_2_0)), "downwards: the lower half stayed free");
    }

    @Test
    void aModernKernelOnTheSamePcHandsOutTheBottom() {
        assertEquals(4096, firstStepBetweenNeighbours(boot(Era.MODERN)), "upwards: the upper half stayed free");
    }

    /**
     * Which pages a 16 MiB 2.0 machine hands out first. init.c mem_init (tag 2.0, :237-264) frees 0x1000 up
     * to 0x9f000, then everything behind mem_map, page by page upwards; page_alloc.c free_pages_ok (:89-115)
     * puts each merged block at the head of its list (add_mem_queue, :52-60, called at :111), so every list runs from its
     * highest block down: order 0 holds 0x9e000 then 0x1000, order 1 starts with 0x9c000. RMQUEUE
     * (:141-159) takes the head of the smallest non-empty list and EXPAND hands out the top half.
     */
    @Test
    void aFreshLinux20MachineHandsOutItsPagesFromTheHeadsOf20sLists() {
        Kernel k = boot(Era.LINUX_2_0);
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            got.append(Long.toHexString(k.getFreePages(Gfp.GFP_KERNEL, 0))).append(' ');
        }
        assertEquals("9e000 1000 9d000 9c000 ", got.toString());
        // the first order-5 block is the highest one: 16 MiB - 128 KiB
        assertEquals(0xfe0000, k.getFreePages(Gfp.GFP_KERNEL, 5));
    }
}
