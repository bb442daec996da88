package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * The Linux 2.0 era's windows on memory, pinned against Linux 2.0 (tag {@code 2.0} of
 * {@code schwabe/davej-history}): {@code fs/proc/array.c} lines 279-302 ({@code get_meminfo}) and
 * {@code mm/page_alloc.c} lines 216-229 ({@code show_free_areas}).
 */
class Linux20ProcTests {

    private final Kernel old = TestProviders.builder().era(Era.LINUX_2_0).boot();

    @Test
    void meminfoIsTheBytesTableThenSevenKilobyteLines() {
        MemInfo m = new MemInfo(14976, 11376, 0, 40, 0, 0, 0, 0, 0, 0, 0);
        assertEquals("""
                        total:    used:    free:  shared: buffers:  cached:
                Mem:  15335424  3686400 11649024        0        0    40960
                Swap:        0        0        0
                MemTotal:     14976 kB
                MemFree:      11376 kB
                MemShared:        0 kB
                Buffers:          0 kB
                Cached:          40 kB
                SwapTotal:        0 kB
                SwapFree:         0 kB
                """, Linux20Proc.meminfo(m), "array.c:279-302: %8lu columns in bytes, then %8lu kB");
    }

    @Test
    void theKernelsMeminfoOnThe20EraHasNoModernField() {
        String text = old.proc("/proc/meminfo");
        assertTrue(text.startsWith(Linux20Proc.MEMINFO_HEADER + "\nMem:  "), text);
        assertFalse(text.contains("MemAvailable") || text.contains("SReclaimable") || text.contains("Vmalloc"), text);
        long freeKb = old.meminfo().memFree();
        assertTrue(text.contains(String.format("MemFree:   %8d kB%n", freeKb)), text);
        String modern = TestProviders.builder().boot().procMeminfo();
        assertTrue(modern.startsWith("MemTotal:  ") && modern.contains("MemAvailable:"), "today's unchanged:\n" + modern);
    }

    @Test
    void showFreeAreasCountsBlocksOfEveryOrderOverAllZones() {
        ZoneStats dma = new ZoneStats(0, ZoneType.DMA, 0, 10, 10, 10, 7, 0, 0, 0, 0, new long[2],
                new long[] {1, 1, 0, 0, 0, 0});
        ZoneStats normal = new ZoneStats(0, ZoneType.NORMAL, 10, 40, 40, 40, 36, 0, 0, 0, 0, new long[2],
                new long[] {0, 0, 1, 0, 1, 0});
        // page_alloc.c:216 "Free pages:      %6dkB\n ( ", :226 "%lu*%lukB ", :229 "= %lukB)\n"
        // 1*4 + 1*8 + 1*16 + 1*64 = 92 kB; Free pages is nr_free_pages (23 pages here)
        assertEquals("Free pages:          92kB\n ( 1*4kB 1*8kB 1*16kB 0*32kB 1*64kB 0*128kB = 92kB)\n",
                Linux20Proc.showFreeAreas(23, List.of(dma, normal), 6));
    }

    @Test
    void showFreeAreasOfABootedMachineAddsUpToItsFreeMemory() {
        String text = old.showFreeAreas();
        long freeKb = old.meminfo().memFree();
        assertTrue(text.startsWith(String.format("Free pages:      %6dkB%n ( ", freeKb)), text);
        assertTrue(text.endsWith("= " + freeKb + "kB)\n"), "no per-thread cache holds pages back:\n" + text);
        assertTrue(text.contains("*128kB = "), "six lists, NR_MEM_LISTS, the last of 128 kB blocks: " + text);
    }

    @Test
    void filesThat20DidNotHaveAreRefusedAndOfferedAsLabelledViews() {
        for (String file : List.of("buddyinfo", "slabinfo", "zoneinfo", "vmallocinfo")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> old.proc("/proc/" + file));
            assertTrue(e.getMessage().startsWith("Linux 2.0 has no /proc/" + file + ":"), e.getMessage());
            assertTrue(old.kmemlabView(file).startsWith(Kernel.KMEMLAB_VIEW_LABEL), old.kmemlabView(file));
        }
        long p = old.kmalloc(100, Gfp.GFP_KERNEL);
        assertTrue(old.kmemlabView("slabinfo").contains("\nslabinfo - version: 2.1\n"), old.kmemlabView("slabinfo"));
        old.kfree(p);
        Kernel modern = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
        assertEquals(modern.procBuddyinfo(), modern.kmemlabView("buddyinfo"), "today's era: the file itself");
        assertEquals(modern.procBuddyinfo(), modern.proc("buddyinfo"));
    }
}
