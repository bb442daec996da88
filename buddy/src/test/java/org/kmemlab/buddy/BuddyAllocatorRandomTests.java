package org.kmemlab.buddy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.kmemlab.api.spi.PageAllocator.NO_PAGE;
import static org.kmemlab.buddy.TestZones.buddyinfo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * Random allocations, frees and bad frees on random zones, checked step by step against a model of the
 * live blocks; then everything is freed and the initial layout must come back.
 *
 * <p>The seed is printed; replay a failure with {@code -Dkmemlab.seed=<seed>}.
 */
class BuddyAllocatorRandomTests {

    private static final int ZONES = 30;
    private static final int STEPS = 1500;

    private final TestZones zones = new TestZones();

    @Test
    void randomWorkloadsMatchTheModelAndFullFreeRestoresTheInitialLayout() {
        long seed = Long.getLong("kmemlab.seed", System.nanoTime());
        System.out.println("BuddyAllocatorRandomTests seed " + seed + " (replay with -Dkmemlab.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < ZONES; round++) {
            long startPfn = random.nextInt(2048);
            int frames = 1 + random.nextInt(random.nextBoolean() ? 64 : 3000);
            int maxOrder = random.nextInt(11);
            String where = "seed " + seed + ", round " + round + ", zone [" + startPfn + ", "
                    + (startPfn + frames) + ") maxOrder " + maxOrder;
            new Run(zones.zone(startPfn, frames, maxOrder), random, where).play();
        }
    }

