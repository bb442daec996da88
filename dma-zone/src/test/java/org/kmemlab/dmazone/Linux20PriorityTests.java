package org.kmemlab.dmazone;

import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageAllocator;

/**
 * Linux 2.0's priorities in {@code __get_free_pages} ({@code mm/page_alloc.c}, tag 2.0 of
 * schwabe/davej-history, lines 189-203) on the 16 MiB 2.0 machine, whose {@code min_free_pages} is 32.
 */
class Linux20PriorityTests {

    private static final int QUIET = Gfp.__GFP_NOWARN;

    private static DmaZoneAllocator atReserve(AtomicLong scans) {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB, Duration.ZERO);
        ZoneTesting.drain(zones, Gfp.GFP_KERNEL | QUIET, 0);
        assertEquals(32, zones.freeFrames(), "min_free_pages = 4096 pages >> 7");
        zones.registerShrinker(ZoneTesting.counting(scans));
        return zones;
    }

    /* Line 201: "if (priority != GFP_BUFFER && try_to_free_page(priority, dma, 1))": GFP_BUFFER never reclaims. */
    @Test
    void gfpBufferLeavesMinFreePagesAndDoesNotReclaim() {
        AtomicLong scans = new AtomicLong();
        DmaZoneAllocator zones = atReserve(scans);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_BUFFER, 0));
        assertEquals(0, scans.get(), "GFP_BUFFER gave up without try_to_free_page");
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_USER, 0), "GFP_USER leaves 32 too");
        assertTrue(scans.get() > 0, "but GFP_USER reclaims first");
    }

    /* Lines 189-191: "reserved_pages = 5; if (priority != GFP_NFS) reserved_pages = min_free_pages;". */
    @Test
    void gfpNfsMayGoDownToFivePagesAndThenReclaims() {
        AtomicLong scans = new AtomicLong();
        DmaZoneAllocator zones = atReserve(scans);
        List<Long> nfs = ZoneTesting.drain(zones, Gfp.GFP_NFS, 0);
        assertEquals(32 - 5, nfs.size(), "GFP_NFS keeps only 5 pages back");
        assertEquals(5, zones.freeFrames());
        assertTrue(scans.get() > 0, "below its reserve GFP_NFS reclaims before it gives up");
        assertNotEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC, 0),
                "line 195: GFP_ATOMIC skips the check and takes the last pages");
    }
}
