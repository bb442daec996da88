package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.kmemlab.dmazone.ZoneTesting.GiB;
import static org.kmemlab.dmazone.ZoneTesting.MiB;
import static org.kmemlab.dmazone.ZoneTesting.free;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * How far below the watermarks each kind of request may go. The 64 MiB x86_64 machine has
 * DMA min 70 (protection 31 against DMA32 and Normal requests) and DMA32 min 146; see WatermarksTests.
 */
class GfpPolicyTests {

    private static final String PROVIDERS = "org.kmemlab.dmazone.ZoneTesting#pageProviders";
    private static final int QUIET = Gfp.__GFP_NOWARN;

    private static DmaZoneAllocator drainedToMin(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB);
        ZoneTesting.drain(zones, Gfp.GFP_NOWAIT, 0);
        assertEquals(146, free(zones, ZoneType.DMA32), "GFP_NOWAIT stops at DMA32's min");
        assertEquals(70 + 31, free(zones, ZoneType.DMA), "and at DMA's min + lowmem_reserve[Normal]");
        return zones;
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void gfpNowaitGetsNoReserve(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = drainedToMin(pages);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_NOWAIT, 0));
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0),
                "GFP_KERNEL with nothing to reclaim and no wait fails at min too");
    }

    /* DMA32: 146 - 73 = 73, 73 - 18 = 55 (3/8 of 146 = 54.75). DMA: 70 - 35 = 35, 35 - 8 = 27, + 31. */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void gfpAtomicGoesDownToThreeEighthsOfMinAndNoFurther(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = drainedToMin(pages);
        List<Long> atomic = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        assertEquals(55, free(zones, ZoneType.DMA32));
        assertEquals(27 + 31, free(zones, ZoneType.DMA));
        assertEquals((146 - 55) + (101 - 58), atomic.size());
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC | QUIET, 0), "the floor holds");
        zones.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void highPriorityThatMayBlockGetsHalfOfMin(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = drainedToMin(pages);
        ZoneTesting.drain(zones, Gfp.GFP_KERNEL | Gfp.__GFP_HIGH | QUIET, 0);
        assertEquals(73, free(zones, ZoneType.DMA32));
        assertEquals(35 + 31, free(zones, ZoneType.DMA));
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void nomemallocKeepsAnAtomicRequestAtHalfOfMin(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = drainedToMin(pages);
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_NOMEMALLOC | QUIET, 0);
        assertEquals(73, free(zones, ZoneType.DMA32));
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void memallocIgnoresEveryWatermarkUnlessNomemallocSaysOtherwise(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = drainedToMin(pages);
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_MEMALLOC | Gfp.__GFP_NOMEMALLOC | QUIET, 0);
        assertEquals(73, free(zones, ZoneType.DMA32), "NOMEMALLOC wins");
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_MEMALLOC | QUIET, 0);
        assertEquals(0, zones.freeFrames(), "the reclaim path's own allocations may empty the machine");
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void theRestOfABlockCountsAgainstTheMark(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB);
        List<Long> pfns = ZoneTesting.drain(zones, Gfp.GFP_NOWAIT | Gfp.GFP_DMA32, 0);
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * MiB);
        long dma32Page = pfns.stream().filter(p -> machine.zoneOf(p) == ZoneType.DMA32).findFirst().orElseThrow();
        zones.freePages(dma32Page, 0);
        assertEquals(147, free(zones, ZoneType.DMA32));
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_NOWAIT | Gfp.GFP_DMA32, 1),
                "147 - (2 - 1) = 146 is not above min 146");
        assertNotEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_NOWAIT | Gfp.GFP_DMA32, 0),
                "147 is above min 146");
    }

    /*
     * x86_64 with 1 GiB: DMA's protection against Normal (and DMA32) requests is 249856/256 = 976 pages.
     * A GFP_KERNEL request falls back into DMA only while DMA keeps more than min 15 + 976 free pages;
     * GFP_DMA pays no protection in its own zone and may go down to 15, GFP_DMA|GFP_ATOMIC to 6.
     */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void lowmemReserveProtectsDmaFromNormalFallbacks(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, GiB);
        List<long[]> blocks = ZoneTesting.drainAllOrders(zones, Gfp.GFP_NOWAIT, 10);
        assertEquals(991, free(zones, ZoneType.DMA32), "DMA32 at its min");
        assertEquals(15 + 976, free(zones, ZoneType.DMA), "DMA keeps its protection from Normal requests");
        List<Long> dma = ZoneTesting.drain(zones, Gfp.GFP_NOWAIT | Gfp.GFP_DMA, 0);
        assertEquals(976, dma.size(), "a GFP_DMA request gets the protected pages");
        assertEquals(15, free(zones, ZoneType.DMA));
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.GFP_DMA | QUIET, 0);
        assertEquals(6, free(zones, ZoneType.DMA), "15 - 7 = 8, 8 - 2 = 6");
        for (long pfn : dma) {
            zones.freePages(pfn, 0);
        }
        ZoneTesting.freeAll(zones, blocks);
        zones.checkInvariants();
    }

    /* Linux 2.0 on 16 MiB: min_free_pages 32. GFP_ATOMIC takes any free page; no order term, no fast path. */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void linux20AtomicTakesEveryPageAndOthersLeaveMinFreePages(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB);
        List<Long> nowait = ZoneTesting.drain(zones, Gfp.GFP_NOWAIT, 0);
        assertEquals(3690 - 32, nowait.size(), "no low-watermark fast path in 2.0: straight down to 32");
        assertEquals(32, zones.freeFrames());
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0),
                "GFP_KERNEL must leave min_free_pages too");
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        assertEquals(0, zones.freeFrames(), "GFP_ATOMIC ignored min_free_pages in 2.0");
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void linux20ComparesTheFreeCountWithoutTheOrder(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB);
        long pair = zones.allocPages(Gfp.GFP_KERNEL, 1);
        ZoneTesting.drain(zones, Gfp.GFP_NOWAIT, 0);
        List<Long> atomic = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        assertEquals(0, zones.freeFrames());
        zones.freePages(pair, 1);
        for (int i = 0; i < 31; i++) {
            zones.freePages(atomic.get(i), 0);
        }
        assertEquals(33, zones.freeFrames());
        long again = zones.allocPages(Gfp.GFP_NOWAIT, 1);
        assertNotEquals(PageAllocator.NO_PAGE, again, "33 > 32: the two pages of the block are not counted");
        assertEquals(31, zones.freeFrames());
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_NOWAIT, 0), "31 is not above 32");
    }
}
