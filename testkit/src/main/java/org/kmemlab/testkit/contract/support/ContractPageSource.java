package org.kmemlab.testkit.contract.support;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.PageSource;

/**
 * The page source the object-allocator contract hands to the allocator under test: two pools of frames
 * on a booted {@link Machine}, one below 16 MiB for {@code __GFP_DMA} requests and one above it for the
 * rest, with a switch that makes every request fail.
 *
 * <p>It is also the contract's witness: it knows every block it handed out, with its order and pool, so
 * the contract can check that an object lies inside pages the allocator holds, that {@code GFP_DMA}
 * objects lie in DMA pages, that {@code shrink()} gave every empty page back, and that a failed
 * allocation neither kept nor returned a page. A return of pages it never handed out, or with the
 * wrong order, is recorded in {@link #violations()} (and raises {@link InvalidFreeBug}, as the real
 * {@code free_pages} would complain).
 *
 * <p>Blocks are handed out lowest address first from each pool. Not thread-safe.
 */
public final class ContractPageSource implements PageSource {

    private final Machine machine;
    private final Pool dma;
    private final Pool normal;
    private final TreeMap<Long, Block> outstanding = new TreeMap<>();
    /** The frames of the blocks in {@link #outstanding}, kept up to date (checks ask before every call). */
    private long outstandingPages;
    private final List<String> violations = new ArrayList<>();
    private boolean failing;
    private long requests;
    private long refusals;
    private long pagesReturned;
    private long blocksReturned;
    /** The gfp bits of the requests since {@link #takeRequestedGfp()}, ORed together. */
    private int requestedGfp;

    /**
     * A block handed out: its first frame, order and pool.
     *
     * @param pfn the first frame
     * @param order the order
     * @param dma true when it came from the DMA pool
     */
    public record Block(long pfn, int order, boolean dma) {

        /** Returns one past the last frame. */
        public long endPfn() {
            return pfn + (1L << order);
        }
    }

    /**
     * Creates a source with {@code dmaFrames} frames at {@code dmaStartPfn} and {@code normalFrames} at
     * {@code normalStartPfn}.
     *
     * @throws IllegalArgumentException when the DMA pool reaches above 16 MiB, the normal pool starts
     *         below it, or a pool leaves the machine's RAM
     */
    public ContractPageSource(Machine machine, long dmaStartPfn, long dmaFrames, long normalStartPfn,
                              long normalFrames) {
        this.machine = Checks.requireNonNull(machine, "machine");
        long dmaLimit = MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT;
        Checks.requireArgument(dmaStartPfn >= 0 && dmaStartPfn + dmaFrames <= dmaLimit,
                "the DMA pool [%d, %d) must lie below 16 MiB", dmaStartPfn, dmaStartPfn + dmaFrames);
        Checks.requireArgument(normalStartPfn >= dmaLimit && normalStartPfn + normalFrames <= machine.frames(),
                "the normal pool [%d, %d) must lie above 16 MiB and inside RAM", normalStartPfn,
                normalStartPfn + normalFrames);
        this.dma = new Pool(dmaStartPfn, dmaFrames);
        this.normal = new Pool(normalStartPfn, normalFrames);
    }

    /** Makes every following request fail (return NULL) while {@code on}. */
    public void setFailing(boolean on) {
        this.failing = on;
    }

    /** Returns true while every request fails. */
    public boolean failing() {
        return failing;
    }

    @Override
    public long getFreePages(int gfp, int order) {
        requests++;
        requestedGfp |= gfp;
        boolean wantDma = (gfp & Gfp.__GFP_DMA) != 0;
        long pfn = failing || order < 0 || order > 20 ? -1 : (wantDma ? dma : normal).take(order);
        if (pfn < 0) {
            refusals++;
            return 0;
        }
        outstanding.put(pfn, new Block(pfn, order, wantDma));
        outstandingPages += 1L << order;
        return machine.pfnToVirt(pfn);
    }

