package org.kmemlab.dmazone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.stats.ZoneStats;

/**
 * The reference {@link ZoneAllocator}: today's {@code __alloc_pages()} (or Linux 2.0's
 * {@code __get_free_pages()}) over one {@link Zone} per zone of the machine.
 *
 * <p>Read it as a lesson in this order: the essay "How watermarks decide" at the top of the class body
 * (which mark a request is compared with, what reclaim and waiting add, two worked examples), then the
 * ALLOC_* flags it names, then {@link #allocPages} (the fast path), {@link #mark} (the essay's table)
 * and {@link #slowPath} (the essay's steps 2 and 3, marked in the code). {@link Watermarks} computes the
 * marks themselves.
 *
 * <p>Thread-safe: each zone has its own lock, taken only around the zone's page allocators; reclaim and
 * waiting happen with no zone lock held. Allocation and free allocate no Java objects unless the request
 * has to reclaim, wait or report a failure.
 *
 * @see Watermarks for how the marks are computed
 */
final class DmaZoneAllocator implements ZoneAllocator {

    /*
     * How watermarks decide
     * =====================
     * Every zone keeps a few pages that ordinary requests may not take, so that the requests that cannot
     * wait -- an interrupt handler's GFP_ATOMIC, the reclaim path itself -- still find memory when the
     * machine is full. Three marks per zone say how few free pages are too few: min, low and high
     * (Watermarks computes them). A request passes a zone when
     *
     *     free - (2^order - 1)  >  mark + lowmem_reserve[highest zone the request allows]
     *
     * and the zone really has a free block of that order. The request walks its zonelist (Normal, DMA32,
     * DMA; GFP_DMA32 starts at DMA32; GFP_DMA at DMA) and takes the first zone that passes.
     *
     * Which mark applies is the whole GFP policy:
     *   1. Fast path: everybody is compared with LOW. Above low nobody has to think.
     *   2. Slow path: compared with MIN, lowered by the request's rights:
     *        __GFP_HIGH                          min - min/2
     *        __GFP_HIGH and cannot block         then a further quarter off: 3/8 of min (GFP_ATOMIC)
     *        GFP_NOWAIT, GFP_KERNEL              min itself: no reserve
     *        __GFP_MEMALLOC                      no mark at all
     *   3. A request that may sleep (__GFP_DIRECT_RECLAIM) now runs the shrinkers and tries again, pass
     *      after pass while they free something; when reclaim makes no progress it waits for another
     *      thread to free pages (any free wakes it to try again), up to maxWait in all;
     *      __GFP_NORETRY stops after one reclaim pass, __GFP_NOFAIL never stops. A request that cannot
     *      sleep fails here.
     *
     * Worked example, x86_64 with 1 GiB (Normal is empty, so GFP_KERNEL starts in DMA32):
     *   DMA32: min 991, low 1240, high 1489.   DMA: min 15, low 18, high 21, protection (0, 976, 976).
     *   free DMA32 = 2000  every request is served on the fast path (2000 > 1240).
     *   free DMA32 = 1100  the fast path fails; GFP_KERNEL passes at min (1100 > 991).
     *   free DMA32 =  800  GFP_KERNEL and GFP_NOWAIT fail in DMA32; __GFP_HIGH may go to 991-495 = 496,
     *                      GFP_ATOMIC to 496-124 = 372 (3/8 of 991). GFP_KERNEL falls back to DMA, which
     *                      serves it only while its free pages exceed 18 + 976 = 994 (fast path) or
     *                      15 + 976 = 991 (slow path): of DMA's 3840 pages 2849 can go to Normal
     *                      requests, the rest is kept for GFP_DMA, which pays no protection in its own
     *                      zone (lowmem_reserve[DMA] = 0). Only then does GFP_KERNEL reclaim.
     *
     * Worked example, i386 with 16 MiB under Linux 2.0 rules (all memory is ZONE_DMA, 3690 pages managed):
     *   min_free_pages 32, free_pages_low 48, free_pages_high 64 (4096 pages / 128).
     *   2.0 had no fast path and no fractions: everything but GFP_ATOMIC needs free > 32, compared
     *   without the order; GFP_ATOMIC takes any free page, down to the last one. So an interrupt storm
     *   can empty the machine, and the next GFP_KERNEL caller has to reclaim (try_to_free_page). 2.0
     *   reclaimed only when that check failed, retried while reclaim freed something, never waited for
     *   another task (linux20Reclaim): a driver that wanted to wait called schedule() and tried again.
     *
     * Linux 2.0 had no zones at all
     * -----------------------------
     * Everything above is today's. 2.0 kept one set of free lists for all of memory; free_area_init
     * marked every page PG_DMA and mem_init cleared the flag at and above MAX_DMA_ADDRESS (16 MiB). Its
     * __get_free_pages (mm/page_alloc.c, tag 2.0, lines 174-204) made ONE check for the whole machine,
     *
     *     priority == GFP_ATOMIC  ||  nr_free_pages > min_free_pages
     *
     * and then RMQUEUE walked the lists, smallest order first, taking the first block -- any block for an
     * ordinary request, the first PG_DMA block for GFP_DMA (lines 141-159). Nothing kept DMA-capable
     * pages back from ordinary requests: on a 64 MiB machine a full page cache or a busy network card
     * takes the pages below 16 MiB like any others, and the floppy driver's GFP_DMA request then fails
     * although the machine has plenty of free memory -- above 16 MiB. Zones, with their own watermarks
     * and lowmem_reserve, were the cure (2.3/2.4).
     *
     * kmemlab keeps the pages below and above 16 MiB in the page allocators of ZONE_DMA and ZONE_Normal
     * (the zones are where the PG_DMA flag changes, and zoneinfo() shows each side), but on the 2.0 era it
     * decides as 2.0 did (linux20FromFreelists): one reserve check over the free pages of both, against
     * the sum of their min marks (= min_free_pages, Watermarks shares it out exactly), no lowmem_reserve,
     * and then any zone the request may use. Which side an ordinary request tries first follows 2.0's
     * lists, whose head was the block freed last (add_mem_queue, lines 52-60): kmemlab remembers on which
     * side the recent frees landed, newest on top (Linux20FreeOrder), and each ordinary request takes the
     * top one and tries that side first, as the next request in 2.0 took the block freed last. With no
     * free remembered it tries the top of memory first (mem_init freed pages upwards, so the highest
     * blocks led the lists after boot). Once pages come and go, ordinary requests reuse DMA-capable pages
     * as readily as others, and memory below 16 MiB fills with ordinary data while memory above is free.
     * (The remembered sides are one stack for all orders where 2.0 had a list per order, and each side
     * keeps its page allocator's own order: which block comes back can differ from 2.0's. What a student
     * can observe -- DMA-capable memory drained by ordinary requests, GFP_DMA failing with memory free, no
     * reclaim for it while the check passes -- is 2.0's.) The SPI's [zone.linux20-dma-flag] says the same
     * for any implementation.
     */

