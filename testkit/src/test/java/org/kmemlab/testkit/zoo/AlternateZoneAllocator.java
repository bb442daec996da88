package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.api.stats.ZoneStats;

/**
 * A second, deliberately different correct zone allocator, which the contract must accept: one lock for
 * everything (the reference has one per zone), one page allocator per free range kept in a flat list,
 * watermarks from {@code min_free_kbytes} without the kernel's fast path (every request is compared with
 * min straight away), and reclaim that asks every shrinker for everything it has.
 *
 * <p>The {@link Flaw} it is created with plants one bug a student really makes, at the one line marked
 * with that flaw; {@link Flaw#NONE} is the correct allocator. The mutant zoo is this class with each flaw.
 *
 * <p>Created {@code boosting} ({@link #boostingProvider()}), it is a third correct design: watermarks that
 * change at run time (Linux's watermark boosting: a zone that turned a request away raises its marks by up
 * to min, and frees lower them again) and a {@code lowmem_reserve} of 1/32 of the higher zones' managed
 * pages, both shown in {@code zoneinfo()} and both followed by every decision. The SPI allows both; the
 * contract must accept them. Two flaws break exactly that: stale watermarks and an ignored reserve.
 *
 * <p>On a machine of the Linux 2.0 era it decides as 2.0 did (SPI rule {@code zone.linux20-dma-flag}): one
 * reserve check over the free pages of all zones against their min marks together, skipped for
 * {@code __GFP_HIGH}, then any zone the gfp allows; no boosting, no failure report. The fallback,
 * watermark and report flaws are today's mistakes and are planted on the modern era only;
 * {@code LINUX20_ZONE_RESERVES} is the 2.0 one.
 */
final class AlternateZoneAllocator implements ZoneAllocator {

    /** The bugs the mutant zoo plants, one at a time. */
    enum Flaw {
        NONE,
        DMA_FROM_ANY_ZONE,
        KERNEL_ALLOWED_IN_ATOMIC,
        NO_FALLBACK,
        DMA32_TRIES_DMA_FIRST,
        NOWAIT_IGNORES_WATERMARKS,
        ATOMIC_TAKES_EVERYTHING,
        NEVER_RUNS_SHRINKERS,
        HANDS_OUT_RESERVED_FRAMES,
        LOSES_FRAMES_AT_BOOT,
        ZONEINFO_FREE_OFF_BY_ORDER,
        NOWARN_IGNORED,
        FAILURE_NOT_LOGGED,
        WAITS_FOR_NOWAIT,
        DOUBLE_FREE_ACCEPTED,
        NOFAIL_GIVES_UP,
        FREE_DOES_NOT_WAKE_WAITERS,
        MISALIGNED_BLOCKS,
        THROWS_WHEN_EXHAUSTED,
        FREE_REJECTS_LARGE_BLOCKS,
        SELF_CHECK_FALSE_ALARM,
        NORETRY_SKIPS_RECLAIM,
        UNREGISTER_IGNORED,
        SPINS_WHILE_WAITING,
        NOWAIT_WAITS_FOR_MEMORY,
        GIVES_UP_AFTER_RECLAIM,
        /** With boosting: zoneinfo shows the boosted marks, decisions in a request's own zone use those of boot. */
        STALE_WATERMARKS,
        /** With boosting: zoneinfo shows lowmem_reserve, decisions leave it out. */
        RESERVE_IGNORED,
        /** On the Linux 2.0 era: each zone keeps its own min mark (today's shape), not one reserve for the machine. */
        LINUX20_ZONE_RESERVES,
        /** __GFP_HIGH with blocking (GFP_KERNEL|__GFP_HIGH) is let down to 3/8 of min, as if it were GFP_ATOMIC. */
        HIGH_TREATED_AS_ATOMIC;

        /** True for the flaws planted in the boosting design. */
        boolean boosting() {
            return this == STALE_WATERMARKS || this == RESERVE_IGNORED;
        }
    }

