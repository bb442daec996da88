package org.kmemlab.buddy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.spi.PageAllocator.NO_PAGE;
import static org.kmemlab.buddy.TestZones.buddyinfo;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageAllocatorConfig;

class BuddyAllocatorTests {

    private final TestZones zones = new TestZones();

    // ------------------------------------------------------------------ the worked example of the essay

    @Test
    void unevenZoneStartsWithTheLargestAlignedBlocksThatFit() {
        BuddyAllocator buddy = zones.zone(5, 13, 3);

        assertArrayEquals(new long[] {1, 2, 0, 1}, buddyinfo(buddy));
        assertEquals(13, buddy.freeFrames());
        assertEquals("BuddyAllocator[zone Normal, pfn [5, 18), maxOrder 3, free 13 frames, buddyinfo 1 2 0 1]",
                buddy.toString());
        buddy.checkInvariants();
    }

    @Test
    void allocationSplitsTheSmallestLargeEnoughBlockKeepingTheLowerHalf() {
        BuddyAllocator buddy = zones.zone(5, 13, 3);

        assertEquals(6, buddy.allocate(1));
        assertEquals(16, buddy.allocate(1));
        assertEquals(8, buddy.allocate(1));

        assertArrayEquals(new long[] {1, 1, 1, 0}, buddyinfo(buddy));
        assertEquals(7, buddy.freeFrames());
        assertEquals(10, buddy.allocate(1), "the upper half 10..11 went onto free_area[1]");
        assertEquals(12, buddy.allocate(2), "the upper half 12..15 went onto free_area[2]");
        buddy.checkInvariants();
    }

    /**
     * Linux 2.0 split the other way: {@code EXPAND} (tag 2.0 of davej-history, mm/page_alloc.c:161-172)
     * queued the lower half ({@code add_mem_queue(&area->list, map)}, :165) and went on with the upper one
     * ({@code map += size}, :168), so the allocation is the top of the block.
     */
    @Test
    void onTheLinux20EraASplitHandsOutTheTopHalfAndKeepsTheLowerOnesFree() {
        Machine pc = Machine.boot(MachineProfile.I386_LINUX_2_0, 16L << 20);
        BuddyAllocator buddy = new BuddyAllocator(new PageAllocatorConfig(pc, "DMA", 5, 13, 3, Era.LINUX_2_0));

        // mem_init freed upwards and add_mem_queue puts a block at the head: free_area[1] is 16, then 6
        assertEquals(16, buddy.allocate(1), "an order-1 block needs no split; 2.0's list starts at the top");
        assertEquals(6, buddy.allocate(1));
        assertEquals(14, buddy.allocate(1), "8..15 split: 8..11 and 12..13 stay free, 14..15 handed out");
        assertArrayEquals(new long[] {1, 1, 1, 0}, buddyinfo(buddy));
        assertEquals(12, buddy.allocate(1), "the lower half 12..13 went onto free_area[1]");
        assertEquals(5, buddy.allocate(0), "a free order-0 block needs no split");
        assertEquals(11, buddy.allocate(0), "8..11 split from the top too");
        assertArrayEquals(new long[] {1, 1, 0, 0}, buddyinfo(buddy), "10 of order 0 and 8..9 of order 1");
        buddy.checkInvariants();

        for (long pfn : new long[] {6, 16, 14, 12}) {
            buddy.free(pfn, 1);
        }
        buddy.free(5, 0);
        buddy.free(11, 0);
        assertArrayEquals(new long[] {1, 2, 0, 1}, buddyinfo(buddy), "everything merged back");
        buddy.checkInvariants();
    }

    @Test
    void theModernEraOnTheSamePcStillHandsOutTheLowerHalf() {
        Machine pc = Machine.boot(MachineProfile.I386_LINUX_2_0, 16L << 20);
        BuddyAllocator buddy = new BuddyAllocator(new PageAllocatorConfig(pc, "DMA", 8, 8, 3, Era.MODERN));

        assertEquals(8, buddy.allocate(0), "the era in the configuration decides, not the machine profile");
    }

    @Test
    void freeingMergesWithFreeBuddiesUpToMaxOrder() {
        BuddyAllocator buddy = zones.zone(5, 13, 3);
        buddy.allocate(1);
        buddy.allocate(1);
        assertEquals(8, buddy.allocate(1));

        buddy.free(8, 1);

        assertArrayEquals(new long[] {1, 0, 0, 1}, buddyinfo(buddy), "8 merged with 10, then with 12");
        assertEquals(8, buddy.allocate(3));
        buddy.checkInvariants();
    }

