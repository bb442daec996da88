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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();

    private AlternateZoneAllocator(ZoneAllocatorConfig config, Flaw flaw) {
        this.machine = config.machine();
        this.flaw = flaw;
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
                    frames, era.maxOrder())));
            int zone = indexOf(r.zone());
            zoneOfAllocator.add(zone);
            managed[zone] += frames;
        }
        this.min = new long[spans.size()];
        this.low = new long[spans.size()];
        this.high = new long[spans.size()];
        setWatermarks(config.minFreeKbytes());
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
                return new AlternateZoneAllocator(config, flaw);
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
                if (!blocking && flaw != Flaw.WAITS_FOR_NOWAIT) {
                    break;
                }
                if (!reclaimed && flaw != Flaw.NEVER_RUNS_SHRINKERS) {
                    reclaimed = true;
                    if (reclaim() > 0) {
                        continue;
                    }
                }
                if ((gfp & Gfp.__GFP_NORETRY) != 0 && !noFail) {
                    break;
                }
                if (noFail) {
                    freed.await();
                    reclaimed = false;
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                freed.awaitNanos(left);
                reclaimed = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if ((gfp & Gfp.__GFP_NOWARN) == 0 || flaw == Flaw.NOWARN_IGNORED) {
            if (flaw != Flaw.FAILURE_NOT_LOGGED) {
                machine.dmesg().warn(Thread.currentThread().getName() + ": page allocation failure: order:" + order
                        + ", mode:" + Gfp.mode(gfp));
            }
        }
        return PageAllocator.NO_PAGE;
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
        int lowest = flaw == Flaw.NO_FALLBACK ? highest : 0;
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
        if (zoneFree(z) - (1L << order) < mark(z, gfp)) {
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

    /** The pages zone {@code z} keeps back from this request: min, less for __GFP_HIGH and atomic. */
    private long mark(int z, int gfp) {
        boolean high = (gfp & Gfp.__GFP_HIGH) != 0;
        if (flaw == Flaw.NOWAIT_IGNORES_WATERMARKS && !Gfp.allowsBlocking(gfp)) {
            return 0;
        }
        if (!high) {
            return min[z];
        }
        if (flaw == Flaw.ATOMIC_TAKES_EVERYTHING || era == Era.LINUX_2_0 && !Gfp.allowsBlocking(gfp)) {
            return 0;
        }
        long mark = min[z] - min[z] / 2;
        return Gfp.allowsBlocking(gfp) ? mark : mark - mark / 4;
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
        lock.lock();
        try {
            for (PageAllocator a : allocators) {
                if (pfn >= a.startPfn() && pfn < a.startPfn() + a.frames()) {
                    try {
                        a.free(pfn, order);
                    } catch (BadPageStateBug bug) {
                        if (flaw == Flaw.DOUBLE_FREE_ACCEPTED && bug.details().contains("already free")) {
                            return; // "it is free already, so there is nothing to do"
                        }
                        throw bug;
                    }
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
                stats.add(new ZoneStats(0, span.type(), span.startPfn(), span.frames(), span.frames(), managed[z],
                        Math.max(0, free), min[z], low[z], high[z], era == Era.MODERN ? high[z] + min[z] / 4 : 0,
                        new long[spans.size()], blocks));
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
            shrinkers.remove(shrinker);
        } finally {
            lock.unlock();
        }
    }
}
