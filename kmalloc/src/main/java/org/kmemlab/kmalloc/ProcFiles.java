package org.kmemlab.kmalloc;

import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.ProcFormat;
import org.kmemlab.api.stats.SlabInfo;

/**
 * The kernel's reports: {@code /proc/meminfo}, {@code /proc/slabinfo}, {@code /proc/buddyinfo},
 * {@code /proc/zoneinfo} and {@code /proc/vmallocinfo} as the era's kernel had them, and kmemlab's own
 * labelled views of the files Linux 2.0 did not have. The figures come from the subsystems that keep
 * them (the zone allocator, the object allocator, the named caches, vmalloc and the page cache); the
 * arithmetic of meminfo is in {@link KernelReports}, 2.0's text in {@link Linux20Proc}.
 */
final class ProcFiles {

    /** The reports kmemlab keeps in today's {@code /proc} layout whatever the era. */
    private static final List<String> VIEWS = List.of("buddyinfo", "slabinfo", "zoneinfo",
            "vmallocinfo");

    private final Machine machine;
    private final Era era;
    private final ZoneAllocator zones;
    private final SmallObjects small;
    private final KmemCaches kmemCaches;
    private final Vmalloc vmalloc;
    private final PageCache pageCache;

    ProcFiles(Machine machine, Era era, ZoneAllocator zones, SmallObjects small, KmemCaches kmemCaches,
              Vmalloc vmalloc, PageCache pageCache) {
        this.machine = machine;
        this.era = era;
        this.zones = zones;
        this.small = small;
        this.kmemCaches = kmemCaches;
        this.vmalloc = vmalloc;
        this.pageCache = pageCache;
    }

    MemInfo meminfo() {
        MemInfo m = KernelReports.meminfo(machine, zones.zoneinfo(), zones.freeFrames(), pageCache.pages(),
                small.slabPages() + kmemCaches.slabPages());
        long kbPerPage = MachineProfile.PAGE_SIZE >>> 10;
        return new MemInfo(m.memTotal(), m.memFree(), m.memAvailable(), m.cached(), m.slab(), m.sReclaimable(),
                m.sUnreclaim(), vmalloc.tablePages() * kbPerPage, m.vmallocTotal(), vmalloc.pages() * kbPerPage,
                m.vmallocChunk());
    }

    /** The kmalloc caches' rows, then the named caches'; objects in per-thread magazines count as active. */
    List<SlabInfo> slabinfo() {
        List<SlabInfo> rows = new java.util.ArrayList<>(small.slabinfo());
        rows.addAll(kmemCaches.slabinfo());
        return rows;
    }

    String buddyinfo() {
        return ProcFormat.buddyinfo(zones.zoneinfo());
    }

    String slabinfoText() {
        return ProcFormat.slabinfo(slabinfo());
    }

    String zoneinfo() {
        return ProcFormat.zoneinfo(zones.zoneinfo());
    }

    /** Today's {@code "%-16s%8lu kB"} lines, or on the Linux 2.0 era 2.0's own file. */
    String meminfoText() {
        return era == Era.LINUX_2_0 ? Linux20Proc.meminfo(meminfo()) : ProcFormat.meminfo(meminfo());
    }

    String vmallocinfo() {
        return vmalloc.vmallocinfo();
    }

    /** 2.0's {@code show_free_areas()}: the free blocks of every order, summed over all zones. */
    String showFreeAreas() {
        return Linux20Proc.showFreeAreas(zones.freeFrames(), zones.zoneinfo(), era.maxOrder() + 1);
    }

    /** The file {@code path} as the era's kernel had it; see {@link Kernel#proc(String)}. */
    String proc(String path) {
        String name = Checks.requireNonNull(path, "path").replaceFirst("^/proc/", "");
        if (era == Era.LINUX_2_0) {
            if (name.equals("meminfo")) {
                return meminfoText();
            }
            if (VIEWS.contains(name)) {
                throw new IllegalArgumentException("Linux 2.0 has no /proc/" + name + ": its only memory file is"
                        + " /proc/meminfo, and it showed its free lists only on the console (showFreeAreas());"
                        + " use kmemlabView(\"" + name + "\") for kmemlab's own view in today's layout");
            }
            throw new IllegalArgumentException("no /proc file '" + path + "'; Linux 2.0 has /proc/meminfo");
        }
        return switch (name) {
            case "buddyinfo" -> buddyinfo();
            case "slabinfo" -> slabinfoText();
            case "zoneinfo" -> zoneinfo();
            case "meminfo" -> meminfoText();
            case "vmallocinfo" -> vmallocinfo();
            default -> throw new IllegalArgumentException("no /proc file '" + path + "'; there are /proc/buddyinfo,"
                    + " /proc/slabinfo, /proc/zoneinfo, /proc/meminfo and /proc/vmallocinfo");
        };
    }

    /** kmemlab's report {@code name} in today's layout, labelled on the 2.0 era; see {@link Kernel#kmemlabView}. */
    String kmemlabView(String name) {
        String file = Checks.requireNonNull(name, "name").replaceFirst("^/proc/", "");
        String text = switch (file) {
            case "buddyinfo" -> buddyinfo();
            case "slabinfo" -> slabinfoText();
            case "zoneinfo" -> zoneinfo();
            case "vmallocinfo" -> vmallocinfo();
            default -> throw new IllegalArgumentException("no view '" + name + "'; there are " + VIEWS);
        };
        if (era != Era.LINUX_2_0) {
            return text;
        }
        String what = switch (file) {
            case "buddyinfo" -> "free blocks per order and zone (today's /proc/buddyinfo layout)";
            case "slabinfo" -> "objects per size class (today's /proc/slabinfo layout)";
            case "zoneinfo" -> "kmemlab's zones (today's /proc/zoneinfo layout; 2.0 had no zones)";
            default -> "vmalloc areas (today's /proc/vmallocinfo layout)";
        };
        return Kernel.KMEMLAB_VIEW_LABEL + what + "\n" + text;
    }
}