    @Test
    void blocksWhoseBuddyLiesOutsideTheZoneNeverMerge() {
        BuddyAllocator buddy = zones.zone(5, 13, 3);
        assertEquals(6, buddy.allocate(1));
        assertEquals(16, buddy.allocate(1));

        buddy.free(6, 1);
        buddy.free(16, 1);

        assertArrayEquals(new long[] {1, 2, 0, 1}, buddyinfo(buddy));
        assertEquals(5, buddy.allocate(0), "frame 5 stays an order-0 block: its buddy 4 is outside");
        buddy.checkInvariants();
    }

    @Test
    void freeingBothBuddiesMergesThem() {
        BuddyAllocator buddy = zones.zone(0, 4, 2);
        assertEquals(0, buddy.allocate(0));
        assertEquals(1, buddy.allocate(0));
        assertArrayEquals(new long[] {0, 1, 0}, buddyinfo(buddy));

        buddy.free(0, 0);
        assertArrayEquals(new long[] {1, 1, 0}, buddyinfo(buddy), "0's buddy 1 is still in use");
        buddy.free(1, 0);
        assertArrayEquals(new long[] {0, 0, 1}, buddyinfo(buddy), "1 ^ 1 = 0, then 0 ^ 2 = 2: one block again");
        buddy.checkInvariants();
    }

    @Test
    void adjacentFreeBlocksThatAreNotBuddiesStaySeparate() {
        BuddyAllocator buddy = zones.zone(0, 8, 3);
        long[] pages = new long[8];
        for (int i = 0; i < 8; i++) {
            pages[i] = buddy.allocate(0);
        }

        buddy.free(1, 0);
        buddy.free(2, 0);

        assertArrayEquals(new long[] {2, 0, 0, 0}, buddyinfo(buddy), "1 and 2 touch but 1's buddy is 0");
        buddy.checkInvariants();
    }

    // ------------------------------------------------------------------ initial layouts

