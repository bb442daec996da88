package org.kmemlab.testkit.contract.kernel;

import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.Rule;

/**
 * What the kernel's reports must say, whatever allocators it is built from.
 *
 * <p>The facade does not say how a kernel keeps memory in per-CPU lists or how many empty slabs it
 * retains, so the contract demands only what holds for any correct kernel:
 * <ul>
 *   <li>{@code MemFree} is the sum of the zones' free pages in zoneinfo, {@code MemTotal} the sum of
 *       their managed pages;</li>
 *   <li>{@code Slab} is the pages of the slabinfo rows; every row is consistent (total objects are
 *       objects per slab times slabs, active at most total);</li>
 *   <li>slabinfo's active objects are at least the live kmalloc allocations smaller than a page (those
 *       cannot be page blocks);</li>
 *   <li>free, slab, cached and live getFreePages pages together fit in {@code MemTotal};</li>
 *   <li>with nothing live, free + slab + cached pages are back to what they were after boot, less the
 *       per-CPU allowance the test declares (0 for a kernel without per-CPU page lists): memory that is
 *       neither free nor retained by the object allocator where slabinfo shows it has leaked.</li>
 * </ul>
 * Worked example (i386, 4 KiB pages): zoneinfo free 120 + 3500 pages gives {@code MemFree 14480 kB};
 * slabinfo rows of 3 one-page slabs and 1 two-page slab give {@code Slab 20 kB}.
 */
final class KernelAccounting {

    private KernelAccounting() {
    }

    static void check(KernelState s) {
        long kb = s.machine.pageSize() >>> 10;
        long free = 0;
        long managed = 0;
        for (ZoneStats z : s.kernel.zoneinfo()) {
            free += z.free();
            managed += z.managed();
        }
        MemInfo info = s.kernel.meminfo();
        if (info.memFree() != free * kb) {
            throw Rule.KERNEL_REPORTS.violation("meminfo MemFree must be the free pages of the zones in zoneinfo",
                    free + " pages = " + free * kb + " kB", info.memFree() + " kB");
        }
        if (info.memTotal() != managed * kb) {
            throw Rule.KERNEL_REPORTS.violation("meminfo MemTotal must be the managed pages of the zones in zoneinfo",
                    managed + " pages = " + managed * kb + " kB", info.memTotal() + " kB");
        }
        long slabPages = 0;
        long active = 0;
        for (SlabInfo row : s.kernel.slabinfo()) {
            if (row.totalObjects() != row.objectsPerSlab() * row.totalSlabs() || row.activeObjects() > row.totalObjects()
                    || row.activeSlabs() > row.totalSlabs()) {
                throw Rule.KERNEL_REPORTS.violation("slabinfo row " + row.name() + " must be consistent: total objects ="
                        + " objects per slab x slabs, active at most total", row.objectsPerSlab() + " x "
                        + row.totalSlabs() + " objects, at most that many active", row.activeObjects() + " / "
                        + row.totalObjects() + " objects, " + row.activeSlabs() + " / " + row.totalSlabs() + " slabs");
            }
            slabPages += row.totalSlabs() * row.pagesPerSlab();
            active += row.activeObjects();
        }
        if (info.slab() != slabPages * kb) {
            throw Rule.KERNEL_REPORTS.violation("meminfo Slab must be the pages of the slabinfo rows",
                    slabPages + " pages = " + slabPages * kb + " kB", info.slab() + " kB");
        }
        long small = 0;
        long blockPages = 0;
        for (KernelAllocation a : s.live.values()) {
            if (a.isPages()) {
                blockPages += 1L << a.order();
            } else if (a.extent() < s.machine.pageSize()) {
                small++;
            }
        }
        if (active < small) {
            throw Rule.KERNEL_REPORTS.violation("slabinfo's active objects must count every live kmalloc allocation smaller"
                    + " than a page", "at least " + small + " active objects", active + " active objects");
        }
        long accounted = info.memFree() / kb + slabPages + info.cached() / kb + blockPages;
        if (accounted > managed) {
            throw Rule.KERNEL_REPORTS.violation("free, slab, cached and live getFreePages pages cannot exceed MemTotal",
                    "at most " + managed + " pages", accounted + " pages (" + info.memFree() / kb + " free, "
                            + slabPages + " slab, " + info.cached() / kb + " cached, " + blockPages + " in blocks)");
        }
        if (s.live.isEmpty()) {
            long now = s.recoverablePages(info);
            if (now + s.slackPages < s.bootPages) {
                throw Rule.KERNEL_REPORTS.violation("with nothing live, free + slab + cached pages must be back to what they"
                        + " were after boot" + (s.slackPages == 0 ? "" : " (less " + s.slackPages
                        + " pages of per-CPU lists)"), "at least " + (s.bootPages - s.slackPages) + " pages",
                        now + " pages: " + (s.bootPages - now) + " pages leaked");
            }
        }
    }
}
