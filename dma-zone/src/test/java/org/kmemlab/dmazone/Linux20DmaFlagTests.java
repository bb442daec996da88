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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * DMA on the Linux 2.0 era is a page flag, not a zone (SPI rule {@code [zone.linux20-dma-flag]}), on a
 * 64 MiB i386 machine: 16 MiB of DMA-capable pages below 48 MiB of others. The 2.0 lines each test pins
 * are from tag {@code 2.0} of {@code schwabe/davej-history}.
 */
class Linux20DmaFlagTests {

    private static final String PROVIDERS = "org.kmemlab.dmazone.ZoneTesting#pageProviders";
    private static final int QUIET = Gfp.__GFP_NOWARN;
    /** 2.0's min_free_pages on 64 MiB: 16384 pages >> 7 (mm/page_alloc.c:253-256). */
    private static final long MIN_FREE_PAGES = 128;

    private static DmaZoneAllocator linux20(PageAllocatorProvider pages) {
        return ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 64 * MiB, Duration.ZERO);
    }

    @Test
    void theZonesMinMarksAddUpToMinFreePages() {
        DmaZoneAllocator zones = linux20(SimplePageAllocator.provider());
        long min = ZoneTesting.zone(zones, ZoneType.DMA).min() + ZoneTesting.zone(zones, ZoneType.NORMAL).min();
        assertEquals(MIN_FREE_PAGES, min);
    }

    /*
     * mm/page_alloc.c:195: "if ((priority==GFP_ATOMIC) || nr_free_pages > reserved_pages)" -- one count for
     * the whole machine -- and RMQUEUE (lines 141-159) takes any block for an ordinary request: the
     * pages below 16 MiB go like the others, down to min_free_pages for the whole machine.
     */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void ordinaryRequestsTakeDmaCapablePagesDownToOneReserveForTheMachine(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = linux20(pages);
        long managed = zones.freeFrames();
        List<Long> taken = ZoneTesting.drain(zones, Gfp.GFP_KERNEL | QUIET, 0);
        assertEquals(managed - MIN_FREE_PAGES, taken.size());
        assertEquals(0, ZoneTesting.free(zones, ZoneType.NORMAL), "no zone of its own keeps a reserve");
        assertEquals(MIN_FREE_PAGES, ZoneTesting.free(zones, ZoneType.DMA),
                "what is left of the DMA-capable pages is the machine's reserve, nothing more");
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | Gfp.GFP_DMA | QUIET, 0),
                "the floppy driver's GFP_DMA request fails the machine-wide check");
        assertNotEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC | Gfp.GFP_DMA, 0),
                "GFP_ATOMIC passed the check whatever the count");
    }

    /* After mem_init (arch/i386/mm/init.c:246-264) freed memory upwards, the highest blocks led the lists. */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void anOrdinaryRequestGetsPagesAboveSixteenMebibytesFirst(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = linux20(pages);
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 0);
        assertTrue(pfn >= MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT, "pfn " + pfn);
    }

    /* add_mem_queue (page_alloc.c:52-60) puts a freed block at the head of its list: it goes out next. */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void anOrdinaryRequestTriesTheSideThatWasFreedIntoLast(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = linux20(pages);
        long limit = MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT;
        long dma = zones.allocPages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0);
        long above = zones.allocPages(Gfp.GFP_KERNEL, 0);
        zones.freePages(dma, 0);
        assertTrue(zones.allocPages(Gfp.GFP_KERNEL, 0) < limit, "the DMA-capable page freed last goes out first");
        zones.freePages(above, 0);
        assertTrue(zones.allocPages(Gfp.GFP_KERNEL, 0) >= limit, "then the page above 16 MiB freed last");
    }

    /*
     * GFP_DMA passes the same machine-wide check (page_alloc.c:195) and RMQUEUE skips pages without PG_DMA
     * ("if (!dma || CAN_DMA(ret))", line 146; mem_init clears PG_DMA at MAX_DMA_ADDRESS, init.c:247-248):
     * a DMA request may take every DMA-capable page while the machine has memory above 16 MiB.
     */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void gfpDmaTakesEveryDmaCapablePageWhileTheMachineHasMemory(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = linux20(pages);
        long dma = ZoneTesting.free(zones, ZoneType.DMA);
        List<Long> taken = ZoneTesting.drain(zones, Gfp.GFP_KERNEL | Gfp.GFP_DMA | QUIET, 0);
        assertEquals(dma, taken.size());
        assertEquals(0, ZoneTesting.free(zones, ZoneType.DMA));
        long limit = MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT;
        assertTrue(taken.stream().allMatch(pfn -> pfn < limit), "every GFP_DMA page lies below 16 MiB");
    }

    /*
     * The drain: ordinary requests have taken the DMA-capable pages; memory above 16 MiB is freed again. A
     * GFP_DMA request then passes the reserve check (plenty free) and finds no PG_DMA block: 2.0 returned 0
     * at once (page_alloc.c:196-198), reclaimed nothing (line 201 is reached only when the check fails)
     * and printed nothing.
     */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void gfpDmaFailsSilentlyWithoutReclaimWhileMemoryAboveSixteenMebibytesIsFree(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = linux20(pages);
        List<Long> taken = ZoneTesting.drain(zones, Gfp.GFP_KERNEL | QUIET, 0);
        AtomicLong scans = new AtomicLong();
        zones.registerShrinker(ZoneTesting.counting(scans));
        long limit = MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT;
        long freedAbove = 0;
        for (long pfn : taken) {
            if (pfn >= limit && freedAbove < 1000) {
                zones.freePages(pfn, 0);
                freedAbove++;
            }
        }
        List<Long> dma = ZoneTesting.drain(zones, Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0);
        assertEquals(MIN_FREE_PAGES, dma.size(), "the reserve left below 16 MiB, then nothing");
        long seq = zones.machine().dmesg().nextSequence();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0));
        assertEquals(1000, zones.freeFrames(), "with 4000 kB free above 16 MiB");
        assertEquals(0, scans.get(), "the reserve check passed, so 2.0 did not reclaim");
        assertEquals(seq, zones.machine().dmesg().nextSequence(), "2.0's page allocator failed without a word");
    }

    /*
     * A full buffer cache: GFP_DMA fails the reserve check and reclaims. 2.0's reclaim for a DMA request freed
     * only PG_DMA pages (try_to_free_page(priority, dma, 1); mm/filemap.c:146 skips the others), so the
     * request found a DMA page; kmemlab's shrinkers free oldest first, and the allocator reclaims on until a
     * DMA page comes free.
     */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void gfpDmaOnAFullBufferCacheReclaimsUntilADmaPageIsFree(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = linux20(pages);
        PageCache cache = new PageCache(zones);
        zones.registerShrinker(cache);
        long cached = cache.fill(Gfp.GFP_BUFFER, Long.MAX_VALUE);
        assertEquals(MIN_FREE_PAGES, zones.freeFrames(), "GFP_BUFFER filled the machine to min_free_pages");
        assertTrue(cached > 15_000, "cached " + cached);
        long pfn = zones.allocPages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0);
        assertTrue(pfn != PageAllocator.NO_PAGE && pfn < MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT,
                "a DMA page after reclaim: " + pfn);
    }

    /* The same workload under today's zones: DMA keeps its min mark and lowmem_reserve from Normal requests. */
    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void todaysZonesKeepDmaPagesFromOrdinaryRequests(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 64 * MiB, Era.MODERN,
                Duration.ZERO);
        ZoneTesting.drain(zones, Gfp.GFP_KERNEL | QUIET, 0);
        var dma = ZoneTesting.zone(zones, ZoneType.DMA);
        long normalManaged = ZoneTesting.zone(zones, ZoneType.NORMAL).managed();
        assertEquals(normalManaged / 256, dma.protection()[1], "lowmem_reserve_ratio 256");
        assertEquals(dma.min() + dma.protection()[1], dma.free(), "ordinary requests stop at min + lowmem_reserve");
        assertTrue(dma.free() > MIN_FREE_PAGES / 2, "DMA kept " + dma.free() + " pages");
        List<Long> floppy = ZoneTesting.drain(zones, Gfp.GFP_KERNEL | Gfp.GFP_DMA | QUIET, 0);
        assertTrue(floppy.size() >= dma.protection()[1], "GFP_DMA still got " + floppy.size() + " pages");
    }
}
