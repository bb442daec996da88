package org.kmemlab.dmazone;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;

/**
 * The watermarks of every zone and the {@code lowmem_reserve} that protects lower zones, computed as the
 * kernel of each era computed them at boot. Pure integer arithmetic on a table of managed pages: no
 * machine, no locks, so every figure can be checked by hand.
 *
 * <h2>Today's kernel: min_free_kbytes, watermark_scale_factor, lowmem_reserve_ratio</h2>
 * Three sysctls decide everything.
 * <ol>
 *   <li><b>{@code min_free_kbytes}</b> is how much memory the kernel tries never to hand out to ordinary
 *       requests. Unless an administrator sets it, it grows with the square root of low memory:
 *       {@code int_sqrt(lowmem_kbytes * 16)}, clamped to [128, 262144] kB. The square root makes it a
 *       large share of a small machine and a small share of a large one.</li>
 *   <li><b>Each zone's min</b> is its share of {@code pages_min = min_free_kbytes >> (PAGE_SHIFT - 10)},
 *       in proportion to the pages it manages: {@code pages_min * managed / lowmem_pages}, rounded
 *       down.</li>
 *   <li><b>low, high and promo</b> lie one step apart above min. The step is
 *       {@code max(min / 4, managed * watermark_scale_factor / 10000)}, with the factor 10 (0.1 %) by
 *       default. On small zones min/4 wins, giving the classic ratios low = 5/4 min, high = 3/2 min; on a
 *       large zone the 0.1 % term wins and the marks spread further apart, so kswapd wakes earlier.</li>
 *   <li><b>lowmem_reserve</b> ({@code /proc/zoneinfo}'s {@code protection}): a lower zone keeps back
 *       from a request whose highest allowed zone is {@code j} the managed pages of the zones above it, up
 *       to {@code j}, divided by its own {@code lowmem_reserve_ratio} (256 for DMA and DMA32, 32 for
 *       Normal). A zone without managed pages keeps nothing back.</li>
 * </ol>
 *
 * <p><b>Worked example: x86_64 with 1 GiB.</b> ZONE_DMA spans 4096 frames of which the first 1 MiB (256
 * frames) is reserved, so it manages 3840; ZONE_DMA32 spans 258048 frames and loses 4096 to the kernel
 * image and 4096 to {@code mem_map} (262144 frames x 64 bytes), so it manages 249856; ZONE_NORMAL is
 * empty. Low memory is 253696 pages = 1014784 kB, and {@code int_sqrt(1014784 * 16) = 4029} kB, so
 * {@code pages_min = 1007}.
 * <pre>
 *   zone   managed   min = 1007*managed/253696   step = max(min/4, managed/1000)   low    high   promo
 *   DMA       3840     15                         max(3, 3)     = 3                   18     21     24
 *   DMA32   249856    991                         max(247, 249) = 249               1240   1489   1738
 *   protection of DMA: (0, 249856/256, 249856/256) = (0, 976, 976); of DMA32: (0, 0, 0)
 * </pre>
 *
 * <h2>Linux 2.0: one global reserve</h2>
 * 2.0's {@code free_area_init} set three global numbers from the size of RAM: {@code i = pages / 128},
 * at least 16; {@code min_free_pages = i}, {@code free_pages_low = i + i/2}, {@code free_pages_high = 2i}.
 * A 16 MiB machine (4096 pages) gets 32, 48 and 64. There were no zones to share them between (GFP_DMA
 * only skipped pages above 16 MiB) and no lowmem_reserve. kmemlab has zones, so it <em>presents</em> the
 * global figures per zone, each zone's share in proportion to its managed pages exactly as today's
 * kernel splits {@code pages_min}; on the default 16 MiB machine everything is ZONE_DMA, which shows the
 * 2.0 numbers unchanged. The shares add up to the global reserve exactly (what rounding down leaves over
 * goes to the highest zone with managed pages), because the 2.0 allocator compares the free pages of the
 * whole machine with their sum, 2.0's {@code min_free_pages} ({@code DmaZoneAllocator}'s essay). Protection
 * is all zeros and promo is 0. When an
 * administrator sets {@code min_free_kbytes} for a 2.0 machine it replaces {@code i} (in pages), as
 * writing {@code /proc/sys/vm/freepages} did.
 */
final class Watermarks {

    /** The default {@code watermark_scale_factor}: 10 ten-thousandths (0.1 %) of a zone. */
    static final int WATERMARK_SCALE_FACTOR = 10;
    /** The lower clamp of a computed {@code min_free_kbytes}. */
    static final long MIN_FREE_KBYTES_FLOOR = 128;
    /** The upper clamp of a computed {@code min_free_kbytes}. */
    static final long MIN_FREE_KBYTES_CEILING = 262_144;
    /** Linux 2.0's smallest {@code min_free_pages}. */
    static final long LINUX_2_0_MIN_FREE_PAGES_FLOOR = 16;

    /** The marks of one zone, in pages; {@code protection[j]} applies to requests whose highest zone is j. */
    record Marks(long min, long low, long high, long promo, long[] protection) {
    }

