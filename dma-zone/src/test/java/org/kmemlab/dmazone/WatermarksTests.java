package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kmemlab.dmazone.ZoneTesting.GiB;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;

/**
 * The watermark arithmetic against the kernel's formulas, worked by hand for the default machines (the
 * comments show the working), and the same figures read back from a booted allocator's zoneinfo.
 */
class WatermarksTests {

    private static final ZoneType[] X86_64 = {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL};

    @Test
    void intSqrtRoundsDown() {
        assertEquals(0, Watermarks.intSqrt(0));
        assertEquals(1, Watermarks.intSqrt(3));
        assertEquals(2, Watermarks.intSqrt(4));
        assertEquals(4029, Watermarks.intSqrt(1_014_784L * 16)); // 4029.46
        assertEquals(3_037_000_499L, Watermarks.intSqrt(Long.MAX_VALUE));
    }

    @Test
    void minFreeKbytesIsTheSquareRootOfSixteenTimesLowMemoryClamped() {
        assertEquals(128, Watermarks.defaultMinFreeKbytes(16)); // int_sqrt(256) = 16, raised to 128
        assertEquals(4029, Watermarks.defaultMinFreeKbytes(1_014_784));
        assertEquals(262_144, Watermarks.defaultMinFreeKbytes(64L << 30)); // int_sqrt(2^40) = 2^20, clamped
    }

    /*
     * x86_64, 1 GiB: DMA 4096 frames - 256 (first MiB) = 3840 managed; DMA32 258048 frames - 4096 (kernel
     * image) - 4096 (mem_map, 262144 x 64 bytes) = 249856; Normal empty. lowmem 253696 pages = 1014784 kB,
     * min_free_kbytes = int_sqrt(16236544) = 4029, pages_min = 4029 >> 2 = 1007.
     * DMA:   min 1007*3840/253696 = 15,   step max(15/4, 3840*10/10000)   = max(3, 3)     = 3.
     * DMA32: min 1007*249856/253696 = 991, step max(991/4, 249856*10/10000) = max(247, 249) = 249.
     */
    @Test
    void modernMarksOfAOneGibibyteMachine() {
        Watermarks.Marks[] m = Watermarks.modern(X86_64, new long[] {3840, 249_856, 0}, 0);
        assertMarks(m[0], 15, 18, 21, 24, 0, 976, 976);
        assertMarks(m[1], 991, 1240, 1489, 1738, 0, 0, 0);
        assertMarks(m[2], 0, 0, 0, 0, 0, 0, 0);
    }

    /*
     * x86_64, 16 GiB: DMA 3840; DMA32 1044480 - 4096 - 65536 (mem_map 256 MiB) = 974848; Normal 3145728.
     * lowmem 4124416 pages = 16497664 kB; int_sqrt(263962624) = 16246; pages_min = 4061.
     * DMA    min 4061*3840/4124416    = 3,    step max(0, 3)       = 3.
     * DMA32  min 4061*974848/4124416  = 959,  step max(239, 974)   = 974.
     * Normal min 4061*3145728/4124416 = 3097, step max(774, 3145)  = 3145.
     * lowmem_reserve: DMA (0, 974848/256, (974848+3145728)/256) = (0, 3808, 16096);
     *                 DMA32 (0, 0, 3145728/256) = (0, 0, 12288).
     */
    @Test
    void modernMarksOfASixteenGibibyteMachine() {
        Watermarks.Marks[] m = Watermarks.modern(X86_64, new long[] {3840, 974_848, 3_145_728}, 0);
        assertMarks(m[0], 3, 6, 9, 12, 0, 3808, 16_096);
        assertMarks(m[1], 959, 1933, 2907, 3881, 0, 0, 12_288);
        assertMarks(m[2], 3097, 6242, 9387, 12_532, 0, 0, 0);
    }

    @Test
    void anAdministratorsMinFreeKbytesReplacesTheComputedOne() {
        // 8192 kB = 2048 pages, shared 3840 : 249856 -> 30 and 2017.
        Watermarks.Marks[] m = Watermarks.modern(X86_64, new long[] {3840, 249_856, 0}, 8192);
        assertEquals(2048L * 3840 / 253_696, m[0].min());
        assertEquals(2048L * 249_856 / 253_696, m[1].min());
        assertEquals(2017, m[1].min());
        assertEquals(2017 + 504, m[1].low()); // step max(2017/4 = 504, 249)
    }

    @Test
    void anEmptyZoneKeepsNothingBack() {
        long[] reserve = Watermarks.lowmemReserve(X86_64, new long[] {0, 1000, 2000}, 0);
        assertArrayEquals(new long[] {0, 0, 0}, reserve);
        assertArrayEquals(new long[] {0, 0, 2000 / 256}, Watermarks.lowmemReserve(X86_64, new long[] {10, 1000, 2000}, 1));
    }

