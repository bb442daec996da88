package org.kmemlab.api.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.ZoneType;

class ProcFormatTests {

    // Sample lines from /proc of a Linux 6.18 x86-64 machine, copied from a running kernel (the layouts
    // are those of fs/proc/ and mm/vmstat.c).
    private static final String REAL_BUDDYINFO_DMA =
            "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 ";
    private static final String REAL_BUDDYINFO_NORMAL =
            "Node 0, zone   Normal   4277   2589   2456   1084    374     88     44     23     10      0     45 ";

    private static ZoneStats zone(ZoneType type, long[] blocks) {
        long free = 0;
        for (int order = 0; order < blocks.length; order++) {
            free += blocks[order] << order;
        }
        return new ZoneStats(0, type, 0, free + 10, free + 10, free + 5, free, 1, 2, 3, 4,
                new long[] {0, 0, 0}, blocks);
    }

    @Test
    void buddyinfoMatchesTheRealLayoutCharacterForCharacter() {
        ZoneStats dma = zone(ZoneType.DMA, new long[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3});
        ZoneStats normal = zone(ZoneType.NORMAL, new long[] {4277, 2589, 2456, 1084, 374, 88, 44, 23, 10, 0, 45});
        assertEquals(REAL_BUDDYINFO_DMA, ProcFormat.buddyinfoLine(dma));
        assertEquals(REAL_BUDDYINFO_NORMAL, ProcFormat.buddyinfoLine(normal));
        assertEquals(REAL_BUDDYINFO_DMA + "\n" + REAL_BUDDYINFO_NORMAL + "\n", ProcFormat.buddyinfo(List.of(dma, normal)));
    }

    @Test
    void buddyinfoLeavesOutZonesWithoutMemory() {
        ZoneStats empty = new ZoneStats(0, ZoneType.NORMAL, 4096, 0, 0, 0, 0, 0, 0, 0, 0, new long[2], new long[6]);
        assertEquals("", ProcFormat.buddyinfo(List.of(empty)));
    }

    @Test
    void slabinfoHasTheVersionTwoOneHeaderAndKernelColumns() {
        String text = ProcFormat.slabinfo(List.of(new SlabInfo("sw_flow", 0, 0, 1256, 13, 4, 0, 0),
                new SlabInfo("kmalloc-64", 3000, 3072, 64, 64, 1, 48, 48)));
        List<String> lines = text.lines().toList();
        assertEquals("slabinfo - version: 2.1", lines.get(0));
        assertEquals("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
                + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
                + " <sharedavail>", lines.get(1));
        assertEquals("sw_flow                0      0   1256   13    4 : tunables    0    0    0 : slabdata"
                + "      0      0      0", lines.get(2));
        assertEquals("kmalloc-64          3000   3072     64   64    1 : tunables    0    0    0 : slabdata"
                + "     48     48      0", lines.get(3));
    }

    @Test
    void zoneinfoShowsTheWatermarkHead() {
        ZoneStats normal = new ZoneStats(0, ZoneType.NORMAL, 1048576, 1048576, 1048576, 1020000, 91151, 2943, 3678,
                4413, 5148, new long[] {0, 0, 0}, new long[11]);
        String expected = """
                Node 0, zone   Normal
                  pages free     91151
                        boost    0
                        min      2943
                        low      3678
                        high     4413
                        promo    5148
                        spanned  1048576
                        present  1048576
                        managed  1020000
                        cma      0
                        protection: (0, 0, 0)
                      nr_free_pages 91151
                  start_pfn:           1048576
                """;
        assertEquals(expected, ProcFormat.zoneinfo(List.of(normal)));
    }

    @Test
    void meminfoPadsLabelsToSixteenAndValuesToEight() {
        String text = ProcFormat.meminfo(new MemInfo(14844, 12000, 11000, 500, 96, 0, 96, 8, 1032192, 64, 1032000));
        List<String> lines = text.lines().toList();
        assertEquals("MemTotal:          14844 kB", lines.get(0));
        assertEquals("MemFree:           12000 kB", lines.get(1));
        assertEquals("MemAvailable:      11000 kB", lines.get(2));
        assertEquals("Slab:                 96 kB", lines.get(8));
        assertEquals("VmallocTotal:    1032192 kB", lines.get(12));
    }

    @Test
    void inconsistentFiguresAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SlabInfo("kmalloc-8", 5, 4, 8, 512, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZoneStats(0, ZoneType.DMA, 0, 10, 10, 8, 9, 0, 0, 0, 0,
                new long[1], new long[1]));
    }
}
