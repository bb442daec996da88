package org.kmemlab.slab;

import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabFlags;

/**
 * The shape of every slab of one cache, decided once at {@code kmem_cache_create}: how big a slot is,
 * how many pages a slab takes, how many objects it holds and how many colours the leftover allows.
 *
 * <h2>A slot</h2>
 * <pre>
 *   |&lt;------------------------------ slot size ------------------------------&gt;|
 *   | object: size bytes, rounded up to 8 | red zone (8, SLAB_RED_ZONE) | padding to the alignment |
 * </pre>
 * The slot size is a multiple of the alignment, so when the first object is aligned every object is.
 * A 100-byte object with {@code SLAB_HWCACHE_ALIGN} has alignment 64 and slot 128; with a red zone too,
 * 104 + 8 = 112, still 128. {@code /proc/slabinfo} calls the slot size {@code objsize}.
 *
 * <h2>The slab order</h2>
 * A slab is {@code 2^order} pages. The smallest order that holds at least one object and wastes at most
 * an eighth of the slab wins (SLUB's {@code slab_order} with {@code fract_leftover = 8}); if none up to
 * {@value #MAX_ORDER} does, the order that wastes the smallest fraction. Worked example, slot 1152
 * (a 1100-byte object, HWCACHE_ALIGN): order 0 holds 3 (waste 640 = 15.6%, too much), order 1 holds 7
 * (waste 128 = 1.6%): order 1.
 *
 * <h2>Colours</h2>
 * The bytes no slot uses ({@code leftover}) are not wasted for nothing: successive slabs start their
 * first object {@code 0, 1, 2, …} colour steps into the slab (a step is the cache line or the alignment,
 * whichever is larger), so that the objects at the same index of different slabs fall on different
 * cache lines and do not evict each other from a set-associative cache. There are
 * {@code leftover / step + 1} colours.
 */
final class SlabLayout {

    /**
     * The largest slab: 16 pages, enough for one object of {@link SlabCacheConfig#MAX_OBJECT_SIZE} with
     * its red zone and any alignment up to a page.
     */
    static final int MAX_ORDER = 4;

    final long objectSize;
    final int alignment;
    /** Offset of the red zone in a slot, or -1 without one. */
    final int redZoneOffset;
    final int slotSize;
    final int order;
    final int slabBytes;
    final int objectsPerSlab;
    final int colourStep;
    final int colours;

    SlabLayout(SlabCacheConfig config) {
        this.objectSize = config.size();
        this.alignment = config.alignment();
        long body = roundUp(objectSize, SlabFlags.MIN_ALIGN);
        this.redZoneOffset = config.redZones() ? (int) body : -1;
        long slot = roundUp(body + (config.redZones() ? SlabFlags.RED_ZONE_SIZE : 0), alignment);
        this.slotSize = (int) slot;
        this.order = chooseOrder(slotSize);
        this.slabBytes = (int) (MachineProfile.PAGE_SIZE << order);
        this.objectsPerSlab = slabBytes / slotSize;
        this.colourStep = Math.max(SlabFlags.CACHE_LINE_SIZE, alignment);
        this.colours = (slabBytes - objectsPerSlab * slotSize) / colourStep + 1;
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) & -multiple;
    }

    /** Returns the slab order for slots of {@code slot} bytes (see the class comment). */
    static int chooseOrder(int slot) {
        int best = -1;
        long bestWaste = 0;
        long bestBytes = 1;
        for (int order = 0; order <= MAX_ORDER; order++) {
            long bytes = MachineProfile.PAGE_SIZE << order;
            long objects = bytes / slot;
            if (objects == 0) {
                continue;
            }
            long waste = bytes - objects * slot;
            if (waste * 8 <= bytes) {
                return order;
            }
            if (best < 0 || waste * bestBytes < bestWaste * bytes) {
                best = order;
                bestWaste = waste;
                bestBytes = bytes;
            }
        }
        return best;
    }
}
