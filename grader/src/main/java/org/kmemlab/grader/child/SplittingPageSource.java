package org.kmemlab.grader.child;

import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.PageSource;

/**
 * The page source the object-allocator workload runs on: naturally aligned blocks carved from all of
 * the machine's RAM, one free stack per order, split on demand and never merged.
 *
 * <p>It is deliberately simple and fast, so that a workload's time is the object allocator's, not the
 * page source's; it is the same for the submission and the reference. Blocks come back to the stack of
 * their order and are reused from there.
 */
final class SplittingPageSource implements PageSource {

    private static final int MAX_ORDER = 10;

    private final Machine machine;
    private final long[][] stacks = new long[MAX_ORDER + 1][];
    private final int[] depth = new int[MAX_ORDER + 1];

    SplittingPageSource(Machine machine) {
        this.machine = machine;
        long frames = machine.frames();
        for (int order = 0; order <= MAX_ORDER; order++) {
            stacks[order] = new long[(int) Math.max(16, frames >> order)];
        }
        // Frame 0 stays unused so that no block starts at physical address 0.
        for (long pfn = 1L << MAX_ORDER; pfn + (1L << MAX_ORDER) <= frames; pfn += 1L << MAX_ORDER) {
            push(MAX_ORDER, pfn);
        }
    }

    @Override
    public long getFreePages(int gfp, int order) {
        if (order < 0 || order > MAX_ORDER) {
            return 0;
        }
        int from = order;
        while (from <= MAX_ORDER && depth[from] == 0) {
            from++;
        }
        if (from > MAX_ORDER) {
            return 0;
        }
        long pfn = stacks[from][--depth[from]];
        while (from > order) {
            from--;
            push(from, pfn + (1L << from));
        }
        return machine.pfnToVirt(pfn);
    }

    @Override
    public void freePages(long addr, int order) {
        push(order, machine.virtToPfn(addr));
    }

    private void push(int order, long pfn) {
        stacks[order][depth[order]++] = pfn;
    }
}
