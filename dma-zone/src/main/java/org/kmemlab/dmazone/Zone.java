package org.kmemlab.dmazone;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.kmemlab.api.Checks;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.stats.ZoneStats;

/**
 * One zone: its span, the page allocators of its free ranges, its free-page counter, its watermarks and
 * the lock that serialises all of them ({@code zone->lock}).
 *
 * <h2>Overview for maintainers</h2>
 * A zone owns zero, one or several page allocators, one per run of frames that boot memory left free
 * (the i386 profile has two in ZONE_DMA: 4 KiB … 640 KiB, and everything behind the kernel image and
 * {@code mem_map}). The runs are sorted and disjoint, so a freed pfn finds its allocator by binary
 * search over {@link #rangeStart} without allocating anything.
 *
 * <p>Invariant, under {@link #lock}: {@link #free} equals the sum of the page allocators'
 * {@code freeFrames()}. {@code free} is also volatile so that {@link DmaZoneAllocator#freeFrames()}
 * and the reclaim heuristics may read it without the lock; every decision that hands out a page reads it
 * with the lock held.
 */
final class Zone {

    final ZoneType type;
    /** This zone's position in the machine's zone list (the kernel's {@code zone_idx}). */
    final int index;
    final ZoneSpan span;
    final long managed;
    final int maxOrder;
    final long min;
    final long low;
    final long high;
    final long promo;
    /** {@code lowmem_reserve[j]}: pages kept back from requests whose highest zone has index j. */
    private final long[] lowmemReserve;

    private final PageAllocator[] allocators;
    private final long[] rangeStart;
    private final long[] rangeEnd;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long free;

    /**
     * Creates a zone whose page allocators are already created, all free, sorted by start pfn and disjoint.
     */
    Zone(int index, ZoneSpan span, List<PageAllocator> allocators, long managed, int maxOrder,
         Watermarks.Marks marks) {
        this.type = span.type();
        this.index = index;
        this.span = span;
        this.managed = managed;
        this.maxOrder = maxOrder;
        this.min = marks.min();
        this.low = marks.low();
        this.high = marks.high();
        this.promo = marks.promo();
        this.lowmemReserve = marks.protection();
        this.allocators = allocators.toArray(new PageAllocator[0]);
        this.rangeStart = new long[this.allocators.length];
        this.rangeEnd = new long[this.allocators.length];
        long frames = 0;
        for (int i = 0; i < this.allocators.length; i++) {
            PageAllocator a = this.allocators[i];
            rangeStart[i] = a.startPfn();
            rangeEnd[i] = a.startPfn() + a.frames();
            Checks.requireState(i == 0 || rangeStart[i] >= rangeEnd[i - 1],
                    "free ranges of zone %s overlap or are unsorted at pfn %d", type, rangeStart[i]);
            Checks.requireState(span.contains(rangeStart[i]) && rangeEnd[i] <= span.endPfn(),
                    "free range [%d, %d) lies outside zone %s", rangeStart[i], rangeEnd[i], type);
            Checks.requireState(a.freeFrames() == a.frames(),
                    "a new page allocator for zone %s reports %d free frames of %d", type, a.freeFrames(),
                    a.frames());
            frames += a.frames();
        }
        Checks.requireState(frames == managed, "zone %s has %d free frames after boot but manages %d",
                type, frames, managed);
        this.free = frames;
    }

    /** Returns true when the zone has no page to give (no free range at all). */
    boolean isEmpty() {
        return allocators.length == 0;
    }

    /** Returns the free pages now (exact, possibly stale by the time the caller looks). */
    long free() {
        return free;
    }

    /** Returns {@code lowmem_reserve[requested]}. */
    long lowmemReserve(int requested) {
        return lowmemReserve[requested];
    }

