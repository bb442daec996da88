package org.kmemlab.dmazone;

import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * A small but correct page allocator for these tests, independent of the reference buddy: a bitmap of
 * free frames searched first fit for a naturally aligned free run, and a table of live block orders.
 * Its buddyinfo row is the free frames cut greedily into the largest aligned free blocks, which for a
 * fully free range is the buddy system's initial layout.
 */
final class FirstFitPageAllocator implements PageAllocator {

    /** The provider the tests create zone allocators with. */
    static final PageAllocatorProvider PROVIDER = new PageAllocatorProvider() {
        @Override
        public String name() {
            return "first-fit-test";
        }

        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            return new FirstFitPageAllocator(config);
        }
    };

    private final long start;
    private final int frames;
    private final int maxOrder;
    private final long[] freeBits;
    /** For a live block's first frame: order + 1; 0 elsewhere. */
    private final byte[] liveOrder;
    private long freeFrames;
    /** The buddyinfo row, computed on demand and dropped by every allocate and free. */
    private long[] blocksCache;
    private int lowestFreeWord;

    FirstFitPageAllocator(PageAllocatorConfig config) {
        this.start = config.startPfn();
        this.frames = Math.toIntExact(config.frames());
        this.maxOrder = config.maxOrder();
        this.freeBits = new long[(frames + 63) >>> 6];
        this.liveOrder = new byte[frames];
        for (int i = 0; i < frames; i++) {
            freeBits[i >>> 6] |= 1L << i;
        }
        this.freeFrames = frames;
    }

    @Override
    public long startPfn() {
        return start;
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public int maxOrder() {
        return maxOrder;
    }

    private boolean isFree(int i) {
        return (freeBits[i >>> 6] & (1L << i)) != 0;
    }

    private boolean runFree(int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!isFree(i)) {
                return false;
            }
        }
        return true;
    }

    private void mark(int from, int count, boolean free) {
        for (int i = from; i < from + count; i++) {
            if (free) {
                freeBits[i >>> 6] |= 1L << i;
            } else {
                freeBits[i >>> 6] &= ~(1L << i);
            }
        }
    }

    @Override
    public long allocate(int order) {
        if (order < 0 || order > maxOrder || (1L << order) > freeFrames) {
            return NO_PAGE;
        }
        int size = 1 << order;
        while (lowestFreeWord < freeBits.length && freeBits[lowestFreeWord] == 0) {
            lowestFreeWord++;
        }
        int first = lowestFreeWord << 6;
        long pfn = start + first + Math.floorMod(-(start + first), (long) size);
        for (; pfn + size <= start + frames; pfn += size) {
            int i = (int) (pfn - start);
            if (runFree(i, size)) {
                mark(i, size, false);
                blocksCache = null;
                liveOrder[i] = (byte) (order + 1);
                freeFrames -= size;
                return pfn;
            }
        }
        return NO_PAGE;
    }

    @Override
    public void free(long pfn, int order) {
        if (pfn < start || pfn >= start + frames) {
            throw BadPageStateBug.outOfRange(pfn, order, start, start + frames);
        }
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            throw BadPageStateBug.misaligned(pfn, order);
        }
        int i = (int) (pfn - start);
        if (liveOrder[i] == 0) {
            throw BadPageStateBug.alreadyFree(pfn, order);
        }
        if (liveOrder[i] != order + 1) {
            throw BadPageStateBug.wrongOrder(pfn, order, liveOrder[i] - 1);
        }
        liveOrder[i] = 0;
        mark(i, 1 << order, true);
        blocksCache = null;
        freeFrames += 1L << order;
        lowestFreeWord = Math.min(lowestFreeWord, i >>> 6);
    }

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long freeBlocks(int order) {
        if (order < 0 || order > maxOrder) {
            throw new IllegalArgumentException("order " + order + " is outside 0.." + maxOrder);
        }
        if (blocksCache == null) {
            long[] counts = new long[maxOrder + 1];
            int i = 0;
            while (i < frames) {
                if (!isFree(i)) {
                    i++;
                    continue;
                }
                int o = largestFreeBlock(i);
                counts[o]++;
                i += 1 << o;
            }
            blocksCache = counts;
        }
        return blocksCache[order];
    }

    private int largestFreeBlock(int i) {
        long pfn = start + i;
        int o = 0;
        while (o < maxOrder && (pfn & ((2L << o) - 1)) == 0 && i + (2 << o) <= frames && runFree(i, 2 << o)) {
            o++;
        }
        return o;
    }

    @Override
    public void checkInvariants() {
        long free = 0;
        for (int i = 0; i < frames; i++) {
            free += isFree(i) ? 1 : 0;
        }
        if (free != freeFrames) {
            throw new IllegalStateException("bitmap has " + free + " free frames, counter says " + freeFrames);
        }
    }
}