    @Override
    public void freePages(long addr, int order) {
        long pfn = machine.isDirectMapped(addr) ? machine.virtToPfn(addr) : -1;
        Block block = pfn < 0 ? null : outstanding.get(pfn);
        boolean pageAligned = (addr & (machine.pageSize() - 1)) == 0;
        if (block == null || !pageAligned || block.order() != order) {
            String what = block == null || !pageAligned
                    ? Checks.format("freePages(0x%x, order %d) returned pages this source never handed out"
                            + " (or already took back)", addr, order)
                    : Checks.format("freePages(0x%x, order %d) returned an order-%d block with the wrong order",
                            addr, order, block.order());
            violations.add(what);
            throw InvalidFreeBug.of("BUG: Bad page state: " + what, "",
                    "return pages with the address and order getFreePages gave you, once", addr);
        }
        outstanding.remove(pfn);
        outstandingPages -= 1L << order;
        (block.dma() ? dma : normal).give(block);
        pagesReturned += 1L << order;
        blocksReturned++;
    }

    /** Returns the block holding the direct-map range {@code [addr, addr + length)} entirely, or null. */
    public Block blockHolding(long addr, long length) {
        if (!machine.isDirectMapped(addr) || length <= 0 || !machine.isDirectMapped(addr + length - 1)) {
            return null;
        }
        long first = machine.virtToPfn(addr);
        long last = machine.virtToPfn(addr + length - 1);
        Map.Entry<Long, Block> e = outstanding.floorEntry(first);
        return e != null && e.getValue().endPfn() > last ? e.getValue() : null;
    }

    /** Returns the blocks handed out and not yet returned, lowest first. */
    public List<Block> outstanding() {
        return new ArrayList<>(outstanding.values());
    }

    /** Returns the number of frames handed out and not yet returned. */
    public long outstandingPages() {
        return outstandingPages;
    }

    /** Returns the direct-map address of a frame of the {@code dma} or normal pool that is not handed out, or 0. */
    public long unownedPage(boolean inDmaPool) {
        long pfn = (inDmaPool ? dma : normal).firstFree();
        return pfn < 0 ? 0 : machine.pfnToVirt(pfn);
    }

    /** Returns the number of frames in the DMA pool ({@code dma}) or the normal pool. */
    public long poolFrames(boolean inDmaPool) {
        return (inDmaPool ? dma : normal).frames;
    }

    /** Returns how many requests were made. */
    public long requests() {
        return requests;
    }

    /**
     * Returns the gfp bits of every request since the last call, ORed together (0 when none was made), and
     * starts collecting again: a contract calls it before and after one allocation to see what the
     * allocator asked the page allocator to allow on that allocation's behalf.
     */
    public int takeRequestedGfp() {
        int gfp = requestedGfp;
        requestedGfp = 0;
        return gfp;
    }

    /** Returns how many requests were refused (pool exhausted or failure switch on). */
    public long refusals() {
        return refusals;
    }

    /** Returns how many frames were returned through {@link #freePages}. */
    public long pagesReturned() {
        return pagesReturned;
    }

    /** Returns how many blocks were returned through {@link #freePages}. */
    public long blocksReturned() {
        return blocksReturned;
    }

    /** Returns the wrong returns seen so far, in plain words. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Returns the frames of the DMA pool and of the normal pool, for reports. */
    public String describe() {
        return dma.frames + " DMA + " + normal.frames + " normal pages";
    }

    /** A run of frames handed out lowest-aligned-first. */
    private static final class Pool {
        private final long start;
        private final long frames;
        private final BitSet used = new BitSet();

        Pool(long start, long frames) {
            this.start = start;
            this.frames = frames;
        }

        long take(int order) {
            long size = 1L << order;
            long first = (start + size - 1) & -size;
            for (long pfn = first; pfn + size <= start + frames; pfn += size) {
                int from = (int) (pfn - start);
                int next = used.nextSetBit(from);
                if (next < 0 || next >= from + size) {
                    used.set(from, (int) (from + size));
                    return pfn;
                }
            }
            return -1;
        }

        void give(Block block) {
            used.clear((int) (block.pfn() - start), (int) (block.endPfn() - start));
        }

        long firstFree() {
            int free = used.nextClearBit(0);
            return free < frames ? start + free : -1;
        }
    }
}
