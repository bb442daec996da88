package org.kmemlab.kmalloc;

import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * What Linux 2.0 let a user see of its memory: {@code /proc/meminfo} and the console report
 * {@code show_free_areas()}, in 2.0's layout.
 *
 * <h2>What 2.0 had, and what it did not</h2>
 * 2.0's {@code /proc} has {@code meminfo} and nothing else about memory: no {@code slabinfo} (the slab
 * allocator arrived in 2.1; 2.2 shows {@code slabinfo - version: 1.0}), no {@code buddyinfo} (after
 * 2.4.0-test9), no {@code zoneinfo} (2.0 had no zones). {@code get_meminfo} in {@code fs/proc/array.c}
 * (tag 2.0, lines 279-302) prints a table in bytes, then the same figures again in kB, "tagged format,
 * for easy grepping":
 * <pre>
 *         total:    used:    free:  shared: buffers:  cached:
 * Mem:  15335424  3686400 11649024        0        0        0
 * Swap:        0        0        0
 * MemTotal:     14976 kB
 * MemFree:      11376 kB
 * ...
 * </pre>
 * {@code total} is every page that is not reserved ({@code si_meminfo} in {@code arch/i386/mm/init.c}),
 * {@code free} is {@code nr_free_pages}, {@code shared} counts extra references to mapped pages and
 * {@code buffers} the buffer cache. kmemlab maps no page twice and has no buffer cache, so both are 0,
 * as on a 2.0 machine that has just booted; {@code cached} is the simulated page cache, and there is no
 * swap.
 *
 * <p>The free lists were visible only on the console, through {@code show_free_areas()}
 * ({@code mm/page_alloc.c}, lines 216-229), which SysRq-M and an out-of-memory kill printed: the free
 * total, then for each order 0 … {@code NR_MEM_LISTS}-1 the number of free blocks times the block size,
 * and the sum:
 * <pre>
 * Free pages:       11376kB
 *  ( 2*4kB 1*8kB 0*16kB 1*32kB 3*64kB 88*128kB = 11376kB)
 * </pre>
 * 2.0 kept one set of lists for all memory (DMA-capable pages were marked by a flag), so the counts here
 * add up the free blocks of every zone kmemlab keeps.
 */
final class Linux20Proc {

    /** The first line of 2.0's {@code /proc/meminfo} table. */
    static final String MEMINFO_HEADER = "        total:    used:    free:  shared: buffers:  cached:";

    private Linux20Proc() {
    }

    /** Returns 2.0's {@code /proc/meminfo} for the figures in {@code m} (kB). */
    static String meminfo(MemInfo m) {
        long total = m.memTotal() << 10;
        long free = m.memFree() << 10;
        long cached = m.cached() << 10;
        StringBuilder out = new StringBuilder(MEMINFO_HEADER).append('\n');
        out.append(Checks.format("Mem:  %8d %8d %8d %8d %8d %8d", total, total - free, free, 0, 0, cached))
                .append('\n');
        out.append(Checks.format("Swap: %8d %8d %8d", 0, 0, 0)).append('\n');
        kb(out, "MemTotal:  ", m.memTotal());
        kb(out, "MemFree:   ", m.memFree());
        kb(out, "MemShared: ", 0);
        kb(out, "Buffers:   ", 0);
        kb(out, "Cached:    ", m.cached());
        kb(out, "SwapTotal: ", 0);
        kb(out, "SwapFree:  ", 0);
        return out.toString();
    }

    /**
     * Returns {@code show_free_areas()}'s two lines.
     *
     * @param freePages {@code nr_free_pages}
     * @param zones the zones whose free blocks make up 2.0's single set of lists
     * @param orders the number of lists ({@code NR_MEM_LISTS}: 6 in 2.0)
     */
    static String showFreeAreas(long freePages, List<ZoneStats> zones, int orders) {
        long kbPerPage = MachineProfile.PAGE_SIZE >>> 10;
        StringBuilder out = new StringBuilder(Checks.format("Free pages:      %6dkB", freePages * kbPerPage))
                .append("\n ( ");
        long total = 0;
        for (int order = 0; order < orders; order++) {
            long blocks = 0;
            for (ZoneStats z : zones) {
                blocks += order < z.freeBlocks().length ? z.freeBlocks(order) : 0;
            }
            total += blocks * (kbPerPage << order);
            out.append(blocks).append('*').append(kbPerPage << order).append("kB ");
        }
        return out.append("= ").append(total).append("kB)\n").toString();
    }

    private static void kb(StringBuilder out, String label, long kb) {
        out.append(label).append(Checks.format("%8d kB", kb)).append('\n');
    }
}
