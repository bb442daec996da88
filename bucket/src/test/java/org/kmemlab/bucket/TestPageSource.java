package org.kmemlab.bucket;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageSource;

/**
 * A page source for tests: a first-fit bitmap over the frames of a machine from 1 MiB up, naturally
 * aligned blocks, ZONE_DMA (below 16 MiB) only for {@code __GFP_DMA} and the frames above 16 MiB first
 * for everything else, a switch that makes it fail, an optional page budget, and a log of every call.
 * It does not depend on the buddy module.
 */
final class TestPageSource implements PageSource {

    /** One call of {@link #getFreePages}. */
    record Request(int gfp, int order, long address) {
    }

    private final Machine machine;
    private final BitSet used = new BitSet();
    private final Map<Long, Integer> outstanding = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final long firstPfn;
    private final long dmaEndPfn;
    private boolean failing;
    private long limit = Long.MAX_VALUE;
    private long frees;

    TestPageSource(Machine machine) {
        this.machine = machine;
        this.firstPfn = (1L << 20) >>> MachineProfile.PAGE_SHIFT;
        this.dmaEndPfn = Math.min(machine.frames(), MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT);
    }

    /** Boots a default i386 Linux 2.0 machine (16 MiB) and returns a page source over it. */
    static TestPageSource i386() {
        return new TestPageSource(Machine.boot(MachineProfile.I386_LINUX_2_0));
    }

    Machine machine() {
        return machine;
    }

    /** From now on every request fails (returns NULL) while {@code failing} is true. */
    void failing(boolean failing) {
        this.failing = failing;
    }

    /** Lets at most {@code pages} pages be out at a time. */
    void limit(long pages) {
        this.limit = pages;
    }

    List<Request> requests() {
        return requests;
    }

    /** Returns the pages handed out and not yet returned. */
    long pagesOutstanding() {
        long pages = 0;
        for (int order : outstanding.values()) {
            pages += 1L << order;
        }
        return pages;
    }

    long frees() {
        return frees;
    }

    @Override
    public long getFreePages(int gfp, int order) {
        if (failing || pagesOutstanding() + (1L << order) > limit) {
            return 0;
        }
        boolean dma = (gfp & Gfp.__GFP_DMA) != 0;
        long pfn = dma ? find(firstPfn, dmaEndPfn, order) : find(dmaEndPfn, machine.frames(), order);
        if (pfn < 0 && !dma) {
            pfn = find(firstPfn, dmaEndPfn, order);
        }
        if (pfn < 0) {
            return 0;
        }
        used.set((int) pfn, (int) (pfn + (1L << order)));
        long address = machine.pfnToVirt(pfn);
        outstanding.put(pfn, order);
        requests.add(new Request(gfp, order, address));
        return address;
    }

    private long find(long from, long to, int order) {
        long step = 1L << order;
        for (long pfn = (from + step - 1) & -step; pfn + step <= to; pfn += step) {
            int clear = used.nextSetBit((int) pfn);
            if (clear < 0 || clear >= pfn + step) {
                return pfn;
            }
        }
        return -1;
    }

    @Override
    public void freePages(long addr, int order) {
        long pfn = machine.virtToPfn(addr);
        Integer had = outstanding.get(pfn);
        if (had == null) {
            throw BadPageStateBug.alreadyFree(pfn, order);
        }
        if (had != order) {
            throw BadPageStateBug.wrongOrder(pfn, order, had);
        }
        outstanding.remove(pfn);
        used.clear((int) pfn, (int) (pfn + (1L << order)));
        frees++;
    }
}
