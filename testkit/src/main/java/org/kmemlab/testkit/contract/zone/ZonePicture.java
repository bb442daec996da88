package org.kmemlab.testkit.contract.zone;

import java.util.List;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.chain.Pictures;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Snapshot;

/**
 * The zone chain's picture for the failure page: each zone as {@code /proc/zoneinfo} shows it, the zone
 * allocator's record beside what the model expects, then the live blocks.
 *
 * <p>Per zone: the free pages (the model counts the frames free at boot less its live blocks), the
 * watermarks (the model only demands {@code min <= low <= high}: they may move at run time), spanned and
 * managed (the zone's span and the frames boot memory left free in it), {@code lowmem_reserve} (no
 * expectation: shown on both sides), and the buddyinfo row beside the sum of the rows of the zone's page
 * allocators, which is what zoneinfo must show. Worked example: an allocator that takes a DMA block from
 * ZONE_NORMAL reads {@code pages free 3583} under Normal where the model reads {@code 3584}, and {@code
 * 124} under DMA where the model reads {@code 120}: both lines are highlighted.
 */
final class ZonePicture {

    private ZonePicture() {
    }

    static Snapshot of(ZoneState s) {
        Snapshot.Sides sides = new Snapshot.Sides();
        sides.compare("free frames", s.sut::freeFrames, s.model.totalFree());
        List<ZoneStats> info;
        try {
            info = s.sut.zoneinfo();
        } catch (RuntimeException e) {
            sides.compare("zoneinfo() threw " + e.getClass().getSimpleName(), "zoneinfo(): one record per zone");
            info = List.of();
        }
        long[][] rows = ZoneInvariants.pageAllocatorRows(s);
        List<ZoneSpan> zones = s.model.zones();
        for (int z = 0; z < zones.size(); z++) {
            ZoneSpan span = zones.get(z);
            sides.both("Node 0, zone " + span.type().procName() + "  [pfn " + span.startPfn() + ", " + span.endPfn() + ")");
            if (z >= info.size()) {
                sides.compare("  (no zoneinfo record)", "  a zoneinfo record for ZONE_" + span.type());
                continue;
            }
            ZoneStats stats = info.get(z);
            if (stats.type() != span.type()) {
                sides.compare("  record for ZONE_" + stats.type(), "  record for ZONE_" + span.type());
            }
            sides.compare("  pages free " + stats.free(), "  pages free " + s.model.free(z));
            String marks = "  min " + stats.min() + ", low " + stats.low() + ", high " + stats.high();
            sides.expect(marks, stats.min() <= stats.low() && stats.low() <= stats.high(), "  min <= low <= high");
            sides.compare("  spanned " + stats.spanned() + ", managed " + stats.managed(),
                    "  spanned " + span.frames() + ", managed " + s.model.managed(z));
            sides.both("  protection: " + Reports.layout(stats.protection()));
            sides.compare("  buddyinfo " + Reports.layout(stats.freeBlocks()),
                    "  buddyinfo " + Reports.layout(trimmed(rows[z], stats.freeBlocks().length)));
        }
        List<ZoneModel.Block> live = s.model.liveBlocks();
        sides.both("live blocks: " + live.size());
        for (int i = 0; i < live.size(); i++) {
            if (Pictures.pastCap(sides, i, live.size(), "blocks")) {
                break;
            }
            ZoneModel.Block b = live.get(i);
            sides.both("  " + b + " in " + b.zone().procName());
        }
        return sides.build();
    }

    /** Returns {@code row} cut or padded with zeros to {@code length} orders, as zoneinfo's row is long. */
    private static long[] trimmed(long[] row, int length) {
        return java.util.Arrays.copyOf(row, Math.max(length, lastNonZero(row) + 1));
    }

    private static int lastNonZero(long[] row) {
        for (int k = row.length - 1; k >= 0; k--) {
            if (row[k] != 0) {
                return k;
            }
        }
        return -1;
    }
}
