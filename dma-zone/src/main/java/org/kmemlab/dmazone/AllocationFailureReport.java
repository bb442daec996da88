package org.kmemlab.dmazone;

import java.util.List;
import java.util.function.Supplier;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.stats.ProcFormat;
import org.kmemlab.api.stats.ZoneStats;

/**
 * The kernel's {@code warn_alloc()}: the report an allocation failure leaves in the log, so that whoever
 * reads dmesg afterwards can tell which request failed and what memory looked like at that moment.
 *
 * <pre>
 * main: page allocation failure: order:0, mode:0x820(GFP_ATOMIC)
 * Mem-Info:
 * Node 0 DMA free:232kB min:280kB low:348kB high:416kB present:16384kB managed:15360kB
 * lowmem_reserve[]: 0 31 31
 * Node 0 DMA32 free:220kB min:584kB low:728kB high:872kB present:49152kB managed:31744kB
 * lowmem_reserve[]: 0 0 0
 * Node 0 Normal free:0kB min:0kB low:0kB high:0kB present:0kB managed:0kB
 * lowmem_reserve[]: 0 0 0
 * Node 0, zone      DMA      0      1 ...
 * Node 0, zone    DMA32      1      0 ...
 * </pre>
 *
 * The first line has the layout of Linux 4.5 – 4.8 (later kernels append the nodemask and cpuset); the
 * zone lines are a shortened {@code show_free_areas()}, followed by the {@code /proc/buddyinfo} rows.
 *
 * <p>Like the kernel's, the report is rate limited: at most {@value #BURST} reports in any
 * {@value #INTERVAL_SECONDS}-second window; the first report after a quiet spell says how many were
 * suppressed ({@code warn_alloc: 12 callbacks suppressed}). {@code __GFP_NOWARN} suppresses it entirely.
 */
final class AllocationFailureReport {

    /** Reports allowed per window ({@code DEFAULT_RATELIMIT_BURST}). */
    static final int BURST = 10;
    /** The window ({@code DEFAULT_RATELIMIT_INTERVAL}, 5 s). */
    static final int INTERVAL_SECONDS = 5;
    private static final long INTERVAL_NANOS = INTERVAL_SECONDS * 1_000_000_000L;

    private final Dmesg dmesg;
    private long windowStart;
    private int printedInWindow;
    private int suppressed;
    private boolean started;

    AllocationFailureReport(Dmesg dmesg) {
        this.dmesg = dmesg;
    }

    /** Returns the report's first line for the current thread. */
    static String headline(int gfp, int order) {
        return Thread.currentThread().getName() + ": page allocation failure: order:" + order + ", mode:"
                + Gfp.mode(gfp);
    }

    /** Returns the whole report text (several lines) for a failed request and the zones' figures now. */
    static String text(int gfp, int order, List<ZoneStats> zones) {
        StringBuilder out = new StringBuilder(headline(gfp, order)).append("\nMem-Info:");
        int kbPerPage = 1 << (MachineProfile.PAGE_SHIFT - 10);
        for (ZoneStats z : zones) {
            out.append(Checks.format("\nNode %d %s free:%dkB min:%dkB low:%dkB high:%dkB present:%dkB managed:%dkB",
                    z.node(), z.type().procName(), z.free() * kbPerPage, z.min() * kbPerPage,
                    z.low() * kbPerPage, z.high() * kbPerPage, z.present() * kbPerPage, z.managed() * kbPerPage));
            out.append("\nlowmem_reserve[]:");
            for (long reserve : z.protection()) {
                out.append(' ').append(reserve);
            }
        }
        String buddyinfo = ProcFormat.buddyinfo(zones);
        if (!buddyinfo.isEmpty()) {
            out.append('\n').append(buddyinfo, 0, buddyinfo.length() - 1);
        }
        return out.toString();
    }

    /**
     * Logs the report at WARNING unless {@code gfp} has {@code __GFP_NOWARN} or the rate limit holds it
     * back.
     *
     * @param zones the zones' figures; read only when the report is printed
     */
    void report(int gfp, int order, Supplier<List<ZoneStats>> zones) {
        if ((gfp & Gfp.__GFP_NOWARN) != 0) {
            return;
        }
        int missed;
        synchronized (this) {
            long now = System.nanoTime();
            if (!started || now - windowStart >= INTERVAL_NANOS) {
                started = true;
                windowStart = now;
                printedInWindow = 0;
            }
            if (printedInWindow >= BURST) {
                suppressed++;
                return;
            }
            printedInWindow++;
            missed = suppressed;
            suppressed = 0;
        }
        String report = text(gfp, order, zones.get());
        dmesg.warn(missed > 0 ? "warn_alloc: " + missed + " callbacks suppressed\n" + report : report);
    }
}
