package org.kmemlab.api.spi;

import java.util.List;
import org.kmemlab.api.stats.ZoneStats;

/**
 * The zoned page allocator: one {@link PageAllocator} per run of free frames of each zone, watermarks,
 * the zonelist fallback and the GFP policy. This is where {@code GFP_KERNEL}, {@code GFP_ATOMIC} and
 * {@code GFP_DMA} behave differently. A reference implementation lives in module
 * {@code org.kmemlab.dmazone}.
 *
 * <h2>Requirements</h2>
 * <ul>
 *   <li><b>Boot.</b> At creation the allocator MUST retire the machine's boot memory and give every frame
 *       of its {@code freeRanges()} to page allocators created through the configured provider; reserved
 *       frames are never handed out.</li>
 *   <li><b>Zones.</b> A request is served from the highest zone its gfp allows ({@code Gfp.highestZone}) or
 *       a lower one: a {@code GFP_DMA} request MUST come from ZONE_DMA, a {@code GFP_DMA32} request from
 *       DMA32 or DMA, any other from Normal, DMA32 or DMA, tried in that order.</li>
 *   <li><b>Watermarks.</b> A zone serves a request only while its free pages stay above a watermark plus
 *       the zone's {@code lowmem_reserve} for the requesting zone. {@code __GFP_HIGH} MAY go down to half of
 *       the min mark, {@code GFP_ATOMIC} (high and unable to block) to 3/8 of it; {@code GFP_NOWAIT} gets no
 *       reserve.</li>
 *   <li><b>Sleeping.</b> {@code allocPages} with a gfp that allows blocking MUST call
 *       {@code machine.context().mightSleep(...)} first, so that it raises
 *       {@link org.kmemlab.api.bug.SleepInAtomicBug} in atomic context even when memory is plentiful.
 *       Such a request MUST run the registered {@link Shrinker}s (direct reclaim) before it fails, and
 *       MAY then wait a bounded time for memory to be freed; {@code __GFP_NORETRY} gives up after one
 *       reclaim pass without waiting; {@code __GFP_NOFAIL} never fails. A request that cannot block MUST
 *       NOT wait.</li>
 *   <li><b>Failure.</b> An allocation that cannot be served returns {@link PageAllocator#NO_PAGE}, never
 *       throws, and (unless {@code __GFP_NOWARN}) logs {@code page allocation failure: order:N,
 *       mode:0x…(GFP_…)} to dmesg followed by the zones' free counts. Reports MAY be rate-limited as the
 *       kernel's {@code warn_alloc} is, but the first failure after a quiet period MUST be logged.</li>
 *   <li><b>Freeing.</b> {@link #freePages(long, int)} MUST route the block to the page allocator that owns
 *       it and raise {@link org.kmemlab.api.bug.KernelBug} for a block that is not live, as
 *       {@link PageAllocator#free} does.</li>
 *   <li><b>Reports.</b> {@link #zoneinfo()} MUST be exact for every zone of the machine, empty ones
 *       included.</li>
 *   <li><b>Concurrency.</b> Unlike the other SPIs, a zone allocator MUST be safe for concurrent use (a
 *       lock per zone), and a waiting allocation MUST wait on a condition, not spin.</li>
 * </ul>
 */
public interface ZoneAllocator {

    /**
     * Allocates {@code 2^order} contiguous, naturally aligned frames according to {@code gfp}.
     *
     * @param gfp the allocation flags ({@link org.kmemlab.api.Gfp})
     * @param order the block size as a power of two of frames
     * @return the first pfn of the block, or {@link PageAllocator#NO_PAGE}
     * @throws org.kmemlab.api.bug.SleepInAtomicBug when {@code gfp} may sleep and the caller is atomic
     */
    long allocPages(int gfp, int order);

    /**
     * Frees a block returned by {@link #allocPages(int, int)}.
     *
     * @throws org.kmemlab.api.bug.KernelBug when the block is not live or the order is wrong
     */
    void freePages(long pfn, int order);

    /** Returns the number of free frames in all zones. */
    long freeFrames();

    /** Returns one {@code /proc/zoneinfo} record per zone of the machine, lowest first. */
    List<ZoneStats> zoneinfo();

    /** Adds a shrinker that reclaim may call. */
    void registerShrinker(Shrinker shrinker);

    /** Removes a shrinker; does nothing when it is not registered. */
    void unregisterShrinker(Shrinker shrinker);

    /**
     * Checks the allocator's invariants (and those of its page allocators) and throws
     * {@link IllegalStateException} describing the first one broken. The default checks nothing.
     */
    default void checkInvariants() {
    }
}
