package org.kmemlab.buddy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker must notice each kind of corruption a buggy allocator could leave behind. Each test breaks
 * the state of a healthy allocator by hand, as a bug would, and pins the report.
 *
 * <p>The zone is [0, 16) with maxOrder 3 after {@code allocate(0)}: pfn 0 used (order 0), 1 free (order 0),
 * 2..3 free (order 1), 4..7 free (order 2), 8..15 free (order 3).
 */
class BuddyInvariantsTests {

    private BuddyAllocator buddy;

    @BeforeEach
    void allocateOnePage() {
        buddy = new TestZones().zone(0, 16, 3);
        assertEquals(0, buddy.allocate(0));
        buddy.checkInvariants();
    }

    private void assertBroken(String message) {
        IllegalStateException broken = assertThrows(IllegalStateException.class, buddy::checkInvariants);
        assertEquals(message, broken.getMessage());
    }

    @Test
    void healthyAllocatorPassesAfterEveryKindOfStep() {
        buddy.free(0, 0);
        buddy.checkInvariants();
        assertEquals(0, buddy.allocate(3));
        buddy.checkInvariants();
    }

    @Test
    void tailWithoutAHeadIsReported() {
        buddy.tag[0] = BuddyAllocator.TAIL;
        assertBroken("pfn 0 is tagged as the tail of a block, but no block covers it");
    }

    @Test
    void headInsideAnotherBlockIsReported() {
        buddy.tag[5] = (byte) (BuddyAllocator.USED | 0);
        assertBroken("pfn 5 lies inside the free order 2 block at pfn 4 but is tagged used order 0");
    }

    @Test
    void misalignedBlockIsReported() {
        buddy.tag[2] = BuddyAllocator.TAIL;
        buddy.tag[1] = (byte) (BuddyAllocator.FREE | 1);
        assertBroken("the order-1 block at pfn 1 is not aligned to 2 frames");
    }

    @Test
    void orderAboveMaxOrderIsReported() {
        buddy.tag[8] = (byte) (BuddyAllocator.FREE | 4);
        assertBroken("the block at pfn 8 has order 4, above maxOrder 3");
    }

    @Test
    void blockRunningPastTheEndIsReported() {
        buddy = new TestZones().zone(0, 12, 3);
        buddy.tag[8] = (byte) (BuddyAllocator.FREE | 3);
        assertBroken("the order-3 block at pfn 8 runs past the zone's end 12");
    }

    @Test
    void unmergedFreeBuddiesAreReported() {
        buddy.tag[0] = (byte) (BuddyAllocator.FREE | 0);
        assertBroken("buddies pfn 0 and pfn 1 are both free at order 0 but were not merged");
    }

    @Test
    void blockTaggedUsedButStillListedIsReported() {
        buddy.tag[8] = (byte) (BuddyAllocator.USED | 3);
        assertBroken("free_area[3] holds pfn 8, which is tagged used order 3");
    }

    @Test
    void freeBlockMissingFromItsListIsReported() {
        buddy.freeHead[1] = BuddyAllocator.NONE;
        assertBroken("free_area[1] lists 0 blocks but the zone has 1 free order-1 blocks");
    }

    @Test
    void brokenPrevLinkIsReported() {
        // pfns 1, 2, 3 taken, then 0 and 2 freed: free_area[0] is 2 -> 0, and pfn 0's prev must be 2.
        assertEquals(1, buddy.allocate(0));
        assertEquals(2, buddy.allocate(0));
        assertEquals(3, buddy.allocate(0));
        buddy.free(0, 0);
        buddy.free(2, 0);
        buddy.checkInvariants();
        buddy.prev[0] = 4;
        assertBroken("free_area[0]: the prev link of pfn 0 is offset 4, expected 2");
    }

    @Test
    void theHeadsPrevLinkIsNotChecked() {
        // The head of a list is found through freeHead, never through its prev link, so neither
        // popping the head nor pushing a new one spends a store on it.
        buddy.prev[8] = 4;
        buddy.checkInvariants();
        assertEquals(8, buddy.allocate(3));
        buddy.free(8, 3);
        buddy.checkInvariants();
    }

    @Test
    void listEntryOfTheWrongOrderIsReported() {
        buddy.freeHead[3] = 4;
        assertBroken("free_area[3] holds pfn 4, which is tagged free order 2");
    }

    @Test
    void cycleInAListIsReported() {
        buddy.next[2] = 2;
        buddy.prev[2] = 2;
        buddy.freeHead[1] = 2;
        assertBroken("free_area[1] holds more entries than the 1 free order-1 blocks");
    }

    @Test
    void wrongCounterIsReported() {
        buddy.freeCount[2] = 5;
        assertBroken("nr_free of order 2 is 5 but 1 blocks are free");
    }
}
