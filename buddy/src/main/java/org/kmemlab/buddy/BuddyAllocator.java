package org.kmemlab.buddy;

import java.util.Arrays;
import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * The reference buddy page allocator: one zone's frames, handed out in naturally aligned blocks of
 * {@code 2^order} frames and merged with their buddies again when they come back.
 *
 * <h2>Costs</h2>
 * <ul>
 *   <li>{@link #allocate(int)} and {@link #free(long, int)}: constant work per order level split or merged
 *       (at most {@code maxOrder} levels), no Java allocation, no search of any list.</li>
 *   <li>{@link #freeBlocks(int)}: constant time, from a counter; {@link #freeFrames()}: the sum of those
 *       counters over the orders, at most 21 additions.</li>
 *   <li>Metadata: <b>9 bytes per frame</b> ({@value #METADATA_BYTES_PER_FRAME}: two {@code int} list links
 *       and a one-byte tag), plus a few words per order. A 16 GiB zone of 4 Mi frames needs 36 MiB; Linux
 *       spends 64 bytes per frame on {@code struct page} (256 MiB for the same zone).</li>
 *   <li>{@link #checkInvariants()}: linear in the number of frames.</li>
 * </ul>
 * Not thread-safe: the zone lock serialises callers, as the {@link PageAllocator} contract allows.
 */
public final class BuddyAllocator implements PageAllocator {

    /*
     * The buddy system
     * ================
     *
     * A zone is a run of page frames numbered by pfn. This allocator hands them out in blocks of 2^order
     * frames, and every block is naturally aligned: a block of order k starts at a pfn that is a multiple
     * of 2^k. Alignment is the whole trick. Cut an aligned block of order k+1 in two and you get two
     * aligned blocks of order k, each the other's "buddy", and either one finds the other by flipping a
     * single bit of its pfn, without searching anything:
     *
     *     buddy of (pfn, order) = pfn ^ (1 << order)
     *
     *     page 8, order 1:  buddy is 8 ^ 2 = 10    (8..9 and 10..11 are the halves of 8..11)
     *     page 10, order 1: buddy is 10 ^ 2 = 8
     *     page 8, order 2:  buddy is 8 ^ 4 = 12    (8..11 and 12..15 are the halves of 8..15)
     *
     * The XOR is taken on absolute pfns, that is relative to pfn 0, which is aligned for every order. A
     * zone whose edges are not aligned (real zones rarely are) simply starts and ends with smaller blocks,
     * and a block whose buddy lies outside the zone never merges.
     *
     * Free blocks wait on one list per order: free_area[order] in the kernel, freeHead[order] here.
     *
     * Allocating order k takes a block from the lowest non-empty list of order k or more. A block that is
     * larger than asked for is split: keep the lower half, put the upper half on the list one order down,
     * and repeat until the kept block has order k (the kernel's expand()).
     *
     * Linux 2.0 split the other way round. Its EXPAND macro (mm/page_alloc.c:161-172) queued the lower
     * half and moved on to the upper one ("map += size"), so a split handed out the TOP of the block:
     * allocate(0) on a free 8..15 gave frame 15 and left 8..11, 12..13 and 14 free. Neither is more
     * correct (the buddy arithmetic is the same); which frames a 1996 machine used first is observable,
     * so on the 2.0 era (PageAllocatorConfig.handsOutTopHalf()) this class keeps the upper half instead.
     *
     * Freeing (pfn, k) looks at the buddy. If the buddy is free and whole at order k (not in use, and not
     * split into smaller pieces of which some are in use), it comes off its list and the two become one
     * block of order k+1 starting at the lower pfn, pfn & ~(1 << k); then the same question is asked one
     * order up. The merging stops at maxOrder, or at the first buddy that is in use, split, or outside the
     * zone, and the result goes on its list (the kernel's __free_one_page()). Because every free merges as
     * far as it can, no two free buddies of equal order ever lie side by side, and freeing everything gives
     * back exactly the layout the zone started with.
     *
     * A worked example
     * ----------------
     * Zone pfns [5, 18), maxOrder 3. The initial free blocks are the largest aligned blocks that fit, from
     * the left: 5 is odd, so order 0; 6 is a multiple of 2 but not of 4, so order 1; 8 is a multiple of 8
     * and 8..15 fits, so order 3 (the cap); at 16 an order-2 block would run to 19, past the end, so order 1.
     *
     *     pfn     5 | 6  7 | 8  9 10 11 12 13 14 15 | 16 17
     *     block  o0 |  o1  |           o3           |  o1        buddyinfo (orders 0..3): 1 2 0 1
     *
     * allocate(1) returns 6, then allocate(1) returns 16: free_area[1] had both.
     * allocate(1) once more finds free_area[1] and free_area[2] empty and takes 8..15 from free_area[3].
     * It splits 8..15 into 8..11 (kept) and 12..15 (order 2, onto free_area[2]), then 8..11 into 8..9 (kept)
     * and 10..11 (order 1, onto free_area[1]), and returns 8.
     *
     *     pfn     5 | 6  7 | 8  9 | 10 11 | 12 13 14 15 | 16 17
     *     block  o0 | used | used |  o1   |     o2      | used     buddyinfo: 1 1 1 0
     *
     * free(8, 1): page 8, order 1: the buddy is 8 ^ 2 = 10, free and of order 1, so merge into 8..11 of
     * order 2. Its buddy is 8 ^ 4 = 12, free and of order 2: merge into 8..15 of order 3 = maxOrder; stop.
     * free(6, 1): the buddy is 6 ^ 2 = 4, outside the zone, so 6..7 stays an order-1 block.
     * free(16, 1): the buddy is 16 ^ 2 = 18, outside the zone. buddyinfo is 1 2 0 1 again.
     * (Frame 5 never merges: its buddy 4 is outside the zone.)
     *
     * The common cases first
     * ----------------------
     * Most calls are the simple ones: the list of exactly the order asked for has a block (no split), and
     * the freed block's buddy is not free (no merge); a warm machine's order-0 pair is both. allocate and
     * free test for them first and handle them without entering the split or merge loop, which then only
     * runs when there is work for it. The result is the same block and the same lists as the general
     * path gives; on JDK 17 the warm order-0 pair went from about 5.7 to about 4.8 ns of CPU time
     * (bench/README.md; JDK 25 already compiled the old code about as well), and to about 3.6 ns with the
     * head links and the counter below gone.
     *
     * How the state is kept
     * ---------------------
     * Every frame has a one-byte tag:
     *   FREE | order  on the first frame of a free block (the kernel's PageBuddy flag and buddy_order()),
     *   USED | order  on the first frame of an allocated block (so that a free with the wrong order, or of a
     *                 frame in the middle of a block, is caught),
     *   TAIL          on every other frame.
     * "Is my buddy free and whole at order k?" is then one comparison, tag[buddy] == (FREE | k): a buddy
     * that has been split carries a smaller order, or is a TAIL of a larger free block that does not
     * contain us, and fails the test as it must.
     *
     * The free lists are doubly linked through two int arrays indexed by the frame's offset in the zone,
     * next[] and prev[]; a free block's links live in the entries of its first frame. Taking any block
     * off its list (the buddy, during a merge, may be anywhere in it) is therefore O(1), and no list node
     * is a Java object. The head of a list is known from freeHead[order], so its prev link is never read
     * and not kept up to date: unlink asks "is this the head?" of freeHead, popping the head does not
     * clear the new head's link, and pushing does not set the pushed block's. That is two stores fewer on
     * the warm pair, whose every call pops or pushes a head.
     *
     * There is no free-frame counter either: freeFrames() adds up nr_free[k] << k over the orders (at most
     * 21 of them). The zone keeps its own count for the watermarks, and a counter here would be one more
     * read-modify-write of the same word on every call, a chain the warm pair would wait on. A bit mask says which lists are non-empty, so "the lowest non-empty list of order
     * k or more" is one Integer.numberOfTrailingZeros.
     *
     * Linux 2.0 did the same job with one bit per buddy pair and order, toggled on every allocation and
     * free: a set bit meant "exactly one of the pair is free". Today's kernel, like this class, keeps the
     * order of each free block with its first page.
     */

    /** Bytes of metadata per frame: the {@code next} and {@code prev} links (4 bytes each) and the tag. */
    static final int METADATA_BYTES_PER_FRAME = Integer.BYTES + Integer.BYTES + Byte.BYTES;

    /** The most frames one allocator manages (4 TiB of 4 KiB pages): int offsets index its arrays. */
    static final long MAX_FRAMES = 1L << 30;

    /** Tag of a frame inside a block that is not the block's first frame. */
    static final int TAIL = 0;
    /** Tag bit of the first frame of a free block; the low bits hold the block's order. */
    static final int FREE = 0x40;
    /** Tag bit of the first frame of an allocated block; the low bits hold the block's order. */
    static final int USED = 0x80;
    /** The bits of a tag that hold the order (orders go up to 20). */
    static final int ORDER_MASK = 0x3f;
    /** The end of a free list, in {@code next}, {@code prev} and {@code freeHead}. */
    static final int NONE = -1;

    private final String zoneName;
    private final long startPfn;
    private final long endPfn;
    private final int frames;
    private final int maxOrder;
    /** True on the 2.0 era: a split hands out the upper half and frees the lower (2.0's EXPAND). */
    private final boolean topHalf;

    /** Per frame, by offset from {@code startPfn}: TAIL, FREE | order or USED | order. */
    final byte[] tag;
    /** Per frame: the next free block of the same order, or NONE; meaningful on a free block's first frame. */
    final int[] next;
    /** Per frame: the previous free block of the same order, or NONE. */
    final int[] prev;
    /** Per order: the first free block's offset, or NONE (free_area[order]). */
    final int[] freeHead;
    /** Per order: the number of free blocks (nr_free, one column of /proc/buddyinfo). */
    final int[] freeCount;
    /** Bit k is set when free_area[k] is not empty. */
    private int nonEmpty;

    /**
     * Creates an allocator whose frames are all free, carved into the largest naturally aligned blocks
     * that fit.
     *
     * @throws IllegalArgumentException when the zone has more than {@value #MAX_FRAMES} frames
     */
    BuddyAllocator(PageAllocatorConfig config) {
        Checks.requireNonNull(config, "page allocator config");
        Checks.requireArgument(config.frames() <= MAX_FRAMES,
                "a zone of %d frames exceeds the %d frames one buddy allocator manages",
                config.frames(), MAX_FRAMES);
        this.zoneName = config.zoneName();
        this.startPfn = config.startPfn();
        this.endPfn = config.endPfn();
        this.frames = (int) config.frames();
        this.maxOrder = config.maxOrder();
        this.topHalf = config.handsOutTopHalf();
        this.tag = new byte[frames];
        this.next = new int[frames];
        this.prev = new int[frames];
        this.freeHead = new int[maxOrder + 1];
        this.freeCount = new int[maxOrder + 1];
        carveInitialBlocks();
    }

    /**
     * Puts the largest aligned blocks that fit on the free lists, lowest pfn first on each list; on the 2.0
     * era highest pfn first, as Linux 2.0 left them: its {@code mem_init} freed memory page by page upwards
     * and {@code free_pages_ok} put each merged block at the head of its list ({@code add_mem_queue}), so
     * after boot every list ran from its highest block down and the first allocations came from the top.
     */
    private void carveInitialBlocks() {
        Arrays.fill(freeHead, NONE);
        if (topHalf) {
            for (long pfn = startPfn; pfn < endPfn; ) {
                int order = largestOrderAt(pfn, endPfn - pfn);
                push((int) (pfn - startPfn), order);
                prev[(int) (pfn - startPfn)] = NONE;
                pfn += 1L << order;
            }
            return;
        }
        int[] lastOfOrder = new int[maxOrder + 1];
        Arrays.fill(lastOfOrder, NONE);
        for (long pfn = startPfn; pfn < endPfn; ) {
            int order = largestOrderAt(pfn, endPfn - pfn);
            int block = (int) (pfn - startPfn);
            int last = lastOfOrder[order];
            if (last == NONE) {
                freeHead[order] = block;
            } else {
                next[last] = block;
            }
            prev[block] = last;
            next[block] = NONE;
            lastOfOrder[order] = block;
            tag[block] = (byte) (FREE | order);
            freeCount[order]++;
            nonEmpty |= 1 << order;
            pfn += 1L << order;
        }
    }

    /** Returns the largest order up to maxOrder whose block starts aligned at pfn and has room. */
    private int largestOrderAt(long pfn, long room) {
        int order = Math.min(maxOrder, Long.numberOfTrailingZeros(pfn));
        while ((1L << order) > room) {
            order--;
        }
        return order;
    }

    @Override
    public long startPfn() {
        return startPfn;
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public int maxOrder() {
        return maxOrder;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Takes the first block of the lowest non-empty free list of order {@code order} or more and splits
     * it down, keeping the lower half each time (the upper half on the 2.0 era). Returns {@link #NO_PAGE}, changing nothing, for an order
     * outside {@code 0..maxOrder()} and when no list of a large enough order has a block.
     */
    @Override
    public long allocate(int order) {
        if (order < 0 || order > maxOrder) {
            return NO_PAGE;
        }
        int candidates = nonEmpty & (-1 << order);
        if (candidates == 0) {
            return NO_PAGE;
        }
        int block;
        if ((candidates & 1 << order) != 0) {
            block = popHead(order);
        } else {
            int current = Integer.numberOfTrailingZeros(candidates);
            block = popHead(current);
            while (current > order) {
                current--;
                if (topHalf) {
                    push(block, current);
                    block += 1 << current;
                } else {
                    push(block + (1 << current), current);
                }
            }
        }
        tag[block] = (byte) (USED | order);
        return startPfn + block;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Merges the block with its buddy for as long as the buddy is free and whole at the same order, then
     * puts the result on its free list.
     *
     * @throws BadPageStateBug when {@code pfn} is outside the zone, {@code order} outside
     *         {@code 0..maxOrder()}, {@code pfn} not aligned to the order, the block (or part of it) already
     *         free, {@code pfn} inside a live block but not its first frame, or the block allocated with
     *         another order; the state is unchanged then
     */
    @Override
    public void free(long pfn, int order) {
        checkFree(pfn, order);
        if (order == maxOrder || !isFreeBuddy(pfn ^ (1L << order), order)) {
            push((int) (pfn - startPfn), order);
            return;
        }
        long head = pfn;
        int current = order;
        while (current < maxOrder) {
            long buddy = head ^ (1L << current);
            if (!isFreeBuddy(buddy, current)) {
                break;
            }
            int buddyBlock = (int) (buddy - startPfn);
            unlink(buddyBlock, current);
            // The pair differs only in bit `current`: head | buddy is the upper half, whose first frame
            // becomes a tail of the merged block; head & buddy is the lower half, where the block starts.
            tag[(int) ((head | buddy) - startPfn)] = TAIL;
            head &= buddy;
            current++;
        }
        push((int) (head - startPfn), current);
    }

    /** Returns true when {@code buddy} lies in the zone and starts a free block of exactly {@code order}. */
    private boolean isFreeBuddy(long buddy, int order) {
        return buddy >= startPfn && buddy < endPfn && tag[(int) (buddy - startPfn)] == (byte) (FREE | order);
    }

    /** Returns normally for a correct free, and otherwise throws the report of what is wrong with it. */
    private void checkFree(long pfn, int order) {
        if (pfn < startPfn || pfn >= endPfn) {
            throw BadPageStateBug.outOfRange(pfn, order, startPfn, endPfn);
        }
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            throw BadPageStateBug.misaligned(pfn, order);
        }
        if (tag[(int) (pfn - startPfn)] != (byte) (USED | order)) {
            throw BadFrees.explain(this, pfn, order);
        }
    }

    /** Puts the block at offset {@code block} at the front of free_area[order] and tags it free. */
    private void push(int block, int order) {
        int first = freeHead[order];
        next[block] = first;
        if (first != NONE) {
            prev[first] = block;
        }
        freeHead[order] = block;
        freeCount[order]++;
        nonEmpty |= 1 << order;
        tag[block] = (byte) (FREE | order);
    }

    /** Takes the first block off the non-empty free_area[order] and returns its offset. */
    private int popHead(int order) {
        int block = freeHead[order];
        freeHead[order] = next[block];
        if (--freeCount[order] == 0) {
            nonEmpty &= ~(1 << order);
        }
        return block;
    }

    /** Takes the block at offset {@code block} off free_area[order], wherever it is in the list. */
    private void unlink(int block, int order) {
        int after = next[block];
        int before = prev[block];      // meaningless when block is the head
        if (freeHead[order] == block) {
            freeHead[order] = after;
        } else {
            next[before] = after;
        }
        if (after != NONE) {
            prev[after] = before;
        }
        if (--freeCount[order] == 0) {
            nonEmpty &= ~(1 << order);
        }
    }

    @Override
    public long freeFrames() {
        long free = 0;
        for (int order = 0; order <= maxOrder; order++) {
            free += (long) freeCount[order] << order;
        }
        return free;
    }

    @Override
    public long freeBlocks(int order) {
        Checks.requireArgument(order >= 0 && order <= maxOrder, "order %d is outside 0..%d", order, maxOrder);
        return freeCount[order];
    }

    /**
     * {@inheritDoc}
     *
     * <p>Walks every block of the zone and every free list, and checks that the blocks tile the zone, are
     * aligned and tagged consistently, that each free list holds exactly the free blocks of its order with
     * matching links and counts, that no two free buddies of equal order are left unmerged, and that the
     * free-frame count is their sum. Linear in the number of frames.
     */
    @Override
    public void checkInvariants() {
        new BuddyInvariants(this).check();
    }

    /** Returns the mask of non-empty free lists (bit k for order k), for the invariant checker. */
    int nonEmptyMask() {
        return nonEmpty;
    }

    /** Returns the zone's name, as the configuration gave it. */
    String zoneName() {
        return zoneName;
    }

    /** Returns the metadata this allocator keeps, in bytes: the per-frame arrays and the per-order ones. */
    long metadataBytes() {
        return (long) tag.length * Byte.BYTES + (long) next.length * Integer.BYTES
                + (long) prev.length * Integer.BYTES
                + (long) (freeHead.length + freeCount.length) * Integer.BYTES;
    }

    /** Returns the zone, its range, the free frames and the buddyinfo row, for debugging. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("BuddyAllocator[zone ").append(zoneName)
                .append(", pfn [").append(startPfn).append(", ").append(endPfn)
                .append("), maxOrder ").append(maxOrder)
                .append(", free ").append(freeFrames()).append(" frames, buddyinfo");
        for (int order = 0; order <= maxOrder; order++) {
            out.append(' ').append(freeCount[order]);
        }
        return out.append(']').toString();
    }
}
