package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The per-thread magazine sizes are SLAB's {@code array_cache} limits from {@code enable_cpucache()} in
 * {@code mm/slab.c}: {@code > 131072} bytes 1, {@code > PAGE_SIZE} 8, {@code > 1024} 24, {@code > 256} 54,
 * else 120. Each boundary is checked on both sides; a page-sized object gets 24 (it once got 8, which made
 * kmalloc-4k flush and refill its magazine every few operations).
 */
class SmallObjectsTests {

    @Test
    void magazineCapacityFollowsSlabsLimitsOnBothSidesOfEachBoundary() {
        long[][] sizeAndLimit = {
            {8, 120}, {256, 120},
            {257, 54}, {1024, 54},
            {1025, 24}, {4096, 24},
            {4097, 8}, {131072, 8},
            {131073, 1}, {4L << 20, 1},
        };
        for (long[] row : sizeAndLimit) {
            assertEquals(row[1], SmallObjects.magazineCapacity(row[0]), "magazine capacity for " + row[0] + " bytes");
        }
    }
}