    /**
     * Takes a block of {@code 2^order} frames if the zone's free pages, less the pages the block would
     * take beyond its first, stay above {@code mark} (today's rule; Linux 2.0 compared the free count
     * alone, see {@link #allocateAsLinux20}). This is the check and the take in one critical section, so
     * two threads cannot both pass the check for the last page above the mark.
     *
     * @param mark the watermark plus lowmem_reserve the request must stay above, or
     *             {@link DmaZoneAllocator#NO_WATERMARK} for none at all
     * @return the first pfn, or {@code NO_PAGE}
     */
    long allocate(int order, long mark) {
        if (allocators.length == 0) {
            return PageAllocator.NO_PAGE;
        }
        lock.lock();
        try {
            if (mark != DmaZoneAllocator.NO_WATERMARK && free - ((1L << order) - 1) <= mark) {
                return PageAllocator.NO_PAGE;
            }
            for (PageAllocator a : allocators) {
                long pfn = take(a, order);
                if (pfn != PageAllocator.NO_PAGE) {
                    return pfn;
                }
            }
            return PageAllocator.NO_PAGE;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a block from one page allocator and counts it; lock held. */
    private long take(PageAllocator a, int order) {
        long pfn = a.allocate(order);
        if (pfn != PageAllocator.NO_PAGE) {
            free -= 1L << order;
        }
        return pfn;
    }

    /**
     * Takes a block as Linux 2.0's {@code RMQUEUE} took it from its one set of free lists
     * ({@code mm/page_alloc.c}, tag 2.0): the smallest order at or above {@code order} that has a free
     * block, and the block at the head of that list, with no watermark (2.0's reserve check is the
     * caller's). 2.0's lists were LIFO and, after {@code mem_init} had freed memory upwards, ran from the
     * highest block down; this zone keeps one page allocator per free range, so it takes from the highest
     * range that has a block of that order, and the reference buddy keeps each list highest first on this
     * era. (After frees 2.0 took the block freed last wherever it lay; the ranges here are tried from the
     * top regardless.)
     *
     * @return the first pfn, or {@code NO_PAGE}
     */
    long allocateAsLinux20(int order) {
        lock.lock();
        try {
            for (int j = order; j <= maxOrder; j++) {
                for (int i = allocators.length - 1; i >= 0; i--) {
                    long pfn = allocators[i].freeBlocks(j) > 0 ? take(allocators[i], order) : PageAllocator.NO_PAGE;
                    if (pfn != PageAllocator.NO_PAGE) {
                        return pfn;
                    }
                }
            }
            return PageAllocator.NO_PAGE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees a block into the page allocator whose range holds {@code pfn}.
     *
     * @throws BadPageStateBug when no free range of this zone holds pfn (reserved boot memory), or as the
     *         page allocator throws for a block that is not live; the zone is unchanged then
     */
    void free(long pfn, int order) {
        int i = rangeOf(pfn);
        if (i == NO_RANGE) {
            throw new BadPageStateBug(pfn, order,
                    Checks.format("freeing pfn %d order %d in zone %s, but that frame was reserved at boot"
                            + " and was never handed to the page allocator", pfn, order, type.procName()),
                    "free only a pfn that alloc_pages() returned; boot memory (kernel image, mem_map)"
                            + " can never be freed");
        }
        lock.lock();
        try {
            allocators[i].free(pfn, order);
            free += 1L << order;
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #rangeOf} returns for a pfn that no free range of the zone holds (boot memory). */
    private static final int NO_RANGE = -1;

    /** Returns the index of the range holding {@code pfn}, or {@link #NO_RANGE}: binary search, allocation free. */
    private int rangeOf(long pfn) {
        int lo = 0;
        int hi = rangeStart.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pfn < rangeStart[mid]) {
                hi = mid - 1;
            } else if (pfn >= rangeEnd[mid]) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return NO_RANGE;
    }

    /** Returns the zone's figures, read under the lock so free and the buddyinfo row agree. */
    ZoneStats stats() {
        long[] blocks = new long[maxOrder + 1];
        long freeNow;
        lock.lock();
        try {
            freeNow = free;
            for (PageAllocator a : allocators) {
                for (int order = 0; order <= Math.min(maxOrder, a.maxOrder()); order++) {
                    blocks[order] += a.freeBlocks(order);
                }
            }
        } finally {
            lock.unlock();
        }
        return new ZoneStats(0, type, span.startPfn(), span.frames(), span.frames(), managed, freeNow,
                min, low, high, promo, lowmemReserve, blocks);
    }

    /**
     * Checks that the free counter matches the page allocators and their buddyinfo rows, and runs each
     * allocator's own checks.
     *
     * @throws IllegalStateException describing the first broken invariant
     */
    void checkInvariants() {
        lock.lock();
        try {
            long frames = 0;
            long fromBlocks = 0;
            for (PageAllocator a : allocators) {
                a.checkInvariants();
                long aFree = a.freeFrames();
                Checks.requireState(aFree >= 0 && aFree <= a.frames(),
                        "zone %s: the page allocator of [%d, %d) reports %d free frames of %d",
                        type.procName(), a.startPfn(), a.startPfn() + a.frames(), aFree, a.frames());
                frames += aFree;
                for (int order = 0; order <= a.maxOrder(); order++) {
                    fromBlocks += a.freeBlocks(order) << order;
                }
            }
            Checks.requireState(frames == free, "zone %s: free counter %d but its page allocators report %d",
                    type.procName(), free, frames);
            Checks.requireState(fromBlocks == free, "zone %s: free counter %d but the buddyinfo row adds up to %d",
                    type.procName(), free, fromBlocks);
            Checks.requireState(free <= managed, "zone %s: %d free pages but only %d managed",
                    type.procName(), free, managed);
        } finally {
            lock.unlock();
        }
    }
}
