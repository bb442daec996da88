package org.kmemlab.bench;

import java.util.SplittableRandom;

/**
 * A seeded random workload of page blocks, the same for every allocator measured: {@value #LIVE} live
 * blocks of orders 0..{@value #MAX_MIX_ORDER}, and a long sequence of steps that each free the block in
 * one slot and allocate a block of a new order into it (a steady state: the live count never changes).
 *
 * <p>The plan is computed up front, so a benchmark spends no time drawing random numbers, and every
 * allocator sees exactly the same slots and orders in the same order.
 */
final class PageMixPlan {

    /** Blocks live at any moment. */
    static final int LIVE = 1000;
    /** The highest order in the mix: 2^5 pages, 128 KiB. */
    static final int MAX_MIX_ORDER = 5;
    /** Steps before the plan repeats; a power of two so that the step index is a mask. */
    static final int STEPS = 1 << 16;
    /** The seed of the published figures. */
    static final long SEED = 20_261_125L;

    /** The order of each slot's first block. */
    final int[] initialOrder = new int[LIVE];
    /** Per step: the slot whose block is freed and replaced. */
    final int[] slot = new int[STEPS];
    /** Per step: the order of the replacement block. */
    final int[] order = new int[STEPS];

    PageMixPlan(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < LIVE; i++) {
            initialOrder[i] = random.nextInt(MAX_MIX_ORDER + 1);
        }
        for (int step = 0; step < STEPS; step++) {
            slot[step] = random.nextInt(LIVE);
            order[step] = random.nextInt(MAX_MIX_ORDER + 1);
        }
    }

    /** Returns the byte size of a block of {@code order} with 4 KiB pages, for the byte-buffer peers. */
    static int bytes(int order) {
        return 4096 << order;
    }
}
