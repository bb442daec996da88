package org.kmemlab.testkit.contract.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/** The testkit's own buddy allocator, which the zone contract trusts. */
class SimplePageAllocatorTests {

    private static final Machine MACHINE = Machine.boot(MachineProfile.I386_LINUX_2_0);

    private static PageAllocator create(long start, long frames, int maxOrder) {
        return SimplePageAllocator.provider().create(new PageAllocatorConfig(MACHINE, "DMA", start, frames, maxOrder));
    }

    @Test
    void workedExampleSplitsAndMergesBack() {
        PageAllocator a = SimplePageAllocator.provider().create(new PageAllocatorConfig(MACHINE, "DMA", 0, 8, 3,
                Era.MODERN));

        assertEquals(0, a.allocate(0));
        assertEquals(List.of(1L, 1L, 1L, 0L), row(a));
        a.free(0, 0);
        assertEquals(List.of(0L, 0L, 0L, 1L), row(a));
    }

    /** The i386 machine's own era is 2.0, whose EXPAND hands out the top (mm/page_alloc.c:161-172). */
    @Test
    void onTheLinux20EraTheWorkedExampleHandsOutTheTopFrame() {
        PageAllocator a = create(0, 8, 3);

        assertEquals(7, a.allocate(0), "0..3, 4..5 and 6 stay free");
        assertEquals(List.of(1L, 1L, 1L, 0L), row(a));
        assertEquals(6, a.allocate(0));
        a.free(7, 0);
        a.free(6, 0);
        assertEquals(List.of(0L, 0L, 0L, 1L), row(a));
    }

    @Test
    void unevenRangeStartsWithTheLargestAlignedBlocks() {
        PageAllocator a = create(3, 18, 3);

        // [3,4) order 0, [4,8) order 2, [8,16) order 3, [16,20) order 2, [20,21) order 0
        assertEquals(List.of(2L, 0L, 2L, 1L), row(a));
        assertEquals(18, a.freeFrames());
    }

    @Test
    void everyMisuseRaisesBadPageStateAndChangesNothing() {
        PageAllocator a = create(0, 16, 3);
        long block = a.allocate(2);
        List<Long> before = row(a);

        assertTrue(assertThrows(BadPageStateBug.class, () -> a.free(block, 1)).details().contains("allocated with order 2"));
        assertTrue(assertThrows(BadPageStateBug.class, () -> a.free(block + 1, 0)).details().contains("lies inside"));
        assertTrue(assertThrows(BadPageStateBug.class, () -> a.free(8, 0)).details().contains("already free"));
        assertTrue(assertThrows(BadPageStateBug.class, () -> a.free(16, 0)).details().contains("outside"));
        assertTrue(assertThrows(BadPageStateBug.class, () -> a.free(2, 2)).details().contains("multiple of 4"));
        assertTrue(assertThrows(BadPageStateBug.class, () -> a.free(block, 4)).details().contains("outside 0..3"));
        assertEquals(before, row(a));
        a.free(block, 2);
        assertEquals(16, a.freeFrames());
    }

    @Test
    void exhaustionReturnsNoPageAndBadOrdersToo() {
        PageAllocator a = create(0, 4, 2);

        assertEquals(PageAllocator.NO_PAGE, a.allocate(3));
        assertEquals(PageAllocator.NO_PAGE, a.allocate(-1));
        assertEquals(0, a.allocate(2));
        assertEquals(PageAllocator.NO_PAGE, a.allocate(0));
    }

    @Test
    void randomAllocAndFreeKeepsBlocksDisjointAndCoalescesCompletely() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("SimplePageAllocatorTests seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        PageAllocator a = create(5, 1000, 5);
        List<Long> initial = row(a);
        List<long[]> live = new ArrayList<>();
        boolean[] used = new boolean[1005];
        for (int step = 0; step < 5000; step++) {
            if (live.isEmpty() || random.nextInt(100) < 55) {
                int order = random.nextInt(6);
                long pfn = a.allocate(order);
                if (pfn != PageAllocator.NO_PAGE) {
                    assertEquals(0, pfn % (1L << order), "seed " + seed);
                    for (long f = pfn; f < pfn + (1L << order); f++) {
                        assertTrue(f >= 5 && f < 1005 && !used[(int) f], "seed " + seed + ": frame " + f);
                        used[(int) f] = true;
                    }
                    live.add(new long[] {pfn, order});
                }
            } else {
                long[] b = live.remove(random.nextInt(live.size()));
                a.free(b[0], (int) b[1]);
                for (long f = b[0]; f < b[0] + (1L << b[1]); f++) {
                    used[(int) f] = false;
                }
            }
            a.checkInvariants();
        }
        for (long[] b : live) {
            a.free(b[0], (int) b[1]);
        }
        assertEquals(initial, row(a), "seed " + seed);
    }

    private static List<Long> row(PageAllocator a) {
        List<Long> row = new ArrayList<>();
        for (int k = 0; k <= a.maxOrder(); k++) {
            row.add(a.freeBlocks(k));
        }
        return row;
    }
}
