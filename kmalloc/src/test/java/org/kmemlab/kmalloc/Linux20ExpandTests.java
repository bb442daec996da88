package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;

/**
 * The kernel hands its era to the page allocators (through the zone allocator's configuration), so on a
 * 16 MiB i386 PC a Linux 2.0 kernel splits blocks as 2.0's {@code EXPAND} did (tag 2.0 of
 * schwabe/davej-history, mm/page_alloc.c:161-172): each lower half goes on the free list
 * ({@code add_mem_queue(&area->list, map)}, :165) and the top half is handed out ({@code map += size},
 * :168). The same machine with today's kernel keeps the upper halves. Pages below 0x2000 are reserved at
 * boot, so the first free blocks are small ones at the bottom of RAM: 0x2000 (order 1), 0x4000 (order 2),
 * 0x8000 (order 3), …
 */
class Linux20ExpandTests {

    private static long[] sixPages(Era era) {
        Kernel k = Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.I386_LINUX_2_0)
                .ram(16L << 20).era(era).cpuCaches(false).boot();
        long[] pages = new long[6];
        for (int i = 0; i < 6; i++) {
            pages[i] = k.getFreePages(Gfp.GFP_KERNEL, i < 3 ? 0 : 1);
        }
        return pages;
    }

    @Test
    void aLinux20KernelHandsOutTheTopOfEverySplitBlock() {
        // Order 0: 0x2000..0x3fff splits, 0x3000 is handed out and 0x2000 comes next; then 0x4000..0x7fff
        // splits: 0x4000 (order 1) and 0x6000 (order 0) stay free, 0x7000 is handed out. Order 1: 0x4000,
        // then 0x8000..0xffff splits: 0x8000 (order 2) and 0xc000 (order 1) stay free, 0xe000 is handed
        // out; then 0xc000.
        assertArrayEquals(new long[] {0x3000, 0x2000, 0x7000, 0x4000, 0xe000, 0xc000}, sixPages(Era.LINUX_2_0));
    }

    @Test
    void aModernKernelOnTheSamePcHandsOutTheBottom() {
        // Order 0: 0x2000..0x3fff splits from the bottom, 0x2000 then 0x3000; 0x4000..0x7fff too: 0x4000
        // (0x5000 and 0x6000 stay free). Order 1: 0x6000, then 0x8000..0xffff: 0x8000, then 0xa000.
        assertArrayEquals(new long[] {0x2000, 0x3000, 0x4000, 0x6000, 0x8000, 0xa000}, sixPages(Era.MODERN));
    }
}
