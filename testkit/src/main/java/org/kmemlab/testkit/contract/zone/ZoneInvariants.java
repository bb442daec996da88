package org.kmemlab.testkit.contract.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * What must hold after boot and after every step of a chain.
 *
 * <ul>
 *   <li><b>Boot</b>: boot memory is retired; the page allocators created through the configured provider
 *       cover exactly the frames boot memory left free (no reserved frame, none lost, none twice).</li>
 *   <li><b>Accounting</b>: {@code freeFrames()} equals the model; {@code zoneinfo()} has one record per zone
 *       of the machine, lowest first, whose free count equals the model, whose managed count is the zone's
 *       free memory at boot, whose buddyinfo row adds up to its free count and equals the sum of its page
 *       allocators' rows, and whose watermarks never change.</li>
 *   <li><b>Own checks</b>: the implementation's {@code checkInvariants()} passes.</li>
 * </ul>
 */
final class ZoneInvariants {

    private ZoneInvariants() {
    }

    /** Checks what boot must have done; called once right after the allocator is created. */
    static void checkBoot(ZoneState s) {
        if (!s.machine.bootMemory().retired()) {
            throw Rule.ZONE_BOOT.violation(s.geometry + ": boot memory is still open after the zone allocator was created",
                    "bootMemory().retire() called by the zone allocator", "bootMemory().retired() is false");
        }
        List<PageAllocatorConfig> configs = new ArrayList<>(s.pages.configs());
        configs.sort(Comparator.comparingLong(PageAllocatorConfig::startPfn));
        long given = 0;
        long previousEnd = -1;
        for (PageAllocatorConfig c : configs) {
            FrameRange range = s.model.rangeHolding(c.startPfn(), 0);
            if (range == null || c.endPfn() > range.endPfn()) {
                String owner = s.model.reservedBy(range == null ? c.startPfn() : range.endPfn());
                throw Rule.ZONE_RESERVED.violation(s.geometry + ": a page allocator was given frames [" + c.startPfn() + ", " + c.endPfn()
                        + "), which are not all free at boot" + (owner == null ? "" : " (" + owner + " is reserved)"),
                        "page allocators only for the free ranges " + s.model.describeFreeRanges(),
                        "page allocator for [" + c.startPfn() + ", " + c.endPfn() + ")");
            }
            if (c.startPfn() < previousEnd) {
                throw Rule.ZONE_BOOT.violation(s.geometry + ": two page allocators were given frame " + c.startPfn(),
                        "every free frame in exactly one page allocator", "overlapping page allocators");
            }
            previousEnd = c.endPfn();
            given += c.frames();
        }
        long free = 0;
        for (FrameRange r : s.model.freeRanges()) {
            free += r.frames();
        }
        if (given != free) {
            throw Rule.ZONE_BOOT.violation(s.geometry + ": boot gave " + given + " frames to page allocators, but " + free
                    + " frames are free after the boot reservations", "page allocators for all of "
                    + s.model.describeFreeRanges(), given + " frames in " + configs.size() + " page allocators");
        }
    }

    /** Checks accounting; called after every step. */
    static void check(ZoneState s) {
        try {
            s.sut.checkInvariants();
        } catch (IllegalStateException e) {
            throw Rule.ZONE_SELF_CHECK_SOUND.violation("the allocator's own checkInvariants() failed", "no exception",
                    e.getMessage(), e);
        }
        long total = s.model.totalFree();
        if (s.sut.freeFrames() != total) {
            throw Rule.ZONE_ZONEINFO.violation("freeFrames() disagrees with the model", total + " free frames",
                    s.sut.freeFrames() + " free frames");
        }
        List<ZoneStats> info = s.sut.zoneinfo();
        List<ZoneSpan> zones = s.model.zones();
        if (info.size() != zones.size()) {
            throw Rule.ZONE_ZONEINFO.violation("zoneinfo() must have one record per zone of the machine, empty ones"
                    + " included", zones.size() + " records", info.size() + " records");
        }
        long[][] rows = pageAllocatorRows(s);
        for (int z = 0; z < zones.size(); z++) {
            checkZone(s, z, info.get(z), rows[z]);
        }
    }