    // Allocation flags: how far below the min mark an attempt may go (the kernel's ALLOC_* bits), as the
    // essay's step 2 lists them.
    /** Compare with the low mark instead of min: the fast path. */
    static final int ALLOC_WMARK_LOW = 0x1;
    /** {@code __GFP_HIGH}: half of min may be used. */
    static final int ALLOC_MIN_RESERVE = 0x2;
    /** Cannot block and did not refuse reserves: a further quarter of what is left. */
    static final int ALLOC_NON_BLOCK = 0x4;
    /** {@code __GFP_MEMALLOC}: ignore the watermarks altogether. */
    static final int ALLOC_NO_WATERMARKS = 0x8;

    /** What {@link #mark} returns when an attempt may take the zone's last free page: no watermark at all. */
    static final long NO_WATERMARK = -1;

    /**
     * Reclaim passes in a row that may report progress before the allocation waits anyway, so that a
     * shrinker which claims to free pages but does not cannot keep an allocation spinning.
     */
    static final int MAX_RECLAIM_PASSES = 1024;
    /** How long one wait of a {@code __GFP_NOFAIL} request lasts at least before it reclaims again. */
    static final long NOFAIL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Machine machine;
    private final Era era;
    private final int maxOrder;
    private final long maxWaitNanos;
    private final Zone[] zones;
    private final Zonelists zonelists;
    private final DirectReclaim reclaim = new DirectReclaim();
    private final FreePageWaitQueue waitQueue = new FreePageWaitQueue();
    private final AllocationFailureReport failures;
    /** The zones' min marks together: Linux 2.0's {@code min_free_pages} on the 2.0 era. */
    private final long minFreePages;
    /** The 2.0 era only: on which side recent frees landed, newest on top (2.0's list heads). */
    private final Linux20FreeOrder linux20Frees;