    private Watermarks() {
    }

    /**
     * Computes every zone's marks.
     *
     * @param era whose rules apply
     * @param types the machine's zones, lowest first
     * @param managed the managed pages of each zone (0 for an empty zone)
     * @param ramPages all frames of RAM (2.0 sized its reserve from {@code end_mem}, not from managed pages)
     * @param minFreeKbytes the administrator's {@code min_free_kbytes}, or 0 to compute it
     */
    static Marks[] compute(Era era, ZoneType[] types, long[] managed, long ramPages, long minFreeKbytes) {
        Checks.requireArgument(types.length == managed.length, "%d zone types but %d managed counts",
                types.length, managed.length);
        return era == Era.LINUX_2_0
                ? linux20(managed, ramPages, minFreeKbytes)
                : modern(types, managed, minFreeKbytes);
    }

    /** Today's rules: see the class comment. */
    static Marks[] modern(ZoneType[] types, long[] managed, long minFreeKbytes) {
        long lowmemPages = sum(managed);
        long kbytes = minFreeKbytes > 0
                ? minFreeKbytes
                : defaultMinFreeKbytes(lowmemPages << (MachineProfile.PAGE_SHIFT - 10));
        long pagesMin = kbytes >> (MachineProfile.PAGE_SHIFT - 10);
        Marks[] marks = new Marks[managed.length];
        for (int z = 0; z < managed.length; z++) {
            long min = share(pagesMin, managed[z], lowmemPages);
            long step = Math.max(min >> 2, managed[z] * WATERMARK_SCALE_FACTOR / 10_000);
            marks[z] = new Marks(min, min + step, min + 2 * step, min + 3 * step,
                    lowmemReserve(types, managed, z));
        }
        return marks;
    }

    /** Linux 2.0's rules, shared out per zone: see the class comment. */
    static Marks[] linux20(long[] managed, long ramPages, long minFreeKbytes) {
        long i = minFreeKbytes > 0
                ? minFreeKbytes >> (MachineProfile.PAGE_SHIFT - 10)
                : Math.max(ramPages >> 7, LINUX_2_0_MIN_FREE_PAGES_FLOOR);
        long low = i + i / 2;
        long high = 2 * i;
        long[] mins = shareExactly(i, managed);
        long[] lows = shareExactly(low, managed);
        long[] highs = shareExactly(high, managed);
        Marks[] marks = new Marks[managed.length];
        for (int z = 0; z < managed.length; z++) {
            marks[z] = new Marks(mins[z], lows[z], highs[z], 0, new long[managed.length]);
        }
        return marks;
    }

    /**
     * Shares {@code total} out by managed pages, rounded down, and gives what rounding left over to the
     * highest zone that manages pages, so that the shares add up to {@code total} (all 0 when nothing is
     * managed).
     */
    private static long[] shareExactly(long total, long[] managed) {
        long whole = sum(managed);
        long[] shares = new long[managed.length];
        long given = 0;
        int highest = -1;
        for (int z = 0; z < managed.length; z++) {
            shares[z] = share(total, managed[z], whole);
            given += shares[z];
            highest = managed[z] > 0 ? z : highest;
        }
        if (highest >= 0) {
            shares[highest] += total - given;
        }
        return shares;
    }

    /**
     * Returns {@code lowmem_reserve[]} of zone {@code z}: for each requesting zone {@code j > z}, the managed
     * pages of zones {@code z+1 .. j} divided by zone z's ratio; 0 elsewhere and for an empty zone.
     */
    static long[] lowmemReserve(ZoneType[] types, long[] managed, int z) {
        long[] reserve = new long[managed.length];
        int ratio = types[z].lowmemReserveRatio();
        if (ratio == 0 || managed[z] == 0) {
            return reserve;
        }
        long above = 0;
        for (int j = z + 1; j < managed.length; j++) {
            above += managed[j];
            reserve[j] = above / ratio;
        }
        return reserve;
    }

    /** {@code int_sqrt(lowmem_kbytes * 16)} clamped to [128, 262144]: the kernel's default min_free_kbytes. */
    static long defaultMinFreeKbytes(long lowmemKbytes) {
        long computed = intSqrt(lowmemKbytes * 16);
        return Math.min(Math.max(computed, MIN_FREE_KBYTES_FLOOR), MIN_FREE_KBYTES_CEILING);
    }

    /** The largest r with r*r <= x, by bisection on integers (the kernel's {@code int_sqrt}). */
    static long intSqrt(long x) {
        Checks.requireArgument(x >= 0, "int_sqrt of negative %d", x);
        long lo = 0;
        long hi = Math.min(x, 3_037_000_499L) + 1; // 3037000499^2 < 2^63 <= 3037000500^2
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (mid * mid <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * {@code total * part / whole}, rounded down; 0 when the whole is empty. The caller keeps
     * {@code total} below the RAM size in pages, so the product stays far below 2^63.
     */
    private static long share(long total, long part, long whole) {
        return whole == 0 ? 0 : Math.multiplyExact(total, part) / whole;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }
}
