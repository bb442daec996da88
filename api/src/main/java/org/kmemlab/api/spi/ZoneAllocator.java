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
 * Every rule carries an id in brackets; the testkit's {@code ZoneAllocatorContract} checks each one and a
 * failure report names the rule it broke.
 * <ul>
 *   <li><b>Boot.</b> [zone.boot] At creation the allocator MUST retire the machine's boot memory and give
 *       every frame of its {@code freeRanges()} to page allocators created through the configured provider.
 *       [zone.reserved] Reserved frames MUST never be handed out.
 *       [zone.block] {@link #allocPages(int, int)} MUST return the first pfn of a naturally aligned block of
 *       {@code 2^order} free frames inside RAM that overlaps no live block.</li>
 *   <li><b>Zones.</b> [zone.gfp-zones] A {@code GFP_DMA} request MUST come from ZONE_DMA, a
 *       {@code GFP_DMA32} request from DMA32 or DMA, any other from Normal, DMA32 or DMA.
 *       [zone.fallback-order] The zones a request may use MUST be tried highest first (the zonelist:
 *       Normal, then DMA32, then DMA), starting at the highest zone its gfp allows
 *       ({@code Gfp.highestZone}).</li>
 *   <li><b>Watermarks.</b> [zone.watermarks] A zone MUST serve a request only while its free pages stay
 *       above the request's watermark: {@code GFP_NOWAIT} and sleeping requests the low mark once they
 *       have reclaimed (min before), {@code __GFP_HIGH} down to half of the min mark, {@code GFP_ATOMIC}
 *       (high and unable to block) to 3/8 of it; none of them gets more.
 *       [zone.serves] A request MUST NOT fail while a zone it may use has a free block of its order and
 *       free pages above that zone's high watermark plus its largest {@code lowmem_reserve}.
 *       [zone.lowmem-reserve] The watermark check MUST add the zone's {@code lowmem_reserve} for the
 *       requesting zone (the highest zone the gfp allows), so that a fallback from a higher zone leaves the
 *       lower zone's protection alone.
 *       [zone.live-watermarks] Watermarks MAY change at run time (Linux's watermark boosting raises them
 *       after fragmentation events); every decision MUST follow the watermarks that {@link #zoneinfo()}
 *       shows at that moment.</li>
 *   <li><b>Sleeping.</b> [zone.might-sleep] {@code allocPages} with a gfp that allows blocking MUST call
 *       {@code machine.context().mightSleep(...)} first, so that it raises
 *       {@link org.kmemlab.api.bug.SleepInAtomicBug} in atomic context even when memory is plentiful.
 *       [zone.reclaim] Such a request MUST run the registered {@link Shrinker}s (direct reclaim) before it
 *       fails, and MAY then wait a bounded time for memory to be freed.
 *       [zone.noretry] A {@code __GFP_NORETRY} request MUST run reclaim exactly once and then give up
 *       without waiting.
 *       [zone.nofail] A {@code __GFP_NOFAIL} request MUST never fail: it waits until memory is freed.
 *       [zone.no-wait] A request that cannot block MUST NOT wait.
 *       [zone.unregister] Once {@link #unregisterShrinker} returns, reclaim MUST NOT call that shrinker
 *       again.</li>
 *   <li><b>Failure.</b> [zone.no-page] An allocation that cannot be served MUST return
 *       {@link PageAllocator#NO_PAGE}, never throw.
 *       [zone.failure-logged] Unless the gfp has {@code __GFP_NOWARN}, a failure MUST be logged to dmesg as
 *       {@code page allocation failure: order:N, mode:0x…(GFP_…)} followed by the zones' free counts;
 *       reports MAY be rate-limited as the kernel's {@code warn_alloc} is, but the first failure after a
 *       quiet period MUST be logged.
 *       [zone.nowarn] A failure with {@code __GFP_NOWARN} MUST NOT be logged.</li>
 *   <li><b>Freeing.</b> [zone.free] {@link #freePages(long, int)} MUST route the block to the page
 *       allocator that owns it, which frees it.
 *       [zone.bad-free] {@code freePages} MUST raise {@link org.kmemlab.api.bug.KernelBug} and change
 *       nothing for a block that is not live, as {@link PageAllocator#free} does.</li>
 *   <li><b>Reports.</b> [zone.zoneinfo] {@link #zoneinfo()} and {@link #freeFrames()} MUST be exact for
 *       every zone of the machine, empty ones included.</li>
 *   <li><b>Self-check.</b> [zone.self-check-sound] {@link #checkInvariants()} MUST throw only when one of
 *       the allocator's invariants is really broken.</li>
 *   <li><b>Linux 2.0.</b> The rules on zones, watermarks and failure reports above are today's kernel's;
 *       Linux 2.0 had no zones, only a page flag ({@code PG_DMA}, cleared at 16 MiB), one reserve for the
 *       whole machine and a page allocator that failed without a word.
 *       [zone.linux20-dma-flag] When the configured era is {@link org.kmemlab.api.Era#LINUX_2_0}, the
 *       allocator MUST decide as 2.0's {@code __get_free_pages} did, in place of the rules on zone order,
 *       zone watermarks, serving, lowmem_reserve and the failure report above (which are today's): a
 *       request without {@code __GFP_HIGH} MUST be served only while the free pages of all zones together
 *       exceed their min marks together (2.0's {@code min_free_pages}), one with {@code __GFP_HIGH} that may
 *       block (2.0's {@code GFP_NFS}) only while they exceed 5, and then, like a {@code __GFP_HIGH} request
 *       that cannot block (2.0's {@code GFP_ATOMIC}) at any time, MUST be served from any zone it may use
 *       that has a free block of its order (a request without {@code GFP_DMA} takes DMA-capable pages like
 *       any other, with no {@code lowmem_reserve}); a failure MUST NOT be logged.</li>
 *   <li><b>Concurrency.</b> [zone.concurrent] Unlike the other SPIs, a zone allocator MUST be safe for
 *       concurrent use (a lock per zone).
 *       [zone.wait-on-condition] A waiting allocation MUST wait on a condition, not spin: while it waits
 *       it uses (nearly) no CPU time.</li>
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
