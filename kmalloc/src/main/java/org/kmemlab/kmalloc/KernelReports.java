package org.kmemlab.kmalloc;

import java.util.List;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * The figures behind {@code /proc/meminfo}, and the dmesg text, computed the way
 * the kernel computes them.
 */
final class KernelReports {

    private KernelReports() {
    }

    /**
     * Computes {@code /proc/meminfo}.
     *
     * <p>{@code MemAvailable} follows {@code si_mem_available()}: free pages minus the reserve the
     * allocator keeps for itself (each zone's high watermark plus its largest {@code lowmem_reserve}),
     * plus the page cache minus the part of it that reclaim would not get to before the low watermarks
     * (at most half the cache). Worked example: 3000 free pages, reserves of 400, 2000 cached pages and low
     * watermarks totalling 300 give {@code 3000 - 400 + 2000 - min(1000, 300) = 4300} pages.
     *
     * @param zones the zone figures
     * @param freePages free frames in all zones
     * @param cachedPages pages of the simulated page cache
     * @param slabPages pages the object allocator holds
     */
    static MemInfo meminfo(Machine machine, List<ZoneStats> zones, long freePages, long cachedPages, long slabPages) {
        long managed = 0;
        long reserve = 0;
        long lowMarks = 0;
        for (ZoneStats z : zones) {
            managed += z.managed();
            long largestProtection = 0;
            for (long p : z.protection()) {
                largestProtection = Math.max(largestProtection, p);
            }
            reserve += Math.min(z.managed(), z.high() + largestProtection);
            lowMarks += z.low();
        }
        long available = freePages - reserve + cachedPages - Math.min(cachedPages / 2, lowMarks);
        long kbPerPage = MachineProfile.PAGE_SIZE >>> 10;
        long vmallocKb = (machine.vmallocEnd() - machine.vmallocStart()) >>> 10;
        return new MemInfo(managed * kbPerPage, freePages * kbPerPage, Math.max(0, available) * kbPerPage,
                cachedPages * kbPerPage, slabPages * kbPerPage, 0, slabPages * kbPerPage, 0, vmallocKb, 0, 0);
    }

    /**
     * Formats the log as {@code dmesg -r} does: the {@code <level>} prefix, the time stamp (none on Linux
     * 2.0, see {@link Dmesg#printkTime(boolean)}), the text.
     */
    static String dmesg(Dmesg log) {
        StringBuilder out = new StringBuilder();
        for (Dmesg.Entry e : log.entries()) {
            out.append(e.level().prefix()).append(log.format(e)).append('\n');
        }
        return out.toString();
    }
}