    private final Machine machine;
    private final Flaw flaw;
    private final Era era;
    private final long maxWaitNanos;
    private final List<ZoneSpan> spans;
    private final List<PageAllocator> allocators = new ArrayList<>();
    private final List<Integer> zoneOfAllocator = new ArrayList<>();
    private final long[] managed;
    private final long[] min;
    private final long[] low;
    private final long[] high;
    private final List<Shrinker> shrinkers = new ArrayList<>();
    private final boolean boosting;
    /** Per zone: how far the watermarks are raised now (boosting design; 0 otherwise). */
    private final long[] boost;
    /** lowmem_reserve[zone][requesting zone] (boosting design; all 0 otherwise). */
    private final long[][] reserve;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();

    private AlternateZoneAllocator(ZoneAllocatorConfig config, Flaw flaw, boolean boosting) {
        this.machine = config.machine();
        this.flaw = flaw;
        this.boosting = boosting;
        this.era = config.era();
        this.maxWaitNanos = config.maxWait().toNanos();
        this.spans = machine.zones();
        machine.bootMemory().retire();
        this.managed = new long[spans.size()];
        List<FrameRange> ranges = machine.bootMemory().freeRanges();
        for (int i = 0; i < ranges.size(); i++) {
            FrameRange r = ranges.get(i);
            long start = r.startPfn();
            long frames = r.frames();
            if (flaw == Flaw.LOSES_FRAMES_AT_BOOT && i == ranges.size() - 1) {
                frames -= 1; // the classic off-by-one: "end" taken as the last frame, not one past it
            }
            if (flaw == Flaw.HANDS_OUT_RESERVED_FRAMES && i == 0 && start > 0) {
                start -= 1; // rounds the first range down to include the frame before it
                frames += 1;
            }
            if (frames <= 0) {
                continue;
            }
            allocators.add(config.pageAllocators().create(new PageAllocatorConfig(machine, r.zone().procName(), start,
                    frames, era.maxOrder(), era)));
            int zone = indexOf(r.zone());
            zoneOfAllocator.add(zone);
            managed[zone] += frames;
        }
        this.min = new long[spans.size()];
        this.low = new long[spans.size()];
        this.high = new long[spans.size()];
        setWatermarks(config.minFreeKbytes());
        this.boost = new long[spans.size()];
        this.reserve = new long[spans.size()][spans.size()];
        if (boosting && era == Era.MODERN) {
            for (int z = 0; z < spans.size(); z++) {
                long above = 0;
                for (int j = z + 1; j < spans.size(); j++) {
                    above += managed[j];
                    reserve[z][j] = above / 32;
                }
            }
        }
    }

    /** A provider of the allocator with {@code flaw}. */
    static ZoneAllocatorProvider provider(Flaw flaw) {
        return new ZoneAllocatorProvider() {
            @Override
            public String name() {
                return flaw == Flaw.NONE ? "alternate-zones" : "mutant-" + flaw.name().toLowerCase().replace('_', '-');
            }

            @Override
            public ZoneAllocator create(ZoneAllocatorConfig config) {
                return new AlternateZoneAllocator(config, flaw, flaw.boosting());
            }
        };
    }

    /** The provider of the correct boosting design, {@code alternate-zones-boosting}. */
    static ZoneAllocatorProvider boostingProvider() {
        return new ZoneAllocatorProvider() {
            @Override
            public String name() {
                return "alternate-zones-boosting";
            }

            @Override
            public ZoneAllocator create(ZoneAllocatorConfig config) {
                return new AlternateZoneAllocator(config, Flaw.NONE, true);
            }
        };
    }

    private int indexOf(org.kmemlab.api.ZoneType type) {
        for (int i = 0; i < spans.size(); i++) {
            if (spans.get(i).type() == type) {
                return i;
            }
        }
        throw new IllegalArgumentException("no zone " + type);
    }

    /** min_free_kbytes = sqrt(16 * lowmem kB), shared out by managed pages; low and high a quarter apart. */
    private void setWatermarks(long minFreeKbytes) {
        long total = 0;
        for (long m : managed) {
            total += m;
        }
        long kbytes = minFreeKbytes;
        if (kbytes == 0) {
            long lowmemKb = total * (machine.pageSize() >> 10);
            kbytes = Math.max(128, Math.min(262_144, (long) Math.sqrt((double) (lowmemKb * 16))));
        }
        long pages = kbytes >> (machine.pageShift() - 10);
        for (int z = 0; z < spans.size(); z++) {
            min[z] = total == 0 ? 0 : pages * managed[z] / total;
            low[z] = min[z] + min[z] / 4;
            high[z] = low[z] + min[z] / 4;
        }
    }