    private static void checkZone(ZoneState s, int z, ZoneStats stats, long[] row) {
        ZoneSpan span = s.model.zones().get(z);
        String name = "zoneinfo for ZONE_" + span.type();
        if (stats.type() != span.type()) {
            throw Rule.ZONE_ZONEINFO.violation("zoneinfo() record " + z + " is for the wrong zone (records go lowest zone"
                    + " first)", "ZONE_" + span.type(), "ZONE_" + stats.type());
        }
        if (stats.free() != s.model.free(z)) {
            throw Rule.ZONE_ZONEINFO.violation(name + ": free pages disagree with the model",
                    s.model.free(z) + " free", stats.free() + " free");
        }
        if (stats.managed() != s.model.managed(z) || stats.spanned() != span.frames()) {
            throw Rule.ZONE_ZONEINFO.violation(name + ": managed must count the frames free at boot, spanned the zone",
                    "managed " + s.model.managed(z) + ", spanned " + span.frames(),
                    "managed " + stats.managed() + ", spanned " + stats.spanned());
        }
        long[] blocks = stats.freeBlocks();
        long sum = 0;
        for (int k = 0; k < blocks.length; k++) {
            sum += blocks[k] << k;
        }
        if (sum != stats.free()) {
            throw Rule.ZONE_ZONEINFO.violation(name + ": the buddyinfo row does not add up to the free count",
                    stats.free() + " free pages", Arrays.toString(blocks) + " = " + sum + " pages");
        }
        if (!sameRow(blocks, row)) {
            throw Rule.ZONE_ZONEINFO.violation(name + ": the buddyinfo row is not the sum of the zone's page allocators",
                    Arrays.toString(row), Arrays.toString(blocks));
        }
        if (stats.min() > stats.low() || stats.low() > stats.high()) {
            throw Rule.ZONE_ZONEINFO.violation(name + ": the watermarks must satisfy min <= low <= high (they may"
                    + " change at run time, but stay in that order)", "min <= low <= high",
                    "min " + stats.min() + ", low " + stats.low() + ", high " + stats.high());
        }
    }

    /** After everything was freed: every zone reports exactly what it reported after boot. */
    static void checkRestored(ZoneState s) {
        List<ZoneStats> now = s.sut.zoneinfo();
        for (int z = 0; z < Math.min(now.size(), s.initial.size()); z++) {
            ZoneStats then = s.initial(z);
            ZoneStats zone = now.get(z);
            if (zone.free() != then.free() || !Arrays.equals(zone.freeBlocks(), then.freeBlocks())) {
                throw Rule.ZONE_FREE.violation("after freeing every block, ZONE_" + zone.type()
                        + " does not report its state after boot (free buddies must coalesce)",
                        "free " + then.free() + ", buddyinfo " + Arrays.toString(then.freeBlocks()),
                        "free " + zone.free() + ", buddyinfo " + Arrays.toString(zone.freeBlocks()));
            }
        }
    }

    /** Sums the page allocators' buddyinfo rows per zone. */
    static long[][] pageAllocatorRows(ZoneState s) {
        List<PageAllocator> allocators = s.pages.allocators();
        List<PageAllocatorConfig> configs = s.pages.configs();
        long[][] rows = new long[s.model.zones().size()][s.maxOrder() + 1];
        for (int i = 0; i < allocators.size(); i++) {
            int z = s.model.indexOf(s.machine.zoneOf(configs.get(i).startPfn()));
            PageAllocator a = allocators.get(i);
            if (a.maxOrder() >= rows[z].length) {
                rows[z] = Arrays.copyOf(rows[z], a.maxOrder() + 1);
            }
            for (int k = 0; k <= a.maxOrder(); k++) {
                rows[z][k] += a.freeBlocks(k);
            }
        }
        return rows;
    }

    private static boolean sameRow(long[] a, long[] b) {
        for (int k = 0; k < Math.max(a.length, b.length); k++) {
            if ((k < a.length ? a[k] : 0) != (k < b.length ? b[k] : 0)) {
                return false;
            }
        }
        return true;
    }
}
