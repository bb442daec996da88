package org.kmemlab.api.stats;

import java.util.List;
import org.kmemlab.api.Checks;

/**
 * Text in the layout of Linux's {@code /proc} files, from kmemlab's statistics records.
 *
 * <p>Column widths follow the kernel's {@code seq_printf} formats, so tools and eyes trained on a real
 * machine read these the same way:
 * <ul>
 *   <li>buddyinfo: {@code "Node %d, zone %8s "} and {@code "%6lu "} per order;</li>
 *   <li>slabinfo: the version 2.1 header, then {@code "%-17s %6lu %6lu %6u %4u %4d"},
 *       {@code " : tunables %4u %4u %4u"} (always {@code 0 0 0}, as under SLUB) and
 *       {@code " : slabdata %6lu %6lu %6lu"};</li>
 *   <li>zoneinfo: the per-zone head ({@code pages free}, {@code boost}, {@code min}, {@code low},
 *       {@code high}, {@code promo}, {@code spanned}, {@code present}, {@code managed}, {@code cma},
 *       {@code protection: (…)}), {@code nr_free_pages}, and {@code start_pfn};</li>
 *   <li>meminfo: {@code "%-16s%8lu kB"}, label and colon padded to 16 characters.</li>
 * </ul>
 */
public final class ProcFormat {

    /** The first line of {@code /proc/slabinfo}. */
    public static final String SLABINFO_VERSION = "slabinfo - version: 2.1";
    /** The second line of {@code /proc/slabinfo}. */
    public static final String SLABINFO_HEADER = "# name            <active_objs> <num_objs> <objsize> <objperslab>"
            + " <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
            + " <num_slabs> <sharedavail>";

    private ProcFormat() {
    }

    /** Returns {@code /proc/buddyinfo}: one line per non-empty zone. */
    public static String buddyinfo(List<ZoneStats> zones) {
        StringBuilder out = new StringBuilder();
        for (ZoneStats z : zones) {
            if (z.managed() == 0) {
                continue;
            }
            out.append(buddyinfoLine(z)).append('\n');
        }
        return out.toString();
    }

    /** Returns one buddyinfo line (without newline), trailing space included as the kernel prints it. */
    public static String buddyinfoLine(ZoneStats zone) {
        StringBuilder line = new StringBuilder(Checks.format("Node %d, zone %8s ", zone.node(), zone.type().procName()));
        for (long blocks : zone.freeBlocks()) {
            line.append(Checks.format("%6d ", blocks));
        }
        return line.toString();
    }

    /** Returns {@code /proc/slabinfo}: the two header lines and one row per cache. */
    public static String slabinfo(List<SlabInfo> caches) {
        StringBuilder out = new StringBuilder(SLABINFO_VERSION).append('\n').append(SLABINFO_HEADER).append('\n');
        for (SlabInfo s : caches) {
            out.append(slabinfoLine(s)).append('\n');
        }
        return out.toString();
    }

    /** Returns one slabinfo row (without newline). */
    public static String slabinfoLine(SlabInfo s) {
        return Checks.format("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d",
                s.name(), s.activeObjects(), s.totalObjects(), s.objectSize(), s.objectsPerSlab(),
                s.pagesPerSlab(), 0, 0, 0, s.activeSlabs(), s.totalSlabs(), 0);
    }

    /** Returns {@code /proc/zoneinfo} for the given zones (every zone, empty ones included). */
    public static String zoneinfo(List<ZoneStats> zones) {
        StringBuilder out = new StringBuilder();
        for (ZoneStats z : zones) {
            out.append(Checks.format("Node %d, zone %8s", z.node(), z.type().procName()));
            out.append(Checks.format("\n  pages free     %d", z.free()));
            out.append(Checks.format("\n        boost    %d", 0));
            out.append(Checks.format("\n        min      %d", z.min()));
            out.append(Checks.format("\n        low      %d", z.low()));
            out.append(Checks.format("\n        high     %d", z.high()));
            out.append(Checks.format("\n        promo    %d", z.promo()));
            out.append(Checks.format("\n        spanned  %d", z.spanned()));
            out.append(Checks.format("\n        present  %d", z.present()));
            out.append(Checks.format("\n        managed  %d", z.managed()));
            out.append(Checks.format("\n        cma      %d", 0));
            out.append("\n        protection: (");
            long[] protection = z.protection();
            for (int i = 0; i < protection.length; i++) {
                out.append(i == 0 ? "" : ", ").append(protection[i]);
            }
            out.append(')');
            out.append(Checks.format("\n      %-12s %d", "nr_free_pages", z.free()));
            out.append(Checks.format("\n  start_pfn:           %d\n", z.startPfn()));
        }
        return out.toString();
    }

    /** Returns {@code /proc/meminfo} with the fields a simulated machine has. */
    public static String meminfo(MemInfo m) {
        StringBuilder out = new StringBuilder();
        kb(out, "MemTotal", m.memTotal());
        kb(out, "MemFree", m.memFree());
        kb(out, "MemAvailable", m.memAvailable());
        kb(out, "Buffers", 0);
        kb(out, "Cached", m.cached());
        kb(out, "SwapCached", 0);
        kb(out, "SwapTotal", 0);
        kb(out, "SwapFree", 0);
        kb(out, "Slab", m.slab());
        kb(out, "SReclaimable", m.sReclaimable());
        kb(out, "SUnreclaim", m.sUnreclaim());
        kb(out, "PageTables", m.pageTables());
        kb(out, "VmallocTotal", m.vmallocTotal());
        kb(out, "VmallocUsed", m.vmallocUsed());
        kb(out, "VmallocChunk", m.vmallocChunk());
        return out.toString();
    }

    private static void kb(StringBuilder out, String label, long kb) {
        out.append(Checks.format("%-16s%8d kB", label + ":", kb)).append('\n');
    }
}
