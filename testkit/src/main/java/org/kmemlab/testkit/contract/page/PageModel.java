package org.kmemlab.testkit.contract.page;

import java.util.TreeMap;

/**
 * The page contract's model of a buddy allocator: which frames are live, held as plain per-frame counts
 * and a map of live blocks by first frame, and what {@code /proc/buddyinfo} must say about the rest.
 *
 * <h2>Why the free layout is fixed by the free frames</h2>
 * A buddy allocator may pick any free block, so the model cannot know <em>which</em> frames are free
 * until the allocator answers. But once it knows, the free-block layout is fixed. Free buddies must
 * coalesce, so no two buddies are ever both free blocks; and the initial layout is the largest naturally
 * aligned blocks that fit. Under those two rules a free block of order {@code k} at {@code pfn} exists
 * exactly when all its frames are free and inside the zone, and either {@code k == maxOrder} or its
 * parent (the order {@code k+1} block containing it) is not wholly free and inside the zone. Worked
 * example, zone 3..20 with maxOrder 3 and frames 9 and 16 live: 3 (order 0: its parent 2..3 leaves the
 * zone), 8 (order 0: parent 8..9 has live 9), 10 (1), 12 (2), 17 (0), 18 (1), 20 (0). That layout is
 * {@link #canonicalLayout()}; any correct buddy allocator reports it, whatever blocks it chose.
 */
final class PageModel {

    private final long startPfn;
    private final long endPfn;
    private final int maxOrder;
    /** Live blocks covering each frame; more than one only when the allocator under test overlaps. */
    private final int[] liveCount;
    private final TreeMap<Long, PageBlock> liveByPfn = new TreeMap<>();
    private long liveFrames;

    PageModel(PageGeometry geometry) {
        this.startPfn = geometry.startPfn();
        this.endPfn = geometry.endPfn();
        this.maxOrder = geometry.maxOrder();
        this.liveCount = new int[(int) geometry.frames()];
    }

    long startPfn() {
        return startPfn;
    }

    long endPfn() {
        return endPfn;
    }

    int maxOrder() {
        return maxOrder;
    }

    long frames() {
        return endPfn - startPfn;
    }

    long freeFrames() {
        return frames() - liveFrames;
    }

    boolean hasLive() {
        return !liveByPfn.isEmpty();
    }

    /** Returns true when the block lies inside the zone. */
    boolean inRange(long pfn, int order) {
        return order >= 0 && order < 63 && pfn >= startPfn && pfn <= endPfn - (1L << order);
    }

    /** Returns the live block whose first frame is {@code pfn} and whose order is {@code order}, or null. */
    PageBlock liveExactly(long pfn, int order) {
        PageBlock b = liveByPfn.get(pfn);
        return b != null && b.order() == order ? b : null;
    }

    /**
     * Returns a live block sharing a frame with {@code [pfn, pfn + 2^order)}, or null. Live blocks are never
     * longer than {@code 2^maxOrder} frames (the contract rejects others before recording them), so only
     * blocks starting less than that below {@code pfn} can reach it.
     */
    PageBlock overlapping(long pfn, int order) {
        long end = pfn + (1L << order);
        for (PageBlock b : liveByPfn.subMap(pfn - (1L << maxOrder) + 1, true, end, false).values()) {
            if (b.endPfn() > pfn) {
                return b;
            }
        }
        return null;
    }

    /** Returns true when every frame of the block is inside the zone and free in the model. */
    boolean whollyFree(long pfn, int order) {
        if (!inRange(pfn, order)) {
            return false;
        }
        int from = (int) (pfn - startPfn);
        int to = from + (1 << order);
        for (int i = from; i < to; i++) {
            if (liveCount[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Records a block the allocator returned. Frames outside the zone are ignored. */
    void allocate(PageBlock block) {
        liveByPfn.put(block.pfn(), block);
        for (long pfn = block.pfn(); pfn < block.endPfn(); pfn++) {
            if (pfn >= startPfn && pfn < endPfn && liveCount[(int) (pfn - startPfn)]++ == 0) {
                liveFrames++;
            }
        }
    }

    /** Records that a live block was freed. */
    void free(PageBlock block) {
        liveByPfn.remove(block.pfn());
        for (long pfn = block.pfn(); pfn < block.endPfn(); pfn++) {
            if (pfn >= startPfn && pfn < endPfn && --liveCount[(int) (pfn - startPfn)] == 0) {
                liveFrames--;
            }
        }
    }

    /** Returns how many live blocks cover frame {@code pfn} (more than 1 only when blocks overlap). */
    int liveCount(long pfn) {
        return liveCount[(int) (pfn - startPfn)];
    }

    /** Returns the live blocks, lowest first. */
    Iterable<PageBlock> live() {
        return liveByPfn.values();
    }

    /** Returns the number of free blocks per order in the layout every correct allocator must report. */
    long[] canonicalLayout() {
        long[] counts = new long[maxOrder + 1];
        long top = 1L << maxOrder;
        for (long block = startPfn - Math.floorMod(startPfn, top); block < endPfn; block += top) {
            decompose(block, maxOrder, counts);
        }
        return counts;
    }

    private void decompose(long pfn, int order, long[] counts) {
        long end = pfn + (1L << order);
        if (end <= startPfn || pfn >= endPfn) {
            return;
        }
        if (whollyFree(pfn, order)) {
            counts[order]++;
            return;
        }
        if (order == 0) {
            return;
        }
        decompose(pfn, order - 1, counts);
        decompose(pfn + (1L << (order - 1)), order - 1, counts);
    }

    /** Returns true when some naturally aligned block of {@code order} inside the zone is wholly free. */
    boolean fits(int order) {
        long[] layout = canonicalLayout();
        for (int k = order; k <= maxOrder; k++) {
            if (layout[k] > 0) {
                return true;
            }
        }
        return false;
    }

    /** Describes the free frames around {@code pfn} for a report: {@code frames 8..11 free, 12 live}. */
    String neighbourhood(long pfn) {
        StringBuilder out = new StringBuilder();
        long from = Math.max(startPfn, pfn - 4);
        long to = Math.min(endPfn, pfn + 5);
        for (long p = from; p < to; p++) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(p).append(liveCount[(int) (p - startPfn)] == 0 ? ":free" : ":live");
        }
        return out.toString();
    }
}
