package org.kmemlab.api.stats;

import org.kmemlab.api.Checks;

/**
 * One row of {@code /proc/slabinfo}: the figures of one cache (size class).
 *
 * @param name the cache's name, e.g. {@code kmalloc-64} or {@code dma-kmalloc-64}
 * @param activeObjects objects in use
 * @param totalObjects object slots in all slabs
 * @param objectSize bytes per object slot (including any per-object header)
 * @param objectsPerSlab slots per slab
 * @param pagesPerSlab pages per slab
 * @param activeSlabs slabs holding at least one object in use
 * @param totalSlabs slabs owned by the cache
 */
public record SlabInfo(String name, long activeObjects, long totalObjects, long objectSize, long objectsPerSlab,
                       long pagesPerSlab, long activeSlabs, long totalSlabs) {

    /** Checks that the figures are consistent. */
    public SlabInfo {
        Checks.requireNonNull(name, "cache name");
        Checks.requireArgument(activeObjects >= 0 && activeObjects <= totalObjects,
                "active objects %d must be within 0..total %d", activeObjects, totalObjects);
        Checks.requireArgument(activeSlabs >= 0 && activeSlabs <= totalSlabs,
                "active slabs %d must be within 0..total %d", activeSlabs, totalSlabs);
    }
}
