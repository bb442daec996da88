package org.kmemlab.buddy;

import static org.kmemlab.buddy.BuddyAllocator.FREE;
import static org.kmemlab.buddy.BuddyAllocator.ORDER_MASK;
import static org.kmemlab.buddy.BuddyAllocator.TAIL;
import static org.kmemlab.buddy.BuddyAllocator.USED;

import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.BadPageStateBug;

/**
 * Explains a bad free that {@link BuddyAllocator#free(long, int)} has already told apart from a correct
 * one: the pfn is inside the zone and aligned to a valid order, but its frame is not the first frame of a
 * live block of that order. Off the hot path, so it may take O(maxOrder) steps.
 *
 * <p>The frame's tag says which mistake it is:
 * <ul>
 *   <li>{@code USED | k} with {@code k != order}: the block was allocated with order k (wrong order);</li>
 *   <li>{@code FREE | k}: the block is free already (a double free);</li>
 *   <li>{@code TAIL}: the frame lies inside a larger block. Blocks are aligned, so that block's first frame
 *       is the first head tag met while rounding the pfn down to ever larger orders; if that block is
 *       free, this is a double free of part of it, otherwise a free of a frame that is not a block's
 *       start.</li>
 * </ul>
 */
final class BadFrees {

    private BadFrees() {
    }

    /** Returns the report for {@code free(pfn, order)}, which must be in range, aligned and not a live head. */
    static BadPageStateBug explain(BuddyAllocator allocator, long pfn, int order) {
        int frameTag = tagOf(allocator, pfn);
        if ((frameTag & USED) != 0) {
            return BadPageStateBug.wrongOrder(pfn, order, frameTag & ORDER_MASK);
        }
        if ((frameTag & FREE) != 0) {
            return BadPageStateBug.alreadyFree(pfn, order);
        }
        long head = headOf(allocator, pfn);
        int headTag = tagOf(allocator, head);
        if ((headTag & FREE) != 0) {
            return BadPageStateBug.alreadyFree(pfn, order);
        }
        return BadPageStateBug.notBlockStart(pfn, order, head, headTag & ORDER_MASK);
    }

    /** Returns the first pfn of the block, free or allocated, that contains {@code pfn}. */
    static long headOf(BuddyAllocator allocator, long pfn) {
        for (int order = 0; order <= allocator.maxOrder(); order++) {
            long candidate = pfn & -(1L << order);
            if (candidate < allocator.startPfn()) {
                break;
            }
            if (tagOf(allocator, candidate) != TAIL) {
                return candidate;
            }
        }
        throw new IllegalStateException(Checks.format(
                "no block of zone %s contains pfn %d: the frame tags are corrupt", allocator.zoneName(), pfn));
    }

    private static int tagOf(BuddyAllocator allocator, long pfn) {
        return allocator.tag[(int) (pfn - allocator.startPfn())] & 0xff;
    }
}
