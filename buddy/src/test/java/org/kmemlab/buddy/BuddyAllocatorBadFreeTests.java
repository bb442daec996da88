package org.kmemlab.buddy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kmemlab.buddy.TestZones.buddyinfo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.KernelBug;

/**
 * Every kind of bad free, its exact report, and that the allocator is unchanged afterwards.
 *
 * <p>The zone is [5, 18) with maxOrder 3 (the essay's example) after {@code allocate(1)} three times:
 * <pre>
 *     pfn     5 | 6  7 | 8  9 | 10 11 | 12 13 14 15 | 16 17
 *     block  o0 | used | used |  o1   |     o2      | used
 * </pre>
 */
class BuddyAllocatorBadFreeTests {

    private BuddyAllocator buddy;
    private long[] buddyinfoBefore;

    @BeforeEach
    void allocateThreeOrderOneBlocks() {
        buddy = new TestZones().zone(5, 13, 3);
        assertEquals(6, buddy.allocate(1));
        assertEquals(16, buddy.allocate(1));
        assertEquals(8, buddy.allocate(1));
        buddyinfoBefore = buddyinfo(buddy);
    }

    /** Frees badly, checks the report's pfn, order and reason, and that nothing changed. */
    private BadPageStateBug badFree(long pfn, int order, String reason) {
        BadPageStateBug bug = assertThrows(BadPageStateBug.class, () -> buddy.free(pfn, order));
        assertEquals(pfn, bug.pfn());
        assertEquals(order, bug.order());
        assertEquals("page dumped because: " + reason, bug.details());
        assertArrayEquals(buddyinfoBefore, buddyinfo(buddy), "a bad free must change nothing");
        assertEquals(7, buddy.freeFrames());
        buddy.checkInvariants();
        buddy.free(8, 1);
        buddy.free(6, 1);
        buddy.free(16, 1);
        assertArrayEquals(new long[] {1, 2, 0, 1}, buddyinfo(buddy), "the live blocks still free normally");
        return bug;
    }

    @Test
    void freeBelowTheZoneIsOutOfRange() {
        BadPageStateBug bug = badFree(4, 0, "freeing pfn 4 order 0, outside this allocator's frames [5, 18)");
        assertEquals(BadPageStateBug.outOfRange(4, 0, 5, 18).getMessage(), bug.getMessage());
    }

    @Test
    void freeAtTheZoneEndIsOutOfRange() {
        badFree(18, 1, "freeing pfn 18 order 1, outside this allocator's frames [5, 18)");
    }

    @Test
    void freeOfANegativePfnIsOutOfRange() {
        badFree(-1, 0, "freeing pfn -1 order 0, outside this allocator's frames [5, 18)");
    }

    @Test
    void freeWithAnOrderAboveMaxOrderIsABadOrder() {
        BadPageStateBug bug = badFree(8, 4, "freeing pfn 8 with order 4, outside 0..3");
        assertEquals(BadPageStateBug.badOrder(8, 4, 3).getMessage(), bug.getMessage());
    }

    @Test
    void freeWithANegativeOrderIsABadOrder() {
        badFree(8, -1, "freeing pfn 8 with order -1, outside 0..3");
    }

    @Test
    void freeOfAPfnNotAlignedToTheOrderIsMisaligned() {
        BadPageStateBug bug = badFree(7, 1, "freeing pfn 7 order 1, but an order-1 block starts at a multiple of 2");
        assertEquals(BadPageStateBug.misaligned(7, 1).getMessage(), bug.getMessage());
    }

    @Test
    void freeWithAnOrderOtherThanTheAllocatedOneIsAWrongOrder() {
        BadPageStateBug bug = badFree(8, 0, "freeing order 0 but the block at pfn 8 was allocated with order 1");
        assertEquals(BadPageStateBug.wrongOrder(8, 0, 1).getMessage(), bug.getMessage());
    }

    @Test
    void freeWithALargerOrderThatWouldCoverFreeFramesIsAWrongOrder() {
        badFree(8, 2, "freeing order 2 but the block at pfn 8 was allocated with order 1");
    }

    @Test
    void secondFreeOfABlockIsAlreadyFree() {
        buddy.free(6, 1);
        assertEquals(6, buddy.allocate(1));
        buddyinfoBefore = buddyinfo(buddy);

        BadPageStateBug bug = badFree(5, 0, "freeing pfn 5 order 0, but (part of) the block is already free");
        assertEquals(BadPageStateBug.alreadyFree(5, 0).getMessage(), bug.getMessage());
    }

    @Test
    void freeOfTheFirstFrameOfAFreeBlockIsAlreadyFree() {
        badFree(12, 2, "freeing pfn 12 order 2, but (part of) the block is already free");
    }

    @Test
    void freeOfAFrameInsideAFreeBlockIsAlreadyFree() {
        badFree(14, 1, "freeing pfn 14 order 1, but (part of) the block is already free");
    }

    @Test
    void freeOfAFreeBlockWithAnotherOrderIsAlreadyFree() {
        badFree(10, 0, "freeing pfn 10 order 0, but (part of) the block is already free");
    }

    @Test
    void doubleFreeAfterMergingIsStillCaught() {
        buddy.free(8, 1);
        assertArrayEquals(new long[] {1, 0, 0, 1}, buddyinfo(buddy));

        BadPageStateBug bug = assertThrows(BadPageStateBug.class, () -> buddy.free(8, 1));

        assertEquals("page dumped because: freeing pfn 8 order 1, but (part of) the block is already free",
                bug.details());
        assertArrayEquals(new long[] {1, 0, 0, 1}, buddyinfo(buddy));
        buddy.checkInvariants();
    }

    @Test
    void freeOfAFrameInsideALiveBlockIsNotItsStart() {
        BadPageStateBug bug = badFree(9, 0, "freeing pfn 9 order 0, which lies inside the order-1 block at pfn 8");
        assertEquals(BadPageStateBug.notBlockStart(9, 0, 8, 1).getMessage(), bug.getMessage());
    }

    @Test
    void freeOfTheLastFrameOfALiveBlockNamesTheBlock() {
        buddy.free(8, 1);
        assertEquals(8, buddy.allocate(3));
        buddyinfoBefore = buddyinfo(buddy);

        BadPageStateBug bug = assertThrows(BadPageStateBug.class, () -> buddy.free(14, 1));

        assertEquals("page dumped because: freeing pfn 14 order 1, which lies inside the order-3 block at pfn 8",
                bug.details());
        assertArrayEquals(buddyinfoBefore, buddyinfo(buddy));
    }

    @Test
    void reportReadsLikeTheKernelsBadPageWithAHint() {
        BadPageStateBug bug = assertThrows(BadPageStateBug.class, () -> buddy.free(8, 0));

        String thread = Thread.currentThread().getName();
        assertEquals("BUG: Bad page state in process " + thread + "  pfn:00008", bug.headline());
        assertEquals("BUG: Bad page state in process " + thread + "  pfn:00008\n"
                        + "page dumped because: freeing order 0 but the block at pfn 8 was allocated with order 1\n"
                        + "Hint: pass free() the same order you passed allocate(); keep the order beside the pfn",
                bug.getMessage());
        assertEquals(KernelBug.class, bug.getClass().getSuperclass());
    }
}
