package org.kmemlab.api.stats;

import java.util.Arrays;
import org.kmemlab.api.Checks;
import org.kmemlab.api.ZoneType;

/**
 * The figures of one zone, as {@code /proc/zoneinfo} and {@code /proc/buddyinfo} show them. Counts are
 * in pages.
 *
 * @param node the NUMA node (always 0 here)
 * @param type the zone
 * @param startPfn the first frame the zone spans
 * @param spanned frames between the zone's first and last frame, holes included
 * @param present frames of RAM in the zone
 * @param managed frames given to the page allocator (present minus boot-time reservations)
 * @param free free frames now
 * @param min the min watermark
 * @param low the low watermark
 * @param high the high watermark
 * @param promo the promotion watermark (high plus one step; 0 in the Linux 2.0 era)
 * @param protection {@code lowmem_reserve[]}: element {@code i} is the number of pages this zone keeps
 *                   back from requests whose highest allowed zone is the machine's {@code i}-th zone
 *                   (position in {@code machine.zones()}, lowest first)
 * @param freeBlocks the number of free blocks of each order, 0..maxOrder: the buddyinfo row
 */
public record ZoneStats(int node, ZoneType type, long startPfn, long spanned, long present, long managed,
                        long free, long min, long low, long high, long promo, long[] protection,
                        long[] freeBlocks) {

    /** Checks the figures and copies the arrays. */
    public ZoneStats {
        Checks.requireNonNull(type, "zone type");
        Checks.requireArgument(present <= spanned && managed <= present && free <= managed,
                "zone figures must satisfy free <= managed <= present <= spanned, not %s", Arrays.toString(
                        new long[] {free, managed, present, spanned}));
        protection = protection.clone();
        freeBlocks = freeBlocks.clone();
    }

    /** Returns a copy of {@code lowmem_reserve[]}. */
    @Override
    public long[] protection() {
        return protection.clone();
    }

    /** Returns a copy of the free blocks per order. */
    @Override
    public long[] freeBlocks() {
        return freeBlocks.clone();
    }

    /** Returns the number of free blocks of {@code order}. */
    public long freeBlocks(int order) {
        return freeBlocks[order];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ZoneStats z
                && node == z.node && type == z.type && startPfn == z.startPfn && spanned == z.spanned
                && present == z.present && managed == z.managed && free == z.free && min == z.min
                && low == z.low && high == z.high && promo == z.promo
                && Arrays.equals(protection, z.protection) && Arrays.equals(freeBlocks, z.freeBlocks);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(free) + type.hashCode()) + Arrays.hashCode(freeBlocks);
    }

    @Override
    public String toString() {
        return "ZoneStats[" + type.procName() + " free=" + free + " min=" + min + " low=" + low + " high=" + high
                + " managed=" + managed + " buddyinfo=" + Arrays.toString(freeBlocks) + "]";
    }
}