    @Test
    void alignedZoneIsCutIntoMaxOrderBlocks() {
        BuddyAllocator buddy = zones.zone(1024, 4096, 10);

        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}, buddyinfo(buddy));
    }

    @Test
    void unalignedEdgesGetSmallerBlocksOnBothSides() {
        BuddyAllocator buddy = zones.zone(1, 30, 3);

        // 1 | 2..3 | 4..7 | 8..15 | 16..23 | 24..27 | 28..29 | 30
        assertArrayEquals(new long[] {2, 2, 2, 2}, buddyinfo(buddy));
        assertEquals(1, buddy.allocate(0));
        assertEquals(30, buddy.allocate(0));
        assertEquals(2, buddy.allocate(1));
        assertEquals(28, buddy.allocate(1));
        assertEquals(4, buddy.allocate(2));
        assertEquals(24, buddy.allocate(2));
        assertEquals(8, buddy.allocate(3));
        assertEquals(16, buddy.allocate(3));
        assertEquals(0, buddy.freeFrames());
    }

    @Test
    void oddZoneSmallerThanItsAlignmentStillUsesEveryFrame() {
        BuddyAllocator buddy = zones.zone(3, 5, 10);

        // 3 | 4..7
        assertEquals(1, buddy.freeBlocks(0));
        assertEquals(1, buddy.freeBlocks(2));
        assertEquals(5, buddy.freeFrames());
    }

    @Test
    void singleFrameZoneServesOnlyOrderZero() {
        BuddyAllocator buddy = zones.zone(7, 1, 4);

        assertEquals(NO_PAGE, buddy.allocate(1));
        assertEquals(7, buddy.allocate(0));
        assertEquals(NO_PAGE, buddy.allocate(0));
        buddy.free(7, 0);
        assertArrayEquals(new long[] {1, 0, 0, 0, 0}, buddyinfo(buddy));
    }

    @Test
    void maxOrderZeroHandsOutSingleFramesAndNeverMerges() {
        BuddyAllocator buddy = zones.zone(0, 4, 0);

        assertArrayEquals(new long[] {4}, buddyinfo(buddy));
        assertEquals(0, buddy.allocate(0));
        assertEquals(NO_PAGE, buddy.allocate(1));
        buddy.free(0, 0);
        assertArrayEquals(new long[] {4}, buddyinfo(buddy));
        buddy.checkInvariants();
    }

    // ------------------------------------------------------------------ every order boundary

    @Test
    void everyOrderFromZeroToMaxOrderIsServedAlignedAndMergesBack() {
        for (int maxOrder = 0; maxOrder <= 10; maxOrder++) {
            BuddyAllocator buddy = zones.zone(3, 3 * 1024 + 5, maxOrder);
            long[] initial = buddyinfo(buddy);
            for (int order = 0; order <= maxOrder; order++) {
                long pfn = buddy.allocate(order);
                assertTrue(pfn != NO_PAGE, "maxOrder " + maxOrder + " order " + order);
                assertEquals(0, pfn & ((1L << order) - 1), "pfn " + pfn + " aligned to order " + order);
                assertTrue(pfn >= 3 && pfn + (1L << order) <= 3 + 3 * 1024 + 5);
                assertEquals(3 * 1024 + 5 - (1L << order), buddy.freeFrames());
                buddy.checkInvariants();
                buddy.free(pfn, order);
                assertArrayEquals(initial, buddyinfo(buddy), "maxOrder " + maxOrder + " order " + order);
            }
        }
    }

    @Test
    void ordersOutsideZeroToMaxOrderReturnNoPageAndChangeNothing() {
        BuddyAllocator buddy = zones.zone(0, 64, 5);
        long[] before = buddyinfo(buddy);

        assertEquals(NO_PAGE, buddy.allocate(-1));
        assertEquals(NO_PAGE, buddy.allocate(6));
        assertEquals(NO_PAGE, buddy.allocate(Integer.MAX_VALUE));
        assertEquals(NO_PAGE, buddy.allocate(Integer.MIN_VALUE));
        assertEquals(NO_PAGE, buddy.allocate(32));

        assertArrayEquals(before, buddyinfo(buddy));
        assertEquals(64, buddy.freeFrames());
        assertEquals(0, buddy.allocate(5), "maxOrder itself is served");
    }

    @Test
    void largestOrderUsesTheWholeZoneAndSmallerOnesRefillIt() {
        BuddyAllocator buddy = zones.zone(32, 32, 5);

        assertEquals(32, buddy.allocate(5));
        assertEquals(NO_PAGE, buddy.allocate(0));
        buddy.free(32, 5);
        for (int i = 0; i < 32; i++) {
            assertEquals(32 + i, buddy.allocate(0), "order-0 pages come lowest first after the splits");
        }
        assertEquals(NO_PAGE, buddy.allocate(0));
    }

    @Test
    void freeBlocksRejectsOrdersOutsideTheRowWithTheirValue() {
        BuddyAllocator buddy = zones.zone(0, 8, 3);

        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class, () -> buddy.freeBlocks(4));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> buddy.freeBlocks(-1));

        assertEquals("order 4 is outside 0..3", tooHigh.getMessage());
        assertEquals("order -1 is outside 0..3", negative.getMessage());
    }

    // ------------------------------------------------------------------ exhaustion and fragmentation

    @Test
    void exhaustionReturnsNoPageAndChangesNothing() {
        BuddyAllocator buddy = zones.zone(0, 100, 4);
        for (int i = 0; i < 100; i++) {
            assertTrue(buddy.allocate(0) != NO_PAGE);
        }

        for (int order = 0; order <= 4; order++) {
            assertEquals(NO_PAGE, buddy.allocate(order));
        }
        assertEquals(0, buddy.freeFrames());
        assertArrayEquals(new long[5], buddyinfo(buddy));
        buddy.checkInvariants();
    }

    @Test
    void fragmentedZoneFailsALargerOrderWithHalfItsFramesFree() {
        BuddyAllocator buddy = zones.zone(0, 16, 4);
        for (int i = 0; i < 16; i++) {
            buddy.allocate(0);
        }
        for (long pfn = 0; pfn < 16; pfn += 2) {
            buddy.free(pfn, 0);
        }

        assertEquals(8, buddy.freeFrames());
        assertEquals(NO_PAGE, buddy.allocate(1), "external fragmentation: no two free frames are buddies");
        assertArrayEquals(new long[] {8, 0, 0, 0, 0}, buddyinfo(buddy));
        buddy.free(1, 0);
        assertEquals(0, buddy.allocate(1), "freeing 1 merged it with 0");
    }

    @Test
    void largeRequestFailsWhenOnlySmallerBlocksRemain() {
        BuddyAllocator buddy = zones.zone(0, 16, 3);
        assertEquals(0, buddy.allocate(3));
        assertEquals(8, buddy.allocate(2));

        assertEquals(NO_PAGE, buddy.allocate(3));
        assertEquals(4, buddy.freeFrames());
        assertEquals(12, buddy.allocate(2));
    }

    // ------------------------------------------------------------------ metadata and limits

    @Test
    void metadataStaysWithinSixteenBytesPerFrameForASixteenGibZone() {
        Machine machine = Machine.boot(MachineProfile.X86_64, 16L << 30);
        BuddyAllocator buddy = new BuddyAllocator(
                new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), 10));

        assertEquals(4L << 20, buddy.frames());
        assertEquals(9, BuddyAllocator.METADATA_BYTES_PER_FRAME);
        assertEquals(9L * (4L << 20) + 2 * 11 * Integer.BYTES, buddy.metadataBytes());
        assertTrue(buddy.metadataBytes() <= 16L * buddy.frames());
        assertEquals(4096, buddy.freeBlocks(10));
        assertEquals(4L << 20, buddy.freeFrames());
    }
}
