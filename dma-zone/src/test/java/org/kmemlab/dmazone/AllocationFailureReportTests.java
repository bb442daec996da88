package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.stats.ProcFormat;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;

/** The page allocation failure report in dmesg: its exact text, NOWARN and the rate limit. */
class AllocationFailureReportTests {

    /** The 64 MiB x86_64 machine after GFP_ATOMIC took everything it may: DMA 58 free, DMA32 55. */
    private static DmaZoneAllocator exhausted() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64, 64 * MiB);
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN, 0);
        return zones;
    }

    @Test
    void aFailedAtomicAllocationLogsTheKernelsReport() {
        DmaZoneAllocator zones = exhausted();
        Dmesg dmesg = zones.machine().dmesg();
        long seq = dmesg.nextSequence();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC | Gfp.__GFP_ZERO, 2));
        List<Dmesg.Entry> lines = dmesg.entriesAfter(seq - 1);
        List<ZoneStats> info = zones.zoneinfo();
        List<String> expected = List.of(
                Thread.currentThread().getName() + ": page allocation failure: order:2, mode:0x920(GFP_ATOMIC|__GFP_ZERO)",
                "Mem-Info:",
                "Node 0 DMA free:232kB min:280kB low:348kB high:416kB present:16384kB managed:15360kB",
                "lowmem_reserve[]: 0 31 31",
                "Node 0 DMA32 free:220kB min:584kB low:728kB high:872kB present:49152kB managed:31744kB",
                "lowmem_reserve[]: 0 0 0",
                "Node 0 Normal free:0kB min:0kB low:0kB high:0kB present:0kB managed:0kB",
                "lowmem_reserve[]: 0 0 0",
                ProcFormat.buddyinfoLine(info.get(0)),
                ProcFormat.buddyinfoLine(info.get(1)));
        assertEquals(expected, lines.stream().map(Dmesg.Entry::text).toList());
        for (Dmesg.Entry e : lines) {
            assertEquals(Dmesg.Level.WARNING, e.level());
        }
    }

    @Test
    void theHeadlineNamesTheThreadOrderAndFlags() {
        DmaZoneAllocator zones = exhausted();
        Thread t = new Thread(() -> zones.allocPages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0), "kworker/0:1");
        t.start();
        join(t);
        assertTrue(zones.machine().dmesg().contains(
                "kworker/0:1: page allocation failure: order:0, mode:0xcc1(GFP_KERNEL|GFP_DMA)"));
    }

    @Test
    void nowarnSuppressesTheReport() {
        DmaZoneAllocator zones = exhausted();
        Dmesg dmesg = zones.machine().dmesg();
        long seq = dmesg.nextSequence();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN, 0));
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_NOWAIT, 0), "GFP_NOWAIT includes NOWARN");
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 0));
        assertEquals(seq, dmesg.nextSequence(), "nothing logged");
    }

    @Test
    void anOrderAboveTheErasMaximumIsReportedToo() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB, Era.MODERN);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL, 11));
        assertTrue(zones.machine().dmesg().contains("page allocation failure: order:11, mode:0xcc0(GFP_KERNEL)"));
        assertTrue(zones.machine().dmesg().contains("Node 0, zone      DMA "));
        DmaZoneAllocator old = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB);
        long seq = old.machine().dmesg().nextSequence();
        assertEquals(PageAllocator.NO_PAGE, old.allocPages(Gfp.GFP_KERNEL, 6), "NR_MEM_LISTS is 6 in 2.0");
        // 2.0's __get_free_pages: "if (order >= NR_MEM_LISTS) return 0;" (mm/page_alloc.c:179-180, tag 2.0).
        assertEquals(seq, old.machine().dmesg().nextSequence(), "2.0 returned 0 without a word");
    }

    @Test
    void reportsAreRateLimitedToABurstOfTen() {
        DmaZoneAllocator zones = exhausted();
        for (int i = 0; i < 15; i++) {
            assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC, 0));
        }
        long headlines = zones.machine().dmesg().entries().stream()
                .filter(e -> e.text().contains("page allocation failure")).count();
        assertEquals(AllocationFailureReport.BURST, headlines);
    }

    @Test
    void aShrinkerThatClaimsProgressWithoutFreeingCannotHangAnAllocation() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB, Era.MODERN, Duration.ofMillis(50));
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN, 0);
        AtomicLong scans = new AtomicLong();
        zones.registerShrinker(new Shrinker() {
            @Override
            public String name() {
                return "liar";
            }

            @Override
            public long count() {
                return 1;
            }

            @Override
            public long scan(long pages) {
                scans.incrementAndGet();
                return 1;
            }
        });
        long start = System.nanoTime();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL, 0));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertTrue(scans.get() >= DmaZoneAllocator.MAX_RECLAIM_PASSES, "scans " + scans.get());
        assertTrue(zones.machine().dmesg().contains("page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)"));
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
