package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.Oops;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.ZoneStats;

class KernelReportsTests {

    @Test
    void memAvailableFollowsSiMemAvailable() {
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0);
        ZoneStats dma = new ZoneStats(0, ZoneType.DMA, 0, 4096, 4096, 3900, 1000, 100, 120, 150, 0,
                new long[] {0, 50}, new long[6]);
        ZoneStats normal = new ZoneStats(0, ZoneType.NORMAL, 4096, 4096, 4096, 4096, 2000, 150, 180, 200, 0,
                new long[] {0, 0}, new long[6]);
        MemInfo m = KernelReports.meminfo(machine, List.of(dma, normal), 3000, 2000, 10);
        assertEquals((3900 + 4096) * 4, m.memTotal());
        assertEquals(3000 * 4, m.memFree());
        assertEquals((3000 - 400 + 2000 - 300) * 4, m.memAvailable(), "reserves 150+50+200, low marks 120+180");
        assertEquals(2000 * 4, m.cached());
        assertEquals(40, m.slab());
        assertEquals(m.slab(), m.sReclaimable() + m.sUnreclaim());
    }

    @Test
    void reportsFollowTheLiveAllocations() {
        Kernel kernel = TestProviders.builder().cpuCaches(false).boot();
        long before = kernel.meminfo().memFree();
        long p = kernel.kmalloc(64, Gfp.GFP_KERNEL);
        assertEquals(4, kernel.meminfo().slab(), "one slab page");
        assertEquals(before - 4, kernel.meminfo().memFree());
        assertTrue(kernel.procSlabinfo().contains("\nkmalloc-64             1     64     64"), kernel.procSlabinfo());
        assertEquals(300, kernel.pageCache().fill(300));
        assertEquals(1200, kernel.meminfo().cached());
        assertTrue(kernel.proc("/proc/meminfo").contains("Cached:             1200 kB"), kernel.procMeminfo());
        assertEquals(300, kernel.pageCache().dropAll());
        kernel.kfree(p);
        assertEquals(0, kernel.slabinfo().get(3).activeObjects());
        assertEquals(1, kernel.drainCpuCaches(), "the empty slab page goes back when the caches are shrunk");
        assertEquals(before, kernel.meminfo().memFree());
        assertTrue(kernel.proc("buddyinfo").startsWith("Node 0, zone      DMA "), kernel.procBuddyinfo());
        assertTrue(kernel.procZoneinfo().contains("Node 0, zone   Normal"), kernel.procZoneinfo());
    }

    @Test
    void accessOutsideTheDirectMapIsAnOops() {
        Kernel kernel = TestProviders.builder().boot();
        Oops oops = assertThrows(kernel, kernel.machine().vmallocStart());
        assertTrue(oops.headline().startsWith("Unable to handle kernel paging request at virtual address"),
                oops.getMessage());
        long last = kernel.machine().va(kernel.machine().ramBytes() - 4);
        kernel.writeInt(last, 1);
        assertThrows(kernel, last + 1);
    }

    private static Oops assertThrows(Kernel kernel, long addr) {
        return org.junit.jupiter.api.Assertions.assertThrows(Oops.class, () -> kernel.readInt(addr));
    }
}
