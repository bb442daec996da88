package org.kmemlab.bench;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageSource;

/**
 * A page source for the bucket benchmarks: naturally aligned blocks cut from the machine's RAM above
 * 16 MiB (below it for {@code __GFP_DMA}) by a bump pointer per zone, and a LIFO stack of returned
 * blocks per order, so a benchmark that frees and re-takes pages does so in O(1) without allocating.
 * It never merges blocks: it measures the bucket allocator, not a page allocator.
 */
final class BucketBenchPageSource implements PageSource {

    private static final int MAX_ORDER = 10;
    private static final int STACK = 1 << 14;

    private final Machine machine;
    private final long[][] returned = new long[2 * (MAX_ORDER + 1)][STACK];
    private final int[] returnedCount = new int[2 * (MAX_ORDER + 1)];
    private final long dmaLimitPfn;
    private long nextDmaPfn;
    private long nextPfn;

    BucketBenchPageSource(Machine machine) {
        this.machine = machine;
        this.dmaLimitPfn = Math.min(machine.frames(), MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT);
        this.nextDmaPfn = (2L << 20) >>> MachineProfile.PAGE_SHIFT;
        this.nextPfn = dmaLimitPfn;
    }

    @Override
    public long getFreePages(int gfp, int order) {
        Checks.requireArgument(order >= 0 && order <= MAX_ORDER, "order %d outside 0..10", (long) order);
        boolean dma = (gfp & Gfp.__GFP_DMA) != 0 || nextPfn >= machine.frames();
        int stack = (dma ? MAX_ORDER + 1 : 0) + order;
        if (returnedCount[stack] > 0) {
            return returned[stack][--returnedCount[stack]];
        }
        long step = 1L << order;
        long pfn = ((dma ? nextDmaPfn : nextPfn) + step - 1) & -step;
        if (pfn + step > (dma ? dmaLimitPfn : machine.frames())) {
            return 0;
        }
        if (dma) {
            nextDmaPfn = pfn + step;
        } else {
            nextPfn = pfn + step;
        }
        return machine.pfnToVirt(pfn);
    }

    @Override
    public void freePages(long addr, int order) {
        boolean dma = machine.pa(addr) < MachineProfile.MAX_DMA_ADDRESS;
        int stack = (dma ? MAX_ORDER + 1 : 0) + order;
        if (returnedCount[stack] == STACK) {
            throw new IllegalStateException(Checks.format("more than %d returned blocks of order %d", STACK, order));
        }
        returned[stack][returnedCount[stack]++] = addr;
    }
}
