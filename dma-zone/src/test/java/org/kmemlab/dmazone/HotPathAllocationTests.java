package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.support.AllocatedBytes;

/**
 * The fast path (watermark check, zone lock, page allocator, free and wake-up check) creates no Java
 * objects: the thread's allocated-bytes counter (the testkit's {@link AllocatedBytes}) stays put over
 * many alloc/free pairs.
 */
class HotPathAllocationTests {

    private static final int ROUNDS = 200_000;
    /** Slack for the measurement (reading the counter itself allocates nothing). */
    private static final long READING_COST = 4096;

    @ParameterizedTest
    @MethodSource("org.kmemlab.dmazone.ZoneTesting#pageProviders")
    void allocPagesAndFreePagesAllocateNothingOnTheFastPath(PageAllocatorProvider pages) throws Exception {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB);
        long free = zones.freeFrames();
        AllocatedBytes counter = AllocatedBytes.counter();
        assertTrue(counter != null && counter.calibrated(), "the counter must notice an allocation");

        long sum = cycle(zones, 5_000); // warm up: classes loaded, code compiled
        long start = counter.now();
        sum += cycle(zones, ROUNDS);
        long used = counter.now() - start;

        assertTrue(used < READING_COST, used + " bytes allocated in " + ROUNDS + " alloc/free pairs");
        assertEquals(free, zones.freeFrames());
        assertTrue(sum > 0);
    }

    private static long cycle(DmaZoneAllocator zones, int rounds) {
        int[] gfps = {Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_KERNEL | Gfp.GFP_DMA, Gfp.GFP_NOWAIT | Gfp.GFP_DMA32};
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            int order = i % 4;
            long pfn = zones.allocPages(gfps[i & 3], order);
            zones.freePages(pfn, order);
            sum += pfn;
        }
        return sum;
    }
}