    /* Linux 2.0, 16 MiB: i = 4096 pages / 128 = 32; min 32, low 32 + 16 = 48, high 64, all in ZONE_DMA. */
    @Test
    void linux20MarksOfASixteenMebibyteMachine() {
        Watermarks.Marks[] m = Watermarks.linux20(new long[] {3711, 0}, 4096, 0);
        assertMarks(m[0], 32, 48, 64, 0, 0, 0);
        assertMarks(m[1], 0, 0, 0, 0, 0, 0);
    }

    @Test
    void linux20HasAFloorOfSixteenPages() {
        Watermarks.Marks[] m = Watermarks.linux20(new long[] {700, 0}, 1024, 0); // 4 MiB: 1024/128 = 8 -> 16
        assertMarks(m[0], 16, 24, 32, 0, 0, 0);
    }

    /* Linux 2.0, 64 MiB: i = 16384/128 = 128, low 192, high 256; shared by managed pages 3711 : 12288. */
    @Test
    void linux20SharesTheGlobalReserveByManagedPages() {
        long dma = 3711;
        long normal = 12_288;
        Watermarks.Marks[] m = Watermarks.linux20(new long[] {dma, normal}, 16_384, 0);
        assertMarks(m[0], 128 * dma / (dma + normal), 192 * dma / (dma + normal), 256 * dma / (dma + normal), 0, 0, 0);
        assertEquals(29, m[0].min());
        // 128 * 12288 / 15999 = 98.3: rounded down to 98, plus the page rounding left over, so 29 + 99 = 128.
        assertMarks(m[1], 99, 192 - 44, 256 - 59, 0, 0, 0);
        assertEquals(128, m[0].min() + m[1].min(), "the shares add up to 2.0's min_free_pages");
    }

    @Test
    void zoneinfoOfTheDefaultX8664MachineShowsTheComputedMarks() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.X86_64, GiB);
        List<ZoneStats> info = zones.zoneinfo();
        assertZone(info.get(0), ZoneType.DMA, 4096, 3840, 15, 18, 21, 24, 0, 976, 976);
        assertZone(info.get(1), ZoneType.DMA32, 258_048, 249_856, 991, 1240, 1489, 1738, 0, 0, 0);
        assertZone(info.get(2), ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void zoneinfoOfTheDefaultI386MachineShowsLinux20Marks() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB);
        List<ZoneStats> info = zones.zoneinfo();
        // 4096 frames less page 0, page 0x9f (2.0's mem_init kept it, arch/i386/mm/init.c:237-240), the ISA hole
        // (96), the kernel image (256) and mem_map (4096 x 52 B = 52, 2.0's struct page).
        assertZone(info.get(0), ZoneType.DMA, 4096, 3690, 32, 48, 64, 0, 0, 0);
        assertZone(info.get(1), ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /* The same i386 machine under today's rules: int_sqrt(3690*4*16 = 236160) = 485 kB, pages_min 121. */
    @Test
    void aModernKernelOnTheI386MachineUsesMinFreeKbytes() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB, Era.MODERN);
        assertZone(zones.zoneinfo().get(0), ZoneType.DMA, 4096, 3690, 121, 151, 181, 211, 0, 0);
    }

    @Test
    void sixteenGibibyteMachineBootsWithTheHandComputedMarks() {
        Machine machine = Machine.boot(MachineProfile.X86_64, 16 * GiB);
        DmaZoneAllocator zones = ZoneTesting.create(
                new ZoneAllocatorConfig(machine, SimplePageAllocator.provider(), Era.MODERN, Duration.ZERO, 0));
        ZoneStats normal = zones.zoneinfo().get(2);
        assertEquals(3_145_728, normal.managed());
        assertEquals(3097, normal.min());
        assertEquals(6242, normal.low());
        assertEquals(9387, normal.high());
        assertArrayEquals(new long[] {0, 3808, 16_096}, zones.zoneinfo().get(0).protection());
    }

    private static void assertMarks(Watermarks.Marks m, long min, long low, long high, long promo, long... protection) {
        assertEquals(min, m.min(), "min");
        assertEquals(low, m.low(), "low");
        assertEquals(high, m.high(), "high");
        assertEquals(promo, m.promo(), "promo");
        assertArrayEquals(protection, m.protection(), "protection");
    }

    private static void assertZone(ZoneStats z, ZoneType type, long spanned, long managed, long min, long low,
                                   long high, long promo, long... protection) {
        assertEquals(type, z.type());
        assertEquals(spanned, z.spanned(), "spanned");
        assertEquals(spanned, z.present(), "present");
        assertEquals(managed, z.managed(), "managed");
        assertEquals(managed, z.free(), "free after boot");
        assertEquals(min, z.min(), "min");
        assertEquals(low, z.low(), "low");
        assertEquals(high, z.high(), "high");
        assertEquals(promo, z.promo(), "promo");
        assertArrayEquals(protection, z.protection(), "protection");
    }
}