    private DmaZoneAllocator(ZoneAllocatorConfig config, Zone[] zones) {
        this.machine = config.machine();
        this.era = config.era();
        this.maxOrder = era.maxOrder();
        this.maxWaitNanos = saturatedNanos(config.maxWait());
        this.zones = zones;
        this.failures = new AllocationFailureReport(machine.dmesg());
        this.zonelists = new Zonelists(zones);
        long reserve = 0;
        for (Zone z : zones) {
            reserve += z.min;
        }
        this.minFreePages = reserve;
        int highest = 0;
        for (Zone z : zones) {
            highest = z.isEmpty() ? highest : z.index;
        }
        this.linux20Frees = era == Era.LINUX_2_0 ? new Linux20FreeOrder(highest) : null;
    }

    /** The wait in nanoseconds; a wait too long for a long (about 292 years) is as good as forever. */
    private static long saturatedNanos(Duration wait) {
        try {
            return wait.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Boots the zones: retires boot memory, creates one page allocator per free range through the
     * configured provider and computes the watermarks.
     *
     * @throws IllegalArgumentException when {@code min_free_kbytes} exceeds the machine's RAM
     */
    static DmaZoneAllocator create(ZoneAllocatorConfig config) {
        Machine machine = config.machine();
        Checks.requireArgument(config.minFreeKbytes() <= machine.ramBytes() >> 10,
                "min_free_kbytes %d exceeds the machine's %d kB of RAM", config.minFreeKbytes(),
                machine.ramBytes() >> 10);
        machine.bootMemory().retire();
        List<ZoneSpan> spans = machine.zones();
        List<FrameRange> ranges = machine.bootMemory().freeRanges();
        ZoneType[] types = new ZoneType[spans.size()];
        long[] managed = new long[spans.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = spans.get(i).type();
            managed[i] = spans.get(i).frames() - machine.bootMemory().reservedFrames(spans.get(i));
        }
        Watermarks.Marks[] marks = Watermarks.compute(config.era(), types, managed, machine.frames(),
                config.minFreeKbytes());
        int maxOrder = config.era().maxOrder();
        Zone[] zones = new Zone[types.length];
        long total = 0;
        for (int i = 0; i < types.length; i++) {
            List<PageAllocator> allocators = new ArrayList<>();
            for (FrameRange range : ranges) {
                if (range.zone() == types[i]) {
                    PageAllocator a = config.pageAllocators().create(new PageAllocatorConfig(machine,
                            types[i].procName(), range.startPfn(), range.frames(), maxOrder, config.era()));
                    Checks.requireState(a != null, "page allocator provider %s returned null",
                            config.pageAllocators().name());
                    allocators.add(a);
                }
            }
            zones[i] = new Zone(i, spans.get(i), allocators, managed[i], maxOrder, marks[i]);
            total += managed[i];
        }
        if (config.era() != Era.LINUX_2_0) { // 2.0 had no zonelists to announce
            machine.dmesg().info(Checks.format("Built 1 zonelists, mobility grouping off.  Total pages: %d", total));
        }
        return new DmaZoneAllocator(config, zones);
    }

    @Override
    public long allocPages(int gfp, int order) {
        Checks.requireArgument(order >= 0, "order %d is negative", order);
        machine.context().mightSleep(gfp, "__alloc_pages");
        if (order > maxOrder) {
            return fail(gfp, order);
        }
        int requested = zonelists.highestZone(gfp);
        // Step 1: the fast path, everybody against the low mark (Linux 2.0 had none: min at once).
        int fastFlags = era == Era.LINUX_2_0 ? slowFlags(gfp) : ALLOC_WMARK_LOW;
        long pfn = getPageFromFreelist(order, requested, fastFlags);
        if (pfn != PageAllocator.NO_PAGE) {
            return pfn;
        }
        return slowPath(gfp, order, requested);
    }

    /** The allocation flags of the slow path ({@code gfp_to_alloc_flags}). */
    static int slowFlags(int gfp) {
        int flags = 0;
        if ((gfp & Gfp.__GFP_HIGH) != 0) {
            flags |= ALLOC_MIN_RESERVE;
        }
        if (!Gfp.allowsBlocking(gfp) && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
            flags |= ALLOC_NON_BLOCK;
        }
        return flags;
    }

    /** Tries each zone of the zonelist once with the given rights. */
    private long getPageFromFreelist(int order, int requested, int allocFlags) {
        if (era == Era.LINUX_2_0) {
            return linux20FromFreelists(order, requested, allocFlags);
        }
        for (int z : zonelists.zonelist(requested)) {
            Zone zone = zones[z];
            long pfn = zone.allocate(order, mark(zone, allocFlags, requested));
            if (pfn != PageAllocator.NO_PAGE) {
                return pfn;
            }
        }
        return PageAllocator.NO_PAGE;
    }

    /**
     * Linux 2.0's {@code __get_free_pages} over the zones (the essay's last section): the whole machine must
     * pass 2.0's reserve check ({@link #reserveCheckPasses(int)}); then the first zone of the zonelist with a
     * free block of the order serves it, whatever its own free count -- no per-zone mark, no
     * {@code lowmem_reserve}, the order not counted.
     *
     * <p>The check reads the zones' free counters without their locks, as a whole: two threads may both
     * pass it for the last page above the reserve (2.0's {@code cli()} covered the machine; kmemlab's locks
     * are per zone). Each zone still takes its block under its lock, so no block is handed out twice.
     */
    private long linux20FromFreelists(int order, int requested, int allocFlags) {
        if (!reserveCheckPasses(allocFlags)) {
            return PageAllocator.NO_PAGE;
        }
        // An ordinary request takes the block freed last: its side first (GFP_DMA skips the others).
        int head = requested > 0 ? linux20Frees.takeNewest() : 0;
        if (head <= requested) {
            long pfn = zones[head].allocateAsLinux20(order);
            if (pfn != PageAllocator.NO_PAGE) {
                return pfn;
            }
        }
        for (int z : zonelists.zonelist(requested)) {
            long pfn = z == head ? PageAllocator.NO_PAGE : zones[z].allocateAsLinux20(order);
            if (pfn != PageAllocator.NO_PAGE) {
                return pfn;
            }
        }
        return PageAllocator.NO_PAGE;
    }

    /**
     * Returns the number of free pages a zone must keep above for this attempt, or {@link #NO_WATERMARK}:
     * the essay's table (low on the fast path, min on the slow path, less for {@code __GFP_HIGH} and for a
     * request that cannot block), plus the zone's {@code lowmem_reserve}. Today's rule only: the 2.0 era
     * decides in {@link #linux20FromFreelists}.
     */
    long mark(Zone zone, int allocFlags, int requested) {
        if ((allocFlags & ALLOC_NO_WATERMARKS) != 0) {
            return NO_WATERMARK;
        }
        long watermark = (allocFlags & ALLOC_WMARK_LOW) != 0 ? zone.low : zone.min;
        if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
            watermark -= watermark / 2;
            if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
                watermark -= watermark / 4;
            }
        }
        return watermark + zone.lowmemReserve(requested);
    }