    /**
     * Why 2.0's split changes where pages lie but no count: on a zone made of whole maxOrder blocks, the
     * 2.0 allocator (top half handed out, mm/page_alloc.c:161-172 of tag 2.0; lists highest block first
     * after boot, as mem_init's upward frees left them) is the mirror image of today's across the zone.
     * Each list holds the mirrored blocks in the same order, so the same calls give mirrored pfns and the
     * same buddyinfo after every step; which is why the dma-drain table (which counts blocks) is the same
     * with either split.
     */
    @Test
    void linux20SplitsAreTheMirrorImageOfTodaysSoBuddyinfoIsTheSame() {
        long seed = Long.getLong("kmemlab.seed", System.nanoTime());
        System.out.println("BuddyAllocatorRandomTests mirror seed " + seed + " (replay with -Dkmemlab.seed=" + seed
                + ")");
        SplittableRandom random = new SplittableRandom(seed);
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0, 16L << 20);
        int maxOrder = 5;
        long block = 1L << maxOrder;
        long start = block * random.nextInt(8);
        long frames = block * (1 + random.nextInt(16));
        BuddyAllocator today = new BuddyAllocator(new PageAllocatorConfig(machine, "DMA", start, frames, maxOrder,
                Era.MODERN));
        BuddyAllocator old = new BuddyAllocator(new PageAllocatorConfig(machine, "DMA", start, frames, maxOrder,
                Era.LINUX_2_0));
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + seed + ", step " + step;
            if (!live.isEmpty() && random.nextInt(100) < 45) {
                long[] b = live.remove(random.nextInt(live.size()));
                today.free(b[0], (int) b[1]);
                old.free(mirror(b[0], (int) b[1], start, frames), (int) b[1]);
            } else {
                int order = random.nextInt(maxOrder + 1);
                long pfn = today.allocate(order);
                long mirrored = old.allocate(order);
                if (pfn == NO_PAGE) {
                    assertEquals(NO_PAGE, mirrored, where);
                    continue;
                }
                assertEquals(mirror(pfn, order, start, frames), mirrored, where + ": order " + order);
                live.add(new long[] {pfn, order});
            }
            assertArrayEquals(buddyinfo(today), buddyinfo(old), where);
        }
        old.checkInvariants();
    }

    /** The block that mirrors {@code [pfn, pfn + 2^order)} across the zone {@code [start, start + frames)}. */
    private static long mirror(long pfn, int order, long start, long frames) {
        return start + start + frames - (1L << order) - pfn;
    }

    /** One zone, its model, and the steps played on it. */
    private static final class Run {
        private final BuddyAllocator buddy;
        private final SplittableRandom random;
        private final String where;
        private final long start;
        private final int frames;
        private final int maxOrder;
        private final long[] initial;
        /** Per frame offset: the offset of the live block covering it, or -1. */
        private final int[] owner;
        /** Per frame offset: the order of the live block starting there. */
        private final int[] liveOrder;
        private final List<Long> live = new ArrayList<>();
        private long liveFrames;

        Run(BuddyAllocator buddy, SplittableRandom random, String where) {
            this.buddy = buddy;
            this.random = random;
            this.where = where;
            this.start = buddy.startPfn();
            this.frames = (int) buddy.frames();
            this.maxOrder = buddy.maxOrder();
            this.initial = buddyinfo(buddy);
            this.owner = new int[frames];
            this.liveOrder = new int[frames];
            java.util.Arrays.fill(owner, -1);
        }

        void play() {
            for (int step = 0; step < STEPS; step++) {
                String at = where + ", step " + step;
                int dice = random.nextInt(10);
                if (dice < 5) {
                    allocate(random.nextInt(-1, maxOrder + 2), at);
                } else if (dice < 9) {
                    freeLive(at);
                } else {
                    badFree(at);
                }
                buddy.checkInvariants();
                assertEquals(frames - liveFrames, buddy.freeFrames(), at);
            }
            while (!live.isEmpty()) {
                freeLive(where + ", final free");
            }
            buddy.checkInvariants();
            assertArrayEquals(initial, buddyinfo(buddy), where + ": freeing everything restores the layout");
        }

        private void allocate(int order, String at) {
            long[] before = buddyinfo(buddy);
            long pfn = buddy.allocate(order);
            if (pfn == NO_PAGE) {
                assertArrayEquals(before, buddyinfo(buddy), at + ": a failed allocation changes nothing");
                if (order >= 0 && order <= maxOrder) {
                    assertNoFreeBlockOfAtLeast(order, at);
                }
                return;
            }
            assertTrue(order >= 0 && order <= maxOrder, at + ": order " + order + " must be refused");
            assertEquals(0, pfn & ((1L << order) - 1), at + ": pfn " + pfn + " aligned to order " + order);
            assertTrue(pfn >= start && pfn + (1L << order) <= start + frames, at + ": pfn " + pfn + " in range");
            int block = (int) (pfn - start);
            for (int i = block; i < block + (1 << order); i++) {
                if (owner[i] != -1) {
                    fail(at + ": block " + pfn + " order " + order + " overlaps the live block at "
                            + (start + owner[i]));
                }
                owner[i] = block;
            }
            liveOrder[block] = order;
            live.add(pfn);
            liveFrames += 1L << order;
        }

        private void assertNoFreeBlockOfAtLeast(int order, String at) {
            for (int o = order; o <= maxOrder; o++) {
                assertEquals(0, buddy.freeBlocks(o), at + ": NO_PAGE for order " + order
                        + " while an order-" + o + " block is free");
            }
        }

        private void freeLive(String at) {
            if (live.isEmpty()) {
                return;
            }
            int index = random.nextInt(live.size());
            long pfn = live.get(index);
            live.set(index, live.get(live.size() - 1));
            live.remove(live.size() - 1);
            int block = (int) (pfn - start);
            int order = liveOrder[block];
            buddy.free(pfn, order);
            for (int i = block; i < block + (1 << order); i++) {
                owner[i] = -1;
            }
            liveFrames -= 1L << order;
        }

        /** Frees something that is not a live block and expects the exact report the model predicts. */
        private void badFree(String at) {
            long pfn = start - 2 + random.nextInt(frames + 4);
            int order = random.nextInt(-1, maxOrder + 2);
            BadPageStateBug expected = expectedBug(pfn, order);
            if (expected == null) {
                return;
            }
            long[] before = buddyinfo(buddy);
            long freeBefore = buddy.freeFrames();
            BadPageStateBug bug = assertThrows(BadPageStateBug.class, () -> buddy.free(pfn, order),
                    at + ": free(" + pfn + ", " + order + ")");
            assertEquals(expected.getMessage(), bug.getMessage(), at);
            assertArrayEquals(before, buddyinfo(buddy), at + ": a bad free changes nothing");
            assertEquals(freeBefore, buddy.freeFrames(), at);
        }

        /** Returns the report the model expects for free(pfn, order), or null when it is a correct free. */
        private BadPageStateBug expectedBug(long pfn, int order) {
            if (pfn < start || pfn >= start + frames) {
                return BadPageStateBug.outOfRange(pfn, order, start, start + frames);
            }
            if (order < 0 || order > maxOrder) {
                return BadPageStateBug.badOrder(pfn, order, maxOrder);
            }
            if ((pfn & ((1L << order) - 1)) != 0) {
                return BadPageStateBug.misaligned(pfn, order);
            }
            int block = (int) (pfn - start);
            int head = owner[block];
            if (head == -1) {
                return BadPageStateBug.alreadyFree(pfn, order);
            }
            if (head != block) {
                return BadPageStateBug.notBlockStart(pfn, order, start + head, liveOrder[head]);
            }
            if (liveOrder[block] != order) {
                return BadPageStateBug.wrongOrder(pfn, order, liveOrder[block]);
            }
            return null;
        }
    }
}
