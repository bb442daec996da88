package org.kmemlab.buddy;

import static org.kmemlab.buddy.BuddyAllocator.FREE;
import static org.kmemlab.buddy.BuddyAllocator.NONE;
import static org.kmemlab.buddy.BuddyAllocator.ORDER_MASK;
import static org.kmemlab.buddy.BuddyAllocator.TAIL;
import static org.kmemlab.buddy.BuddyAllocator.USED;

import org.kmemlab.api.Checks;

/**
 * The consistency checker of {@link BuddyAllocator}: what must be true of its frame tags, free lists and
 * counters between any two calls. It reads the allocator's arrays and changes nothing.
 *
 * <p>Two walks establish everything:
 * <ol>
 *   <li>The <em>tiling walk</em> goes through the zone block by block: at each step the frame must be
 *       the first frame of a block (a FREE or USED tag) of an order up to maxOrder, naturally aligned,
 *       inside the zone, and all its other frames must be TAIL. A free block's buddy must not be a free
 *       block of the same order (they would have been merged). It counts the free blocks per order and
 *       the free frames.</li>
 *   <li>The <em>list walk</em> follows each free_area list: every entry is a free block of that order,
 *       every entry after the head has the entry before it as {@code prev} (the head's own link is not
 *       kept, see the allocator's essay), and the number of entries equals the counter, the number the
 *       tiling walk saw, and the non-empty bit. The walk stops with a report as soon as it has seen more
 *       entries than the tiling walk found blocks, so a cycle cannot run it forever, and since every
 *       listed entry is a free block of that order, equal counts mean each is listed exactly once.</li>
 * </ol>
 */
final class BuddyInvariants {

    private final BuddyAllocator allocator;
    private final long startPfn;
    private final int frames;
    private final int maxOrder;
    private final byte[] tag;

    BuddyInvariants(BuddyAllocator allocator) {
        this.allocator = allocator;
        this.startPfn = allocator.startPfn();
        this.frames = (int) allocator.frames();
        this.maxOrder = allocator.maxOrder();
        this.tag = allocator.tag;
    }

    /** Throws {@link IllegalStateException} naming the first broken invariant. */
    void check() {
        long[] tiledFree = new long[maxOrder + 1];
        long freeFrames = walkBlocks(tiledFree);
        for (int order = 0; order <= maxOrder; order++) {
            walkFreeList(order, tiledFree[order]);
        }
        if (freeFrames != allocator.freeFrames()) {
            throw broken("freeFrames() is %d but the free blocks hold %d frames",
                    allocator.freeFrames(), freeFrames);
        }
    }

    /** Walks the zone block by block, counts free blocks per order and returns the free frames. */
    private long walkBlocks(long[] tiledFree) {
        long freeFrames = 0;
        int block = 0;
        while (block < frames) {
            long pfn = startPfn + block;
            int frameTag = tag[block] & 0xff;
            int order = frameTag & ORDER_MASK;
            int state = frameTag & ~ORDER_MASK;
            if (frameTag == TAIL) {
                throw broken("pfn %d is tagged as the tail of a block, but no block covers it", pfn);
            }
            if (state != FREE && state != USED) {
                throw broken("pfn %d has the impossible tag 0x%x", pfn, frameTag);
            }
            if (order > maxOrder) {
                throw broken("the block at pfn %d has order %d, above maxOrder %d", pfn, order, maxOrder);
            }
            if ((pfn & ((1L << order) - 1)) != 0) {
                throw broken("the order-%d block at pfn %d is not aligned to %d frames", order, pfn, 1L << order);
            }
            if (block + (1L << order) > frames) {
                throw broken("the order-%d block at pfn %d runs past the zone's end %d",
                        order, pfn, startPfn + frames);
            }
            for (int tail = block + 1; tail < block + (1 << order); tail++) {
                if (tag[tail] != TAIL) {
                    throw broken("pfn %d lies inside the %s block at pfn %d but is tagged %s",
                            startPfn + tail, describe(frameTag), pfn, describe(tag[tail] & 0xff));
                }
            }
            if (state == FREE) {
                checkMerged(pfn, order);
                tiledFree[order]++;
                freeFrames += 1L << order;
            }
            block += 1 << order;
        }
        return freeFrames;
    }

    /** Fails when the free block at pfn and its buddy are both free at the same order. */
    private void checkMerged(long pfn, int order) {
        if (order == maxOrder) {
            return;
        }
        long buddy = pfn ^ (1L << order);
        if (buddy < startPfn || buddy >= startPfn + frames) {
            return;
        }
        if ((tag[(int) (buddy - startPfn)] & 0xff) == (FREE | order)) {
            throw broken("buddies pfn %d and pfn %d are both free at order %d but were not merged",
                    Math.min(pfn, buddy), Math.max(pfn, buddy), order);
        }
    }

    /** Walks free_area[order] and compares it with the counters and with the tiling walk. */
    private void walkFreeList(int order, long tiledCount) {
        int[] next = allocator.next;
        int[] prev = allocator.prev;
        long listed = 0;
        int previous = NONE;
        for (int block = allocator.freeHead[order]; block != NONE; block = next[block]) {
            if (block < 0 || block >= frames) {
                throw broken("free_area[%d] links to offset %d, outside the zone's %d frames", order, block, frames);
            }
            long pfn = startPfn + block;
            if ((tag[block] & 0xff) != (FREE | order)) {
                throw broken("free_area[%d] holds pfn %d, which is tagged %s",
                        order, pfn, describe(tag[block] & 0xff));
            }
            if (previous != NONE && prev[block] != previous) {
                throw broken("free_area[%d]: the prev link of pfn %d is offset %d, expected %d",
                        order, pfn, prev[block], previous);
            }
            listed++;
            if (listed > tiledCount) {
                throw broken("free_area[%d] holds more entries than the %d free order-%d blocks",
                        order, tiledCount, order);
            }
            previous = block;
        }
        if (listed != tiledCount) {
            throw broken("free_area[%d] lists %d blocks but the zone has %d free order-%d blocks",
                    order, listed, tiledCount, order);
        }
        if (allocator.freeCount[order] != tiledCount) {
            throw broken("nr_free of order %d is %d but %d blocks are free",
                    order, allocator.freeCount[order], tiledCount);
        }
        boolean markedNonEmpty = (allocator.nonEmptyMask() & (1 << order)) != 0;
        if (markedNonEmpty != (tiledCount > 0)) {
            throw broken("the non-empty bit of order %d is %s but %d blocks are free",
                    order, markedNonEmpty, tiledCount);
        }
    }

    /** Describes a tag in words: {@code free order 2}, {@code used order 0} or {@code tail}. */
    static String describe(int frameTag) {
        if (frameTag == TAIL) {
            return "tail";
        }
        String state = (frameTag & USED) != 0 ? "used" : (frameTag & FREE) != 0 ? "free" : "corrupt";
        return state + " order " + (frameTag & ORDER_MASK);
    }

    /** Returns the report of a broken invariant; built only when one is broken, so checks box nothing. */
    private static IllegalStateException broken(String template, Object... values) {
        return new IllegalStateException(Checks.format(template, values));
    }
}
