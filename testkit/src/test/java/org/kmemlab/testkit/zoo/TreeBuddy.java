package org.kmemlab.testkit.zoo;

import java.util.Arrays;
import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * A third correct page allocator, unlike {@link ListBuddy} (free lists) and {@link BitmapBuddy}
 * (bitmaps): the <em>tree</em> buddy. The frames are covered by naturally aligned superblocks of
 * {@code 2^maxOrder} frames; each superblock is a complete binary tree whose node holds the order of the
 * largest free block below it, plus one ({@code 0}: nothing free). Allocation walks down from a root
 * whose value is large enough, always to the left child that still fits, so it returns the lowest
 * fitting block of the first superblock that has one and marks the block's subtree used; freeing marks
 * it free again and recomputes its ancestors, and two fully free children make a fully free parent:
 * coalescing falls out of the update. On the 2.0 era the walk tries the right child first, so a split
 * hands out the top of the block (rule page.linux20-expand).
 * Frames of a superblock outside the zone are marked used at creation and never freed.
 *
 * <p>buddyinfo is computed, not counted: a free block of order {@code k} is a fully free node whose
 * parent is not fully free (or a fully free root).
 */
final class TreeBuddy implements PageAllocator {

    private final long start;
    private final long end;
    private final int maxOrder;
    /** True on the 2.0 era: the walk goes right first, so a split hands out the top half. */
    private final boolean topHalf;
    private final long base;
    /** Per superblock, the tree in heap order: node 1 the root (order maxOrder), node i's children 2i, 2i+1. */
    private final byte[][] trees;
    /** Per frame from {@link #base}: the order of the live block that starts there, or -1. */
    private final byte[] liveOrder;
    private long freeFrames;

    TreeBuddy(PageAllocatorConfig config) {
        this.start = config.startPfn();
        this.end = config.startPfn() + config.frames();
        this.maxOrder = config.maxOrder();
        this.topHalf = config.handsOutTopHalf();
        long size = 1L << maxOrder;
        this.base = start & -size;
        long top = (end + size - 1) & -size;
        int superblocks = (int) ((top - base) / size);
        this.trees = new byte[superblocks][(int) (2 * size)];
        this.liveOrder = new byte[(int) (top - base)];
        Arrays.fill(liveOrder, (byte) -1);
        for (byte[] tree : trees) {
            fill(tree, 1, maxOrder);
        }
        for (long pfn = base; pfn < top; pfn++) {
            if (pfn < start || pfn >= end) {
                take(pfn, 0); // outside the zone: used for ever
            }
        }
        this.freeFrames = end - start;
    }

    /** Marks the subtree at {@code node} (a block of {@code order}) fully free. */
    private static void fill(byte[] tree, int node, int order) {
        tree[node] = (byte) (order + 1);
        if (order > 0) {
            fill(tree, 2 * node, order - 1);
            fill(tree, 2 * node + 1, order - 1);
        }
    }

    /** Marks the subtree at {@code node} used: no node below an allocated block may look free. */
    private static void clear(byte[] tree, int node) {
        tree[node] = 0;
        if (2 * node < tree.length) {
            clear(tree, 2 * node);
            clear(tree, 2 * node + 1);
        }
    }

    /** The node of the order-{@code order} block at {@code pfn} in its superblock's tree. */
    private int node(long pfn, int order) {
        long offset = (pfn - base) & ((1L << maxOrder) - 1);
        return (int) ((1L << (maxOrder - order)) + (offset >> order));
    }

    private byte[] tree(long pfn) {
        return trees[(int) ((pfn - base) >> maxOrder)];
    }

    /** Marks the block used (its node 0) and updates the ancestors. */
    private void take(long pfn, int order) {
        byte[] tree = tree(pfn);
        int node = node(pfn, order);
        tree[node] = 0;
        update(tree, node, order);
    }

    private void update(byte[] tree, int node, int order) {
        for (int k = order + 1; node > 1; k++) {
            node >>= 1;
            byte left = tree[2 * node];
            byte right = tree[2 * node + 1];
            tree[node] = left == k && right == k ? (byte) (k + 1) : (byte) Math.max(left, right);
        }
    }

    @Override
    public long startPfn() {
        return start;
    }

    @Override
    public long frames() {
        return end - start;
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
        for (int t = 0; t < trees.length; t++) {
            byte[] tree = trees[t];
            if (tree[1] < order + 1) {
                continue;
            }
            int node = 1;
            for (int k = maxOrder; k > order; k--) {
                int first = topHalf ? 2 * node + 1 : 2 * node;
                node = tree[first] >= order + 1 ? first : first ^ 1;
            }
            long pfn = base + ((long) t << maxOrder) + ((long) (node - (1 << (maxOrder - order))) << order);
            clear(tree, node);
            update(tree, node, order);
            liveOrder[(int) (pfn - base)] = (byte) order;
            freeFrames -= 1L << order;
            return pfn;
        }
        return NO_PAGE;
    }

    @Override
    public void free(long pfn, int order) {
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        if (pfn < start || pfn + (1L << order) > end) {
            throw BadPageStateBug.outOfRange(pfn, order, start, end);
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            throw BadPageStateBug.misaligned(pfn, order);
        }
        int allocated = liveOrder[(int) (pfn - base)];
        if (allocated < 0) {
            long head = headOf(pfn);
            if (head < 0) {
                throw BadPageStateBug.alreadyFree(pfn, order);
            }
            throw BadPageStateBug.notBlockStart(pfn, order, head, liveOrder[(int) (head - base)]);
        }
        if (allocated != order) {
            throw BadPageStateBug.wrongOrder(pfn, order, allocated);
        }
        liveOrder[(int) (pfn - base)] = -1;
        byte[] tree = tree(pfn);
        int node = node(pfn, order);
        fill(tree, node, order);
        update(tree, node, order);
        freeFrames += 1L << order;
    }

    /** The first frame of the live block holding {@code pfn}, or -1 when none does. */
    private long headOf(long pfn) {
        for (int k = 1; k <= maxOrder; k++) {
            long head = pfn & -(1L << k);
            if (head >= start && liveOrder[(int) (head - base)] == k) {
                return head;
            }
        }
        return -1;
    }

    @Override
    public long freeFrames() {
        return freeFrames;
    }

    @Override
    public long freeBlocks(int order) {
        Checks.requireArgument(order >= 0 && order <= maxOrder, "order %d is outside 0..%d", order, maxOrder);
        long count = 0;
        int first = 1 << (maxOrder - order);
        for (byte[] tree : trees) {
            for (int node = first; node < 2 * first; node++) {
                if (tree[node] == order + 1 && (node == 1 || tree[node >> 1] != order + 2)) {
                    count++;
                }
            }
        }
        return count;
    }

    @Override
    public void checkInvariants() {
        long free = 0;
        for (int k = 0; k <= maxOrder; k++) {
            free += freeBlocks(k) << k;
        }
        Checks.requireState(free == freeFrames, "the trees hold %d free frames, the counter says %d", free,
                freeFrames);
    }
}
