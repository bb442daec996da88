package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.dmazone.ZoneTesting.GiB;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.api.stats.ProcFormat;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;

/** Boot, zonelist fallback, zone restrictions, free routing and the reports. */
class DmaZoneAllocatorTests {

    private static final String PROVIDERS = "org.kmemlab.dmazone.ZoneTesting#pageProviders";
    private static final int NOWAIT = Gfp.GFP_NOWAIT;

    @Test
    void serviceLoaderFindsTheProviderByName() {
        ZoneAllocatorProvider provider = ProviderRegistry.load(ZoneAllocatorProvider.class).get("dma-zone-reference");
        assertEquals("dma-zone-reference", provider.name());
        ZoneAllocator zones = provider.create(ZoneAllocatorConfig.defaults(
                Machine.boot(MachineProfile.I386_LINUX_2_0), SimplePageAllocator.provider()));
        assertEquals(3690, zones.freeFrames());
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void bootRetiresBootMemoryAndFreesEveryUnreservedFrame(PageAllocatorProvider pages) {
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0, 16 * MiB);
        ZoneAllocator zones = ZoneTesting.create(ZoneAllocatorConfig.defaults(machine, pages));
        assertTrue(machine.bootMemory().retired());
        assertThrows(IllegalStateException.class, () -> machine.bootMemory().allocate("late", 4096, 4096));
        long unreserved = 0;
        for (var range : machine.bootMemory().freeRanges()) {
            unreserved += range.frames();
        }
        assertEquals(unreserved, zones.freeFrames());
        assertEquals(machine.frames() - machine.bootMemory().reservedFrames(machine.zone(ZoneType.DMA)),
                zones.freeFrames());
        assertTrue(machine.dmesg().contains("Memory: "), "mem_init summary line");
        zones.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void theI386DmaZoneHasTwoFreeRangesAndReservedFramesAreNeverHandedOut(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB);
        List<Long> pfns = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC, 0);
        assertEquals(3690, pfns.size(), "GFP_ATOMIC under 2.0 takes every free page");
        boolean low = false;
        for (long pfn : pfns) {
            // page 0x9f stays reserved: 2.0's mem_init freed low memory up to 0x9f000 (arch/i386/mm/init.c:237-240)
            assertTrue(pfn >= 1 && pfn < 159 || pfn >= 564 && pfn < 4096, "pfn " + pfn + " is reserved");
            low |= pfn < 159;
        }
        assertTrue(low, "the 4 KiB - 636 KiB range is used too");
        for (long pfn : pfns) {
            zones.freePages(pfn, 0);
        }
        assertEquals(3690, zones.freeFrames());
        zones.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void zoneinfoListsEveryZoneWithExactFreeCountsAndBuddyinfo(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB);
        List<ZoneStats> before = zones.zoneinfo();
        assertEquals(List.of(ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL),
                before.stream().map(ZoneStats::type).toList());
        assertEquals(0, before.get(2).managed());
        assertEquals(11, before.get(0).freeBlocks().length, "orders 0..10");
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 3);
        ZoneStats dma32 = ZoneTesting.zone(zones, ZoneType.DMA32);
        assertEquals(before.get(1).free() - 8, dma32.free());
        long sum = 0;
        for (int order = 0; order <= 10; order++) {
            sum += dma32.freeBlocks(order) << order;
        }
        assertEquals(dma32.free(), sum, "the buddyinfo row adds up to the free pages");
        assertEquals(dma32.free() + before.get(0).free(), zones.freeFrames());
        zones.freePages(pfn, 3);
        assertEquals(before, zones.zoneinfo(), "freeing restores every figure, buddyinfo included");
        String text = ProcFormat.buddyinfo(zones.zoneinfo());
        assertTrue(text.startsWith("Node 0, zone      DMA "), text);
        assertEquals(2, text.lines().count(), "the empty Normal zone has no buddyinfo line");
    }

    @Test
    void gfpDmaIsServedOnlyFromZoneDma() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64, 64 * MiB);
        List<Long> pfns = ZoneTesting.drain(zones, NOWAIT | Gfp.GFP_DMA, 0);
        assertEquals(3840 - 70, pfns.size(), "ZONE_DMA down to its min mark");
        for (long pfn : pfns) {
            assertTrue(pfn < 4096, "pfn " + pfn + " is above 16 MiB");
        }
        assertEquals(ZoneTesting.zone(zones, ZoneType.DMA32).managed(), ZoneTesting.free(zones, ZoneType.DMA32),
                "DMA32 untouched although it is full of free pages");
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(NOWAIT | Gfp.GFP_DMA, 0));
        assertNotEquals(PageAllocator.NO_PAGE, zones.allocPages(NOWAIT, 0));
    }

    @Test
    void gfpDma32NeverReachesNormal() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64,
                4 * GiB + 64 * MiB);
        List<Long> pfns = ZoneTesting.drain(zones, NOWAIT | Gfp.GFP_DMA32, 10);
        assertTrue(pfns.size() > 900);
        for (long pfn : pfns) {
            assertTrue(pfn >= 4096 && pfn < (4 * GiB >> 12), "pfn " + pfn + " is not in DMA32");
        }
        ZoneStats normal = ZoneTesting.zone(zones, ZoneType.NORMAL);
        assertEquals(normal.managed(), normal.free(), "Normal untouched");
        ZoneStats dma = ZoneTesting.zone(zones, ZoneType.DMA);
        assertTrue(dma.protection()[1] > dma.managed(), "DMA keeps back more than it has from DMA32 requests: "
                + dma.protection()[1]);
        assertEquals(dma.managed(), dma.free(), "so a DMA32 request never gets a DMA page on a 4 GiB machine");
    }

    @Test
    void gfpDma32FallsBackToDmaOnASmallMachine() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64, 64 * MiB);
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * MiB);
        List<ZoneType> order = zoneSequence(machine, ZoneTesting.drain(zones, NOWAIT | Gfp.GFP_DMA32, 0));
        assertEquals(List.of(ZoneType.DMA32, ZoneType.DMA, ZoneType.DMA32, ZoneType.DMA), order,
                "the fast path takes every zone down to low (+ protection), then the slow path to min");
        assertEquals(146, ZoneTesting.free(zones, ZoneType.DMA32), "DMA32 down to min");
        assertEquals(70 + 31, ZoneTesting.free(zones, ZoneType.DMA), "DMA down to min + lowmem_reserve[DMA32]");
    }

    @Test
    void onI386GfpDma32IsServedFromDmaWhichLiesBelowFourGibibytes() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                64 * MiB);
        for (long pfn : ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.GFP_DMA32, 0)) {
            assertTrue(pfn < 4096, "pfn " + pfn);
        }
        assertEquals(12_288, ZoneTesting.free(zones, ZoneType.NORMAL));
    }

    @Test
    void aNormalRequestFallsBackFromNormalToDma32() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64,
                4 * GiB + 64 * MiB);
        Machine machine = Machine.boot(MachineProfile.X86_64, 4 * GiB + 64 * MiB);
        List<ZoneType> order = zoneSequence(machine, ZoneTesting.drain(zones, NOWAIT, 10));
        assertEquals(List.of(ZoneType.NORMAL, ZoneType.DMA32), order,
                "DMA's lowmem_reserve for Normal requests exceeds its 3840 pages on a machine this large");
    }

    @Test
    void aNormalRequestFallsBackToDmaWhenDmaIsNotFullyProtected() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64, 64 * MiB);
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * MiB);
        List<ZoneType> order = zoneSequence(machine, ZoneTesting.drain(zones, NOWAIT, 0));
        assertEquals(List.of(ZoneType.DMA32, ZoneType.DMA, ZoneType.DMA32, ZoneType.DMA), order,
                "Normal is empty and skipped; low marks first in each zone, then min marks");
        assertEquals(146, ZoneTesting.free(zones, ZoneType.DMA32));
        assertEquals(70 + 31, ZoneTesting.free(zones, ZoneType.DMA));
    }

    /** The zones the pfns came from, consecutive repeats collapsed. */
    private static List<ZoneType> zoneSequence(Machine machine, List<Long> pfns) {
        List<ZoneType> order = new ArrayList<>();
        for (long pfn : pfns) {
            ZoneType zone = machine.zoneOf(pfn);
            if (order.isEmpty() || order.get(order.size() - 1) != zone) {
                order.add(zone);
            }
        }
        return order;
    }

    @Test
    void emptyZonesAreSkipped() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB);
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 0);
        assertNotEquals(PageAllocator.NO_PAGE, pfn, "Normal is empty, so the request is served by DMA");
        assertEquals(ZoneType.DMA, Machine.boot(MachineProfile.I386_LINUX_2_0).zoneOf(pfn));
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void blocksAreNaturallyAlignedAndOrdersBeyondTheErasMaximumFail(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB);
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 5);
        assertEquals(0, pfn % 32);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 6),
                "Linux 2.0 has orders 0..5 only");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> zones.allocPages(Gfp.GFP_KERNEL, -1));
        assertEquals("order -1 is negative", e.getMessage());
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void badFreesRaiseKernelBugsAndChangeNothing(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB);
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 1);
        List<ZoneStats> before = zones.zoneinfo();

        BadPageStateBug reserved = assertThrows(BadPageStateBug.class, () -> zones.freePages(300, 0));
        assertTrue(reserved.getMessage().contains("freeing pfn 300 order 0 in zone DMA, but that frame was reserved"
                + " at boot and was never handed to the page allocator"), reserved.getMessage());
        BadPageStateBug outside = assertThrows(BadPageStateBug.class, () -> zones.freePages(4096, 0));
        assertTrue(outside.getMessage().contains("outside the machine's 4096 frames of RAM"), outside.getMessage());
        assertThrows(BadPageStateBug.class, () -> zones.freePages(-1, 0));
        BadPageStateBug order = assertThrows(BadPageStateBug.class, () -> zones.freePages(pfn, 6));
        assertTrue(order.getMessage().contains("with order 6, outside 0..5"), order.getMessage());
        assertThrows(KernelBug.class, () -> zones.freePages(pfn, 0), "wrong order");
        assertEquals(before, zones.zoneinfo());

        zones.freePages(pfn, 1);
        assertThrows(KernelBug.class, () -> zones.freePages(pfn, 1), "double free");
        assertEquals(3690, zones.freeFrames());
        zones.checkInvariants();
    }

    @Test
    void minFreeKbytesLargerThanRamIsRejected() {
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0, 16 * MiB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZoneTesting.create(
                new ZoneAllocatorConfig(machine, SimplePageAllocator.provider(), Era.LINUX_2_0, Duration.ZERO, 20_000)));
        assertEquals("min_free_kbytes 20000 exceeds the machine's 16384 kB of RAM", e.getMessage());
    }

    @Test
    void zoneinfoTextShowsProtection() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64, GiB);
        String text = ProcFormat.zoneinfo(zones.zoneinfo());
        assertTrue(text.contains("        protection: (0, 976, 976)"), text);
        assertArrayEquals(new long[] {0, 0, 0}, zones.zoneinfo().get(2).protection());
    }
}
