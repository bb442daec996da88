package org.kmemlab.testkit.contract.support;

import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * A small, plainly correct buddy allocator that the zone contract gives the zone allocator under test by
 * default, so that a zone contract failure is always the zone allocator's fault, whatever else is
 * installed.
 *
 * <h2>How it keeps its books</h2>
 * Two tables, both in primitive arrays:
 * <ul>
 *   <li>one bitmap per order: bit {@code b} of order {@code k} is set when the naturally aligned block
 *       {@code pfn = ((startPfn >> k) + b) << k} is free and not part of a larger free block (a free-list
 *       entry, in buddy terms), with a count per order for buddyinfo;</li>
 *   <li>one byte per frame: {@code 0} free, {@code k + 1} the first frame of a live block of order
 *       {@code k}, {@link #TAIL} another frame of a live block.</li>
 * </ul>
 * Allocation takes the lowest free block of the smallest order that fits (scanning the bitmap) and
 * splits it, putting each upper half back one order lower (on the 2.0 era each lower half, handing out
 * the top of the block as 2.0's {@code EXPAND} did: rule {@code page.linux20-expand}). Freeing checks the frame table (so every
 * misuse raises a {@link BadPageStateBug} before anything changes), then merges with the buddy
 * {@code pfn ^ (1 << k)} while that buddy is a free block of the same order.
 *
 * <p>Worked example, frames [0, 8), max order 3: one free block of order 3 at pfn 0. {@code allocate(0)}
 * splits it into 4 (order 2), 2 (order 1) and 1 (order 0) and returns 0. {@code free(0, 0)}: buddy 1 is
 * free at order 0, merge to 0/1; buddy 2 is free at order 1, merge to 0/2; buddy 4 free at order 2, merge
 * to 0/3: the initial layout again. On the 2.0 era the same {@code allocate(0)} keeps 0 (order 2), 4
 * (order 1) and 6 (order 0) free and returns 7.
 *
 * <p>Not thread-safe, like every page allocator: the zone allocator serialises calls.
 */
public final class SimplePageAllocator implements PageAllocator {

    /** The name of the {@link #provider()}: {@value}. */
    public static final String NAME = "testkit-simple-buddy";

    private static final byte FREE = 0;
    private static final byte TAIL = -1;

    private final long startPfn;
    private final long frames;
    private final int maxOrder;
    private final boolean topHalf;
    private final byte[] frameState;
    private final long[][] freeBitmaps;
    private final long[] freeCounts;
    private long freeFrames;

    private SimplePageAllocator(PageAllocatorConfig config) {
        Checks.requireArgument(config.frames() <= Integer.MAX_VALUE,
                "the simple page allocator manages at most 2^31-1 frames, not %d", config.frames());
        this.startPfn = config.startPfn();
        this.frames = config.frames();
        this.maxOrder = config.maxOrder();
        this.topHalf = config.handsOutTopHalf();
        this.frameState = new byte[(int) frames];
        this.freeBitmaps = new long[maxOrder + 1][];
        this.freeCounts = new long[maxOrder + 1];
        long endPfn = startPfn + frames;
        for (int k = 0; k <= maxOrder; k++) {
            long bits = ((endPfn - 1) >> k) - (startPfn >> k) + 1;
            freeBitmaps[k] = new long[(int) ((bits + 63) >> 6)];
        }
        long pfn = startPfn;
        while (pfn < endPfn) {
            int k = maxOrder;
            while (k > 0 && ((pfn & ((1L << k) - 1)) != 0 || pfn + (1L << k) > endPfn)) {
                k--;
            }
            setFree(pfn, k);
            pfn += 1L << k;
        }
        freeFrames = frames;
    }

    /** Returns a provider of these allocators, named {@value #NAME}. */
    public static PageAllocatorProvider provider() {
        return new PageAllocatorProvider() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public String description() {
                return "the testkit's bitmap buddy allocator, used to test zone allocators";
            }

            @Override
            public PageAllocator create(PageAllocatorConfig config) {
                return new SimplePageAllocator(Checks.requireNonNull(config, "config"));
            }
        };
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

    @Override
    public long allocate(int order) {
        if (order < 0 || order > maxOrder) {
            return NO_PAGE;
        }
        int k = order;
        while (k <= maxOrder && freeCounts[k] == 0) {
            k++;
        }
        if (k > maxOrder) {
            return NO_PAGE;
        }
        long pfn = lowestFree(k);
        clearFree(pfn, k);
        while (k > order) {
            k--;
            if (topHalf) {
                setFree(pfn, k);
                pfn += 1L << k;
            } else {
                setFree(pfn + (1L << k), k);
            }
        }
        int index = (int) (pfn - startPfn);
        frameState[index] = (byte) (order + 1);
        for (int i = 1; i < (1 << order); i++) {
            frameState[index + i] = TAIL;
        }
        freeFrames -= 1L << order;
        return pfn;
    }

    @Override
    public void free(long pfn, int order) {
        checkFree(pfn, order);
        int index = (int) (pfn - startPfn);
        for (int i = 0; i < (1 << order); i++) {
            frameState[index + i] = FREE;
        }
        freeFrames += 1L << order;
        int k = order;
        long block = pfn;
        while (k < maxOrder) {
            long buddy = block ^ (1L << k);
            if (buddy < startPfn || buddy + (1L << k) > startPfn + frames || !isFree(buddy, k)) {
                break;
            }
            clearFree(buddy, k);
            block = Math.min(block, buddy);
            k++;
        }
        setFree(block, k);
    }

    /** Raises the {@link BadPageStateBug} that {@code free(pfn, order)} deserves, or returns when it is valid. */
    private void checkFree(long pfn, int order) {
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        if (pfn < startPfn || pfn + (1L << order) > startPfn + frames) {
            throw BadPageStateBug.outOfRange(pfn, order, startPfn, startPfn + frames);
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            throw BadPageStateBug.misaligned(pfn, order);
        }
        int index = (int) (pfn - startPfn);
        byte state = frameState[index];
        if (state == FREE) {
            throw BadPageStateBug.alreadyFree(pfn, order);
        }
        if (state == TAIL) {
            int head = index;
            while (frameState[head] == TAIL) {
                head--;
            }
            throw BadPageStateBug.notBlockStart(pfn, order, startPfn + head, frameState[head] - 1);
        }
        if (state - 1 != order) {
            throw BadPageStateBug.wrongOrder(pfn, order, state - 1);
        }
    }

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long freeBlocks(int order) {
        Checks.requireArgument(order >= 0 && order <= maxOrder, "order %d is outside 0..%d", order, maxOrder);
        return freeCounts[order];
    }

    @Override
    public void checkInvariants() {
        long free = 0;
        for (int k = 0; k <= maxOrder; k++) {
            long counted = 0;
            for (long word : freeBitmaps[k]) {
                counted += Long.bitCount(word);
            }
            Checks.requireState(counted == freeCounts[k], "order %d: %d free blocks in the bitmap, count says %d",
                    k, counted, freeCounts[k]);
            free += counted << k;
        }
        Checks.requireState(free == freeFrames, "free blocks hold %d frames, freeFrames says %d", free, freeFrames);
    }

    private long lowestFree(int order) {
        long[] bitmap = freeBitmaps[order];
        for (int w = 0; w < bitmap.length; w++) {
            if (bitmap[w] != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(bitmap[w]);
                return ((startPfn >> order) + bit) << order;
            }
        }
        throw new IllegalStateException("order " + order + " counts a free block but its bitmap is empty");
    }

    private boolean isFree(long pfn, int order) {
        long bit = (pfn >> order) - (startPfn >> order);
        return (freeBitmaps[order][(int) (bit >> 6)] & (1L << bit)) != 0;
    }

    private void setFree(long pfn, int order) {
        long bit = (pfn >> order) - (startPfn >> order);
        freeBitmaps[order][(int) (bit >> 6)] |= 1L << bit;
        freeCounts[order]++;
    }

    private void clearFree(long pfn, int order) {
        long bit = (pfn >> order) - (startPfn >> order);
        freeBitmaps[order][(int) (bit >> 6)] &= ~(1L << bit);
        freeCounts[order]--;
    }
}
