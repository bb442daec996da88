package org.kmemlab.testkit.contract.zone;

import java.util.List;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.Rule;

/**
 * The checks of one {@code allocPages} call on a machine of the Linux 2.0 era (SPI rule
 * {@code zone.linux20-dma-flag}), used by {@link Allocation} in place of today's zone order, watermarks,
 * lowmem_reserve and failure report.
 *
 * <p>2.0 had no zones: {@code __get_free_pages} compared the free pages of the whole machine with
 * {@code min_free_pages} (GFP_ATOMIC skipped the comparison) and then took the first free block of the
 * order, a {@code PG_DMA} one for GFP_DMA, any for the rest; it failed without printing anything. The
 * contract reads {@code min_free_pages} as the zones' min marks together, as {@code zoneinfo()} showed
 * them before the call; {@code GFP_NFS} ({@code __GFP_HIGH} with blocking) kept only 5 pages.
 */
final class Linux20 {

    private Linux20() {
    }

    /** Returns the zones' min marks together: the machine's reserve. */
    static long minFreePages(List<ZoneStats> marks) {
        long min = 0;
        for (ZoneStats z : marks) {
            min += z.min();
        }
        return min;
    }

    private static long freePages(long[] freeBefore) {
        long free = 0;
        for (long f : freeBefore) {
            free += f;
        }
        return free;
    }

    /**
     * Returns the free pages the machine must keep from this request on the 2.0 era, or -1 for none:
     * GFP_ATOMIC ({@code __GFP_HIGH}, cannot block) none, GFP_NFS ({@code __GFP_HIGH}, may block) 5, every
     * other request {@code min_free_pages}.
     */
    static long reserveFor(int gfp, List<ZoneStats> marks) {
        if ((gfp & Gfp.__GFP_HIGH) == 0) {
            return minFreePages(marks);
        }
        return Gfp.allowsBlocking(gfp) ? Gfp.LINUX20_NFS_RESERVE : -1;
    }

    private static String reserveName(int gfp) {
        return (gfp & Gfp.__GFP_HIGH) == 0 ? "min_free_pages (the zones' min marks together)"
                : "GFP_NFS's reserve";
    }

    /** A request was served only while the machine had more than its reserve free. */
    static void checkReserve(String call, int gfp, ZoneModel.Block block, long[] freeBefore, List<ZoneStats> marks) {
        long free = freePages(freeBefore);
        long reserve = reserveFor(gfp, marks);
        if (free <= reserve) {
            throw Rule.ZONE_LINUX20_DMA_FLAG.violation(call + " took a block although the whole machine had only "
                    + free + " free pages, not more than " + reserve + ", " + reserveName(gfp)
                    + ": on the 2.0 era one reserve check covers the whole machine",
                    "NO_PAGE", "pfn " + block.pfn() + " in ZONE_" + block.zone());
        }
    }

    /**
     * A failure is wrong when a zone the gfp allows had a free block of the order and the request had
     * {@code __GFP_HIGH} or the machine had more than its reserve free; and a failure logs nothing.
     */
    static void checkFailure(ZoneState s, String call, int gfp, int order, long[] freeBefore, int[] largestBefore,
                             List<ZoneStats> marks, long dmesgBefore) {
        List<Dmesg.Entry> lines = s.machine.dmesg().entriesAfter(dmesgBefore - 1);
        for (Dmesg.Entry line : lines) {
            if (line.text().contains("page allocation failure")) {
                throw Rule.ZONE_LINUX20_DMA_FLAG.violation(call + " failed and logged today's page allocation failure"
                        + " report: 2.0's __get_free_pages returned 0 without a word",
                        "no \"page allocation failure\" line in dmesg", Allocation.firstLines(lines));
            }
        }
        if (order > s.maxOrder()) {
            return;
        }
        long free = freePages(freeBefore);
        long reserve = reserveFor(gfp, marks);
        boolean passes = free > reserve;
        ZoneType highest = Gfp.highestZone(gfp);
        for (int z = 0; z < s.model.zones().size() && passes; z++) {
            ZoneType type = s.model.zones().get(z).type();
            if (type.ordinal() <= highest.ordinal() && largestBefore[z] >= order) {
                throw Rule.ZONE_LINUX20_DMA_FLAG.violation(call + " returned NO_PAGE although ZONE_" + type
                        + " had a free block of order " + largestBefore[z] + " and the whole machine had " + free
                        + " free pages" + (reserve < 0 ? " (GFP_ATOMIC: no reserve check)" : ", more than "
                        + reserve + ", " + reserveName(gfp)) + ": on the 2.0 era one reserve check covers the"
                        + " machine, zones keep no pages of their own",
                        "a block from ZONE_" + type, "NO_PAGE");
            }
        }
    }
}
