package org.kmemlab.kmalloc;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.ZoneAllocator;

/**
 * The object allocator's supply of pages: {@code __get_free_pages} for slab pages, over the zone
 * allocator, tagging every frame it hands out as {@link FrameTable#SLAB}.
 *
 * <h2>Never sleep with the slab lock held</h2>
 * The object allocator is called with kmalloc's object lock held (it need not be thread-safe). If a
 * {@code GFP_KERNEL} request reached the zone allocator from inside that lock, reclaim could wait up to
 * {@code maxWait} while every other thread's kmalloc queued behind the lock, and a shrinker that needs
 * the lock would deadlock. So this source first tries without {@code __GFP_DIRECT_RECLAIM}. When that
 * fails it returns NULL and remembers what it wanted ({@link #takeWanted()}); kmalloc then drops the
 * lock, gets that block with the caller's full gfp (reclaiming, waiting), {@link #stash stashes} it and
 * asks the object allocator again, which now finds the stashed block. SLUB drops its locks around the
 * page allocator for the same reason.
 *
 * <p>Each shard of the object allocator ({@link AllocatorShards}) has its own source, which writes the
 * shard's number into every frame it hands out. Every method is called with that shard's lock held.
 */
final class KernelPageSource implements PageSource {

    private final Machine machine;
    private final ZoneAllocator zones;
    private final FrameTable frames;
    private final int shard;
    private long slabPages;
    private long stashPfn = PageAllocator.NO_PAGE;
    private int stashOrder;
    private int wantedGfp;
    private int wantedOrder = -1;

    KernelPageSource(Machine machine, ZoneAllocator zones, FrameTable frames, int shard) {
        this.machine = machine;
        this.zones = zones;
        this.frames = frames;
        this.shard = shard;
    }

    @Override
    public long getFreePages(int gfp, int order) {
        long pfn = PageAllocator.NO_PAGE;
        if (stashPfn != PageAllocator.NO_PAGE && stashOrder == order
                && frames.zoneIndex(stashPfn) <= Gfp.highestZone(gfp).ordinal()) {
            pfn = stashPfn;
            stashPfn = PageAllocator.NO_PAGE;
        } else {
            boolean blocking = Gfp.allowsBlocking(gfp);
            int tryGfp = blocking
                    ? (gfp & ~(Gfp.__GFP_DIRECT_RECLAIM | Gfp.__GFP_ZERO | Gfp.__GFP_NOFAIL)) | Gfp.__GFP_NOWARN
                    : gfp & ~Gfp.__GFP_ZERO;
            pfn = zones.allocPages(tryGfp, order);
            if (pfn == PageAllocator.NO_PAGE) {
                if (blocking) {
                    wantedGfp = gfp & ~Gfp.__GFP_ZERO;
                    wantedOrder = order;
                }
                return 0;
            }
        }
        frames.setShard(pfn, order, shard);
        frames.makeSlab(pfn, order);
        slabPages += 1L << order;
        long addr = machine.pfnToVirt(pfn);
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(machine.pfnToPhys(pfn), machine.pageSize() << order, (byte) 0);
        }
        return addr;
    }

    @Override
    public void freePages(long addr, int order) {
        if (!machine.isDirectMapped(addr) || (addr & (machine.pageSize() - 1)) != 0) {
            throw InvalidFreeBug.of("BUG: free_pages of 0x" + Long.toHexString(addr) + " by the object allocator",
                    "INFO: the address is not the start of a page in the direct map",
                    "give back exactly the address getFreePages returned", addr);
        }
        long pfn = machine.virtToPfn(addr);
        if (frames.tag(pfn) != FrameTable.SLAB || frames.order(pfn) == FrameTable.NOT_A_HEAD) {
            throw new BadPageStateBug(pfn, order, "the object allocator freed pfn " + pfn
                    + ", which is not the first page of a slab block it got from its page source",
                    "give back exactly the address getFreePages returned, once");
        }
        if (frames.order(pfn) != order) {
            throw BadPageStateBug.wrongOrder(pfn, order, frames.order(pfn));
        }
        frames.releaseSlab(pfn, order);
        slabPages -= 1L << order;
        zones.freePages(pfn, order);
    }

    /** Returns the pages held by the object allocator now (meminfo's {@code Slab}). */
    long slabPages() {
        return slabPages;
    }

    /** Forgets any block wanted by an earlier attempt; called before asking the object allocator. */
    void clearWanted() {
        wantedOrder = -1;
    }

    /**
     * Returns the order of the block the last attempt could not get without sleeping, or -1 when nothing
     * is wanted; {@link #wantedGfp()} gives its flags.
     */
    int takeWanted() {
        int order = wantedOrder;
        wantedOrder = -1;
        return order;
    }

    /** Returns the flags of the wanted block. */
    int wantedGfp() {
        return wantedGfp;
    }

    /** Offers {@code pfn}, a block of {@code order} got outside the lock, to the next request of that order. */
    void stash(long pfn, int order) {
        releaseStash();
        stashPfn = pfn;
        stashOrder = order;
    }

    /** Gives a stashed block nobody took back to the zone allocator. */
    void releaseStash() {
        if (stashPfn != PageAllocator.NO_PAGE) {
            long pfn = stashPfn;
            stashPfn = PageAllocator.NO_PAGE;
            zones.freePages(pfn, stashOrder);
        }
    }
}
