package org.kmemlab.buddy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.contract.support.AllocatedBytes;

/**
 * The hot paths allocate no Java objects: a million allocate/free pairs, with splits and merges, must not
 * move the thread's allocated-bytes counter by more than the measurement itself costs.
 *
 * <p>The counter is the testkit's {@link AllocatedBytes} (HotSpot's per-thread allocated-bytes counter).
 */
class BuddyAllocatorAllocationFreeTests {

    /** Slack for the measurement (reading the counter itself allocates nothing). */
    private static final long MEASUREMENT_SLACK_BYTES = 4096;
    private static final int PAIRS = 1_000_000;

    @Test
    void allocateAndFreeAllocateNoJavaObjects() {
        BuddyAllocator buddy = new TestZones().zone(3, 5000, 10);
        long[] held = new long[64];
        for (int i = 0; i < held.length; i++) {
            held[i] = buddy.allocate(i % 4);
        }
        long checksum = run(buddy, 10_000);
        AllocatedBytes counter = AllocatedBytes.counter();
        assertTrue(counter != null && counter.calibrated(),
                "the allocated-bytes counter must see an allocation, or this test proves nothing");

        long before = counter.now();
        checksum += run(buddy, PAIRS);
        long after = counter.now();

        assertTrue(after - before < MEASUREMENT_SLACK_BYTES,
                (after - before) + " bytes allocated during " + PAIRS + " allocate/free pairs");
        assertEquals(5000 - 16 * (1 + 2 + 4 + 8), buddy.freeFrames(), "only the held blocks are in use");
        assertTrue(checksum > 0);
    }

    /** Allocates and frees blocks of orders 0..7 in turn; every pair splits and merges. */
    private static long run(BuddyAllocator buddy, int pairs) {
        long checksum = 0;
        for (int i = 0; i < pairs; i++) {
            int order = i & 7;
            long pfn = buddy.allocate(order);
            buddy.free(pfn, order);
            checksum += pfn;
        }
        return checksum;
    }
}
