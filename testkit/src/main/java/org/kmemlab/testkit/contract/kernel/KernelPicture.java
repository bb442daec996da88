package org.kmemlab.testkit.contract.kernel;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.chain.Pictures;
import org.kmemlab.testkit.property.Snapshot;

/**
 * The kernel chain's picture for the failure page: the kernel's {@code /proc} view (meminfo, zoneinfo's
 * free pages, slabinfo) beside what the model makes of it, then the live allocations with their ksize.
 *
 * <p>The model of a kernel knows less than that of one allocator (a kernel may keep pages in per-CPU
 * lists and empty slabs in caches), so its side states what {@link KernelAccounting} demands: MemTotal and
 * MemFree are the managed and free pages of zoneinfo, Slab is the pages of the slabinfo rows, slabinfo's
 * active objects are at least the live kmallocs smaller than a page, free + slab + cached + live page
 * blocks fit in MemTotal and, with nothing live, are back to what they were after boot. A line holding a
 * bound reads the same on both sides; a broken one shows the bound on the model side. Cached, the vmalloc
 * figures (the contract never calls vmalloc, so they should not move) and each zone's free pages have no
 * expectation and are shown on both sides.
 */
final class KernelPicture {

    private KernelPicture() {
    }

    static Snapshot of(KernelState s) {
        Snapshot.Sides sides = new Snapshot.Sides();
        long kb = s.machine.pageSize() >>> 10;
        List<ZoneStats> zones = s.kernel.zoneinfo();
        MemInfo info = s.kernel.meminfo();
        List<SlabInfo> rows = s.kernel.slabinfo();
        long free = 0;
        long managed = 0;
        for (ZoneStats z : zones) {
            free += z.free();
            managed += z.managed();
        }
        long slabPages = 0;
        long active = 0;
        for (SlabInfo row : rows) {
            slabPages += row.totalSlabs() * row.pagesPerSlab();
            active += row.activeObjects();
        }
        long small = 0;
        long kmallocs = 0;
        long blockPages = 0;
        List<KernelAllocation> blocks = new ArrayList<>();
        for (KernelAllocation a : s.live.values()) {
            if (a.isPages()) {
                blockPages += 1L << a.order();
                blocks.add(a);
            } else {
                kmallocs++;
                small += a.extent() < s.machine.pageSize() ? 1 : 0;
            }
        }
        sides.both("/proc/meminfo");
        sides.compare("  MemTotal: " + info.memTotal() + " kB", "  MemTotal: " + managed * kb + " kB");
        sides.compare("  MemFree: " + info.memFree() + " kB", "  MemFree: " + free * kb + " kB");
        sides.compare("  Slab: " + info.slab() + " kB", "  Slab: " + slabPages * kb + " kB");
        sides.both("  Cached: " + info.cached() + " kB");
        sides.both("  VmallocUsed: " + info.vmallocUsed() + " kB, PageTables: " + info.pageTables() + " kB");
        sides.both("/proc/zoneinfo");
        for (ZoneStats z : zones) {
            sides.both("  zone " + z.type().procName() + ": pages free " + z.free() + " of " + z.managed());
        }
        sides.both("/proc/slabinfo");
        String objects = "  active objects: " + active;
        sides.expect(objects, active >= small, "  active objects: at least " + small
                + " (the live kmallocs under a page)");
        for (int i = 0; i < rows.size(); i++) {
            SlabInfo row = rows.get(i);
            if (row.totalSlabs() > 0) {
                sides.both("  " + row.name() + ": " + row.activeObjects() + " of " + row.totalObjects() + " objects, "
                        + row.totalSlabs() + (row.totalSlabs() == 1 ? " slab" : " slabs"));
            }
        }
        sides.both("live memory (as the property counts it)");
        sides.both("  kmalloc objects live: " + kmallocs + " (" + small + " under a page)");
        sides.both("  page blocks live: " + blocks.size() + " (" + blockPages + " pages)");
        long accounted = info.memFree() / kb + slabPages + info.cached() / kb + blockPages;
        sides.expect("  free + slab + cached + blocks: " + accounted + " pages", accounted <= managed,
                "  free + slab + cached + blocks: at most MemTotal, " + managed + " pages");
        if (s.live.isEmpty()) {
            long now = s.recoverablePages(info);
            long least = s.bootPages - s.slackPages;
            sides.expect("  nothing live, free + slab + cached: " + now + " pages", now >= least,
                    "  nothing live, free + slab + cached: at least " + least + " pages (as after boot)");
        }
        List<KernelAllocation> live = new ArrayList<>(s.live.values());
        for (int i = 0; i < live.size(); i++) {
            if (Pictures.pastCap(sides, i, live.size(), "allocations")) {
                break;
            }
            KernelAllocation a = live.get(i);
            String name = "  " + a.label() + " at " + KernelActions.hex(a.addr());
            // ksize now (the allocator's side) beside ksize when it was allocated (the model's)
            if (a.isPages()) {
                sides.both(name + ": order " + a.order() + " block");
            } else {
                sides.compare(name + " ksize", () -> s.kernel.ksize(a.addr()), a.extent());
            }
        }
        return sides.build();
    }
}