    @Override
    public long allocPages(int gfp, int order) {
        if (flaw != Flaw.KERNEL_ALLOWED_IN_ATOMIC) {
            machine.context().mightSleep(gfp, "alloc_pages");
        }
        boolean blocking = Gfp.allowsBlocking(gfp);
        long pfn = allocPagesFlawed(gfp, order, blocking);
        if (pfn != PageAllocator.NO_PAGE && order > 0 && flaw == Flaw.MISALIGNED_BLOCKS) {
            return pfn + 1; // "the first page is the header": hands out the block one frame in
        }
        if (pfn == PageAllocator.NO_PAGE && flaw == Flaw.THROWS_WHEN_EXHAUSTED) {
            throw new IllegalStateException("out of memory: order " + order);
        }
        return pfn;
    }

    private long allocPagesFlawed(int gfp, int order, boolean blocking) {
        boolean noFail = (gfp & Gfp.__GFP_NOFAIL) != 0 && flaw != Flaw.NOFAIL_GIVES_UP;
        long deadline = System.nanoTime() + maxWaitNanos;
        boolean reclaimed = false;
        lock.lock();
        try {
            while (order <= era.maxOrder()) {
                long pfn = fromZonelist(gfp, order);
                if (pfn != PageAllocator.NO_PAGE) {
                    return pfn;
                }
                boolean nowait = !blocking && (gfp & Gfp.__GFP_HIGH) == 0;
                if (!blocking && flaw != Flaw.WAITS_FOR_NOWAIT && !(nowait && flaw == Flaw.NOWAIT_WAITS_FOR_MEMORY)) {
                    break;
                }
                boolean noRetry = (gfp & Gfp.__GFP_NORETRY) != 0;
                if (!reclaimed && flaw != Flaw.NEVER_RUNS_SHRINKERS
                        && !(noRetry && flaw == Flaw.NORETRY_SKIPS_RECLAIM)) {
                    reclaimed = true;
                    long got = reclaim();
                    if (flaw == Flaw.GIVES_UP_AFTER_RECLAIM && !noFail) {
                        break; // "reclaim is for next time": the freed pages are not tried
                    }
                    if (got > 0) {
                        continue;
                    }
                }
                if ((gfp & Gfp.__GFP_NORETRY) != 0 && !noFail) {
                    break;
                }
                if (noFail) {
                    if (flaw == Flaw.SPINS_WHILE_WAITING) {
                        spin(Long.MAX_VALUE);
                    } else {
                        freed.await();
                    }
                    reclaimed = false;
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (flaw == Flaw.SPINS_WHILE_WAITING) {
                    spin(deadline);
                } else {
                    freed.awaitNanos(left);
                }
                reclaimed = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (era == Era.MODERN && ((gfp & Gfp.__GFP_NOWARN) == 0 || flaw == Flaw.NOWARN_IGNORED)) {
            if (flaw != Flaw.FAILURE_NOT_LOGGED) {
                machine.dmesg().warn(Thread.currentThread().getName() + ": page allocation failure: order:" + order
                        + ", mode:" + Gfp.mode(gfp));
            }
        }
        return PageAllocator.NO_PAGE;
    }

    /** The planted bug of SPINS_WHILE_WAITING: polls the free count, lock dropped, until it grows or time is up. */
    private void spin(long deadline) {
        long free = freeFramesLocked();
        lock.unlock();
        try {
            while (System.nanoTime() < deadline && freeFramesLocked() <= free) {
                Thread.onSpinWait();
            }
        } finally {
            lock.lock();
        }
    }

    private long freeFramesLocked() {
        long free = 0;
        for (PageAllocator a : allocators) {
            free += a.freeFrames();
        }
        return free;
    }

    /** Walks the zones from the highest the gfp allows down to DMA, the first that passes its mark wins. */
    private long fromZonelist(int gfp, int order) {
        int highest = spans.size() - 1;
        while (highest > 0 && spans.get(highest).type().ordinal() > Gfp.highestZone(gfp).ordinal()) {
            highest--;
        }
        if (flaw == Flaw.DMA_FROM_ANY_ZONE) {
            highest = spans.size() - 1;
        }
        int lowest = flaw == Flaw.NO_FALLBACK && era == Era.MODERN ? highest : 0;
        if (flaw == Flaw.DMA32_TRIES_DMA_FIRST && (gfp & Gfp.__GFP_DMA32) != 0) {
            for (int z = lowest; z <= highest; z++) {
                long pfn = fromZone(z, gfp, order);
                if (pfn != PageAllocator.NO_PAGE) {
                    return pfn;
                }
            }
            return PageAllocator.NO_PAGE;
        }
        for (int z = highest; z >= lowest; z--) {
            long pfn = fromZone(z, gfp, order);
            if (pfn != PageAllocator.NO_PAGE) {
                return pfn;
            }
        }
        return PageAllocator.NO_PAGE;
    }

    private long fromZone(int z, int gfp, int order) {
        if (era == Era.LINUX_2_0 ? !linux20ReservePasses(z, gfp)
                : zoneFree(z) - (1L << order) < mark(z, gfp) + protection(z, gfp)) {
            if (boosting && era == Era.MODERN) {
                // Watermark boosting: a zone that turns requests away raises its marks, up to min more.
                boost[z] = Math.min(min[z], boost[z] + Math.max(1, min[z] / 4));
            }
            return PageAllocator.NO_PAGE;
        }
        for (int i = 0; i < allocators.size(); i++) {
            if (zoneOfAllocator.get(i) == z) {
                long pfn = allocators.get(i).allocate(order);
                if (pfn != PageAllocator.NO_PAGE) {
                    return pfn;
                }
            }
        }
        return PageAllocator.NO_PAGE;
    }

    /**
     * Linux 2.0: nr_free_pages > min_free_pages for the whole machine; GFP_NFS (__GFP_HIGH, may block) needs
     * only 5; GFP_ATOMIC (__GFP_HIGH, cannot block) passes at once.
     */
    private boolean linux20ReservePasses(int z, int gfp) {
        if ((gfp & Gfp.__GFP_HIGH) != 0) {
            return !Gfp.allowsBlocking(gfp) || freeFramesLocked() > Gfp.LINUX20_NFS_RESERVE;
        }
        if (flaw == Flaw.LINUX20_ZONE_RESERVES) {
            return zoneFree(z) > min[z]; // "each zone guards its own reserve", as today
        }
        long free = 0;
        long reserve = 0;
        for (int i = 0; i < spans.size(); i++) {
            free += zoneFree(i);
            reserve += min[i];
        }
        return free > reserve;
    }

    /** The lowmem_reserve zone {@code z} keeps back from a request whose highest zone is above it. */
    private long protection(int z, int gfp) {
        if (flaw == Flaw.RESERVE_IGNORED) {
            return 0;
        }
        int requesting = spans.size() - 1;
        while (requesting > 0 && spans.get(requesting).type().ordinal() > Gfp.highestZone(gfp).ordinal()) {
            requesting--;
        }
        return reserve[z][requesting];
    }

    /**
     * The min mark of zone {@code z} for this request now: boosted in the boosting design, unless its marks
     * are stale. The stale flaw lives where no lowmem_reserve applies (in the request's own highest zone),
     * so that what it breaks is the live marks and nothing else.
     */
    private long minNow(int z, int gfp) {
        return flaw == Flaw.STALE_WATERMARKS && protection(z, gfp) == 0 ? min[z] : min[z] + boost[z];
    }

    /** The pages zone {@code z} keeps back from this request: min, less for __GFP_HIGH and atomic. */
    private long mark(int z, int gfp) {
        boolean high = (gfp & Gfp.__GFP_HIGH) != 0;
        if (flaw == Flaw.NOWAIT_IGNORES_WATERMARKS && !Gfp.allowsBlocking(gfp)) {
            return 0;
        }
        if (!high) {
            return minNow(z, gfp);
        }
        if (flaw == Flaw.ATOMIC_TAKES_EVERYTHING || era == Era.LINUX_2_0 && !Gfp.allowsBlocking(gfp)) {
            return 0;
        }
        long mark = minNow(z, gfp) - minNow(z, gfp) / 2;
        return Gfp.allowsBlocking(gfp) && flaw != Flaw.HIGH_TREATED_AS_ATOMIC ? mark : mark - mark / 4;
    }

    /** Asks every shrinker for everything it can give, with the lock dropped. */
    private long reclaim() {
        List<Shrinker> list = new ArrayList<>(shrinkers);
        lock.unlock();
        long total = 0;
        try {
            for (Shrinker s : list) {
                long count = s.count();
                if (count > 0) {
                    total += s.scan(count);
                }
            }
        } finally {
            lock.lock();
        }
        return total;
    }

    @Override
    public void freePages(long pfn, int order) {
        if (flaw == Flaw.MISALIGNED_BLOCKS && order > 0) {
            pfn -= 1;
        }
        if (flaw == Flaw.FREE_REJECTS_LARGE_BLOCKS && order >= 3) {
            throw new BadPageStateBug(pfn, order, "blocks this large are not freed here", "free smaller blocks");
        }
        lock.lock();
        try {
            for (int i = 0; i < allocators.size(); i++) {
                PageAllocator a = allocators.get(i);
                if (pfn >= a.startPfn() && pfn < a.startPfn() + a.frames()) {
                    int z = zoneOfAllocator.get(i);
                    try {
                        a.free(pfn, order);
                    } catch (BadPageStateBug bug) {
                        if (flaw == Flaw.DOUBLE_FREE_ACCEPTED && bug.details().contains("already free")) {
                            return; // "it is free already, so there is nothing to do"
                        }
                        throw bug;
                    }
                    boost[z] = Math.max(0, boost[z] - (1L << order));
                    if (flaw != Flaw.FREE_DOES_NOT_WAKE_WAITERS) {
                        freed.signalAll();
                    }
                    return;
                }
            }
            throw new BadPageStateBug(pfn, order, Checks.format("freeing pfn %d order %d, which no zone manages", pfn,
                    order), "free only what allocPages returned");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long freeFrames() {
        lock.lock();
        try {
            long free = 0;
            for (PageAllocator a : allocators) {
                free += a.freeFrames();
            }
            return free;
        } finally {
            lock.unlock();
        }
    }

    private long zoneFree(int z) {
        long free = 0;
        for (int i = 0; i < allocators.size(); i++) {
            if (zoneOfAllocator.get(i) == z) {
                free += allocators.get(i).freeFrames();
            }
        }
        return free;
    }

    @Override
    public List<ZoneStats> zoneinfo() {
        lock.lock();
        try {
            List<ZoneStats> stats = new ArrayList<>();
            for (int z = 0; z < spans.size(); z++) {
                long[] blocks = new long[era.maxOrder() + 1];
                for (int i = 0; i < allocators.size(); i++) {
                    if (zoneOfAllocator.get(i) == z) {
                        for (int k = 0; k <= allocators.get(i).maxOrder(); k++) {
                            blocks[k] += allocators.get(i).freeBlocks(k);
                        }
                    }
                }
                long free = zoneFree(z);
                if (flaw == Flaw.ZONEINFO_FREE_OFF_BY_ORDER && free < managed[z]) {
                    free -= 1; // counts allocated blocks, not frames, somewhere
                }
                ZoneSpan span = spans.get(z);
                long b = boost[z];
                stats.add(new ZoneStats(0, span.type(), span.startPfn(), span.frames(), span.frames(), managed[z],
                        Math.max(0, free), min[z] + b, low[z] + b, high[z] + b,
                        era == Era.MODERN ? high[z] + b + min[z] / 4 : 0, reserve[z].clone(), blocks));
            }
            return stats;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void registerShrinker(Shrinker shrinker) {
        lock.lock();
        try {
            shrinkers.add(shrinker);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unregisterShrinker(Shrinker shrinker) {
        lock.lock();
        try {
            if (flaw == Flaw.UNREGISTER_IGNORED) {
                return; // "it will be garbage collected anyway"
            }
            shrinkers.remove(shrinker);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void checkInvariants() {
        if (flaw == Flaw.SELF_CHECK_FALSE_ALARM && freeFrames() < min[spans.size() - 1]) {
            throw new IllegalStateException("free frames below the min watermark: the reserve was raided");
        }
    }
}
