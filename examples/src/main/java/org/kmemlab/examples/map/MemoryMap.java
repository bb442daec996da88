package org.kmemlab.examples.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.stats.ZoneStats;

/**
 * A picture of physical memory at one moment: the owner of every frame, the zones, and the free buddy
 * blocks.
 *
 * <h2>Where the free blocks come from</h2>
 * The map knows which frames are free (from {@link FrameWatch}), not how the page allocator has grouped
 * them. A buddy allocator that always merges free buddies holds exactly the <em>largest naturally
 * aligned runs</em> of free frames, up to its highest order: walking a free run from its start, take the
 * largest order the position is aligned to that still fits, and repeat. The map derives the blocks that
 * way and compares their counts with the allocator's own {@code /proc/buddyinfo}; {@link #agrees()} says
 * whether they match (an allocator that fails to merge shows up here).
 *
 * @param machine the machine
 * @param owners the owner of each frame
 * @param freeBlocks the derived free blocks, lowest pfn first
 * @param zones the zone allocator's statistics at the same moment
 */
public record MemoryMap(Machine machine, Owner[] owners, List<Block> freeBlocks, List<ZoneStats> zones) {

    /**
     * A free buddy block.
     *
     * @param pfn its first frame
     * @param order its size, {@code 2^order} frames
     */
    public record Block(long pfn, int order) {
    }

    /** Takes a snapshot of {@code watch}, with the zone statistics {@code zones} taken at the same time. */
    public static MemoryMap of(Machine machine, FrameWatch watch, List<ZoneStats> zones) {
        Owner[] owners = new Owner[watch.frames()];
        for (int pfn = 0; pfn < owners.length; pfn++) {
            owners[pfn] = watch.owner(pfn);
        }
        List<Block> blocks = new ArrayList<>();
        for (PageAllocatorConfig range : watch.ranges()) {
            long pfn = range.startPfn();
            while (pfn < range.endPfn()) {
                if (owners[(int) pfn] != Owner.FREE) {
                    pfn++;
                    continue;
                }
                int order = 0;
                while (order < range.maxOrder() && (pfn & ((2L << order) - 1)) == 0
                        && pfn + (2L << order) <= range.endPfn() && allFree(owners, pfn, 2L << order)) {
                    order++;
                }
                blocks.add(new Block(pfn, order));
                pfn += 1L << order;
            }
        }
        blocks.sort((a, b) -> Long.compare(a.pfn(), b.pfn()));
        return new MemoryMap(machine, owners, List.copyOf(blocks), List.copyOf(zones));
    }

    private static boolean allFree(Owner[] owners, long from, long count) {
        for (long f = from; f < from + count; f++) {
            if (owners[(int) f] != Owner.FREE) {
                return false;
            }
        }
        return true;
    }

    /** Returns how many frames each owner has. */
    public long[] countByOwner() {
        long[] counts = new long[Owner.values().length];
        for (Owner o : owners) {
            counts[o.ordinal()]++;
        }
        return counts;
    }

    /**
     * Returns the owner most of the {@code count} frames from {@code pfn} have (the lower {@link Owner}
     * on a tie): what a picture that shows several frames in one cell draws.
     */
    public Owner majorityOwner(long pfn, int count) {
        int[] votes = new int[Owner.values().length];
        for (long f = pfn; f < Math.min(owners.length, pfn + count); f++) {
            votes[owners[(int) f].ordinal()]++;
        }
        int best = 0;
        for (int o = 1; o < votes.length; o++) {
            if (votes[o] > votes[best]) {
                best = o;
            }
        }
        return Owner.values()[best];
    }

    /** Returns the derived free blocks of each order in zone {@code zone} (a buddyinfo row). */
    public long[] derivedBuddyinfo(ZoneSpan zone, int orders) {
        long[] row = new long[orders];
        for (Block b : freeBlocks) {
            if (zone.contains(b.pfn()) && b.order() < orders) {
                row[b.order()]++;
            }
        }
        return row;
    }

    /** Returns true when the derived free blocks match the allocator's buddyinfo in every zone. */
    public boolean agrees() {
        for (ZoneStats z : zones) {
            ZoneSpan span = machine.zone(z.type());
            long[] derived = derivedBuddyinfo(span, z.freeBlocks().length);
            if (!java.util.Arrays.equals(derived, z.freeBlocks())) {
                return false;
            }
        }
        return true;
    }

    /** Returns the symbol of a free block's first frame: its order as one digit or letter. */
    static char orderSymbol(int order) {
        return Character.toUpperCase(Character.forDigit(order, 36));
    }

    /** Describes the zones and counts, for the top of the text map. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, %d frames of %d bytes%n", machine.profile().displayName(),
                machine.frames(), machine.pageSize()));
        for (ZoneSpan z : machine.zones()) {
            if (!z.isEmpty()) {
                out.append(String.format(Locale.ROOT, "zone %-6s pfn %d-%d%n", z.type().procName(), z.startPfn(),
                        z.endPfn() - 1));
            }
        }
        long[] counts = countByOwner();
        for (Owner o : Owner.values()) {
            out.append(String.format(Locale.ROOT, "  %c %-34s %7d frames%n", o.symbol(), o.label(),
                    counts[o.ordinal()]));
        }
        out.append(String.format(Locale.ROOT, "  0-%c the first frame of a free buddy block of that order%n",
                orderSymbol(10)));
        out.append(agrees()
                ? "free blocks derived from the frames match the page allocator's /proc/buddyinfo\n"
                : "WARNING: the free blocks derived from the frames differ from the page allocator's /proc/buddyinfo"
                        + " (free buddies left unmerged?)\n");
        return out.toString();
    }
}