    /**
     * The slow path: reserves, then (for requests that may sleep) reclaim and bounded waiting. A pending
     * interrupt ends the wait early, as a fatal signal ends a real one, except for {@code __GFP_NOFAIL}.
     */
    private long slowPath(int gfp, int order, int requested) {
        // Step 2: compare with min, lowered by the request's rights (or no mark for __GFP_MEMALLOC).
        int flags = slowFlags(gfp);
        long pfn = getPageFromFreelist(order, requested, flags);
        if (pfn == PageAllocator.NO_PAGE && (gfp & Gfp.__GFP_MEMALLOC) != 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
            pfn = getPageFromFreelist(order, requested, flags | ALLOC_NO_WATERMARKS);
        }
        if (pfn != PageAllocator.NO_PAGE) {
            return pfn;
        }
        if (!Gfp.allowsBlocking(gfp)) {
            return fail(gfp, order); // step 3, last sentence: a request that cannot sleep fails here
        }
        boolean noFail = (gfp & Gfp.__GFP_NOFAIL) != 0;
        boolean noRetry = (gfp & Gfp.__GFP_NORETRY) != 0 && !noFail;
        if (era == Era.LINUX_2_0 && !noFail && !noRetry) {
            return linux20Reclaim(gfp, order, requested, flags);
        }
        long start = System.nanoTime();
        boolean interrupted = false;
        int passes = 0;
        try {
            while (true) {
                long seen = waitQueue.generation();
                pfn = getPageFromFreelist(order, requested, flags);
                if (pfn == PageAllocator.NO_PAGE && noFail) {
                    // __GFP_NOFAIL callers are helped along with part of the min reserve.
                    pfn = getPageFromFreelist(order, requested, flags | ALLOC_MIN_RESERVE);
                }
                if (pfn != PageAllocator.NO_PAGE) {
                    return pfn;
                }
                // Step 3: run the shrinkers, and try again while they free something.
                if (!reclaim.isEmpty() && passes < MAX_RECLAIM_PASSES) {
                    long reclaimed = reclaim.shrink(reclaimTarget(order, requested));
                    if (noRetry) {
                        pfn = getPageFromFreelist(order, requested, flags);
                        return pfn != PageAllocator.NO_PAGE ? pfn : fail(gfp, order);
                    }
                    if (reclaimed > 0) {
                        passes++;
                        continue; // progress: try again before thinking of sleeping
                    }
                }
                if (noRetry) {
                    return fail(gfp, order);
                }
                // Step 3, continued: no progress, so wait for another thread to free pages (up to maxWait).
                long left = noFail
                        ? Math.max(maxWaitNanos, NOFAIL_WAIT_NANOS)
                        : maxWaitNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return fail(gfp, order);
                }
                try {
                    waitQueue.await(seen, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (!noFail) {
                        return fail(gfp, order);
                    }
                }
                passes = 0;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Linux 2.0's end of {@code __get_free_pages} ({@code mm/page_alloc.c}, tag 2.0, lines 193-203): when
     * the reserve check failed ({@code nr_free_pages <= min_free_pages}), reclaim ({@code try_to_free_page})
     * and try again, for as long as reclaim frees something and the check still fails (for GFP_DMA: until
     * a DMA block comes free, see the comment in the loop); when the check passed but no free block was
     * large enough, return 0 at once, with no reclaim. 2.0 never waited for another task to free memory.
     * ({@code __GFP_NOFAIL} and {@code __GFP_NORETRY}, modern flags, keep today's rules on either era.)
     */
    private long linux20Reclaim(int gfp, int order, int requested, int flags) {
        if (reserveCheckPasses(flags)) {
            return fail(gfp, order); // the check passed, so only a (DMA) block was missing: 0 at once
        }
        boolean dma = (gfp & Gfp.__GFP_DMA) != 0;
        int passes = 0;
        while (!reclaim.isEmpty() && passes < MAX_RECLAIM_PASSES) {
            passes++;
            if (reclaim.shrink(reclaimTarget(order, requested)) == 0) {
                break;
            }
            long pfn = getPageFromFreelist(order, requested, flags);
            if (pfn != PageAllocator.NO_PAGE) {
                return pfn;
            }
            // 2.0 repeated while the check failed. A DMA request's reclaim freed only PG_DMA pages
            // (try_to_free_page(priority, dma, 1): mm/filemap.c:146, mm/vmscan.c:88), which kmemlab's
            // shrinkers cannot choose, so for GFP_DMA kmemlab reclaims on, oldest first, until a DMA block
            // comes free or reclaim runs dry: the outcome 2.0's DMA-only reclaim had.
            if (!dma && reserveCheckPasses(flags)) {
                break;
            }
        }
        return fail(gfp, order);
    }

    /**
     * 2.0's reserve check ({@code mm/page_alloc.c}, tag 2.0, lines 189-195): GFP_ATOMIC ({@code __GFP_HIGH}
     * without blocking, or no watermark at all) passes at once; GFP_NFS ({@code __GFP_HIGH} with blocking)
     * needs more than 5 free pages; every other level more than {@code min_free_pages}, the zones' min
     * marks together. The free pages are those of the whole machine, DMA-capable or not, whatever zones
     * the request may use.
     */
    private boolean reserveCheckPasses(int allocFlags) {
        if ((allocFlags & ALLOC_NO_WATERMARKS) != 0
                || (allocFlags & (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK)) == (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK)) {
            return true;
        }
        long reserve = (allocFlags & ALLOC_MIN_RESERVE) != 0 ? Gfp.LINUX20_NFS_RESERVE : minFreePages;
        return freeFrames() > reserve;
    }

    /**
     * How many pages one reclaim pass asks for: enough to lift the first zone of the zonelist back to its
     * high mark (plus its protection and the block), at least {@code SWAP_CLUSTER_MAX}.
     */
    private long reclaimTarget(int order, int requested) {
        long want = Math.max(DirectReclaim.SWAP_CLUSTER_MAX, 1L << order);
        int[] list = zonelists.zonelist(requested);
        if (list.length > 0) {
            Zone first = zones[list[0]];
            want = Math.max(want, first.high + first.lowmemReserve(requested) + (1L << order) - first.free());
        }
        return want;
    }

    /**
     * Fails the request: today's kernel reports it ({@code warn_alloc}); Linux 2.0's
     * {@code __get_free_pages} returned 0 without a word (page_alloc.c:179-180, 197-203), so on the 2.0
     * era nothing is logged here. (2.0's kmalloc printed {@code Couldn't get a free page.....} for its own
     * callers; kmalloc does that.)
     */
    private long fail(int gfp, int order) {
        if (era != Era.LINUX_2_0) {
            failures.report(gfp, order, this::zoneinfo);
        }
        return PageAllocator.NO_PAGE;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Wakes every allocation waiting for memory.
     *
     * @throws BadPageStateBug for an order outside {@code 0..maxOrder}, a pfn outside RAM or in reserved
     *         boot memory, or as the page allocator reports a block that is not live
     */
    @Override
    public void freePages(long pfn, int order) {
        if (order < 0 || order > maxOrder) {
            throw BadPageStateBug.badOrder(pfn, order, maxOrder);
        }
        Zone zone = zoneOf(pfn);
        if (zone == null) {
            throw new BadPageStateBug(pfn, order,
                    Checks.format("freeing pfn %d order %d, outside the machine's %d frames of RAM", pfn, order,
                            machine.frames()),
                    "free only a pfn that alloc_pages() returned");
        }
        zone.free(pfn, order);
        if (linux20Frees != null) {
            linux20Frees.freed(zone.index);
        }
        waitQueue.pagesFreed();
    }

    private Zone zoneOf(long pfn) {
        for (Zone z : zones) {
            if (z.span.contains(pfn)) {
                return z;
            }
        }
        return null;
    }

    @Override
    public long freeFrames() {
        long free = 0;
        for (Zone z : zones) {
            free += z.free();
        }
        return free;
    }

    @Override
    public List<ZoneStats> zoneinfo() {
        List<ZoneStats> stats = new ArrayList<>(zones.length);
        for (Zone z : zones) {
            stats.add(z.stats());
        }
        return List.copyOf(stats);
    }

    @Override
    public void registerShrinker(Shrinker shrinker) {
        reclaim.register(shrinker);
    }

    @Override
    public void unregisterShrinker(Shrinker shrinker) {
        reclaim.unregister(shrinker);
    }

    @Override
    public void checkInvariants() {
        for (Zone z : zones) {
            z.checkInvariants();
        }
    }

    /** Returns the machine whose zones these are. */
    Machine machine() {
        return machine;
    }

    /** Returns how many threads wait for memory now. */
    int waiters() {
        return waitQueue.waiters();
    }

    @Override
    public String toString() {
        return "dma-zone-reference[" + machine.profile().displayName() + ", " + era + ", " + freeFrames()
                + " free pages]";
    }
}
