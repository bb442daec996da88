package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.stats.ZoneStats;

/**
 * Threads allocating and freeing at once, some of them waiting for memory: no frame is handed out twice,
 * every block comes from a zone its gfp allows, and once everything is freed the accounting is exact.
 * Replay a failure with {@code -Dkmemlab.seed=<seed>}.
 */
class ConcurrencyTests {

    private static final int THREADS = 4;
    private static final int OPS = 4000;
    private static final int[] GFPS = {
        Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN,
        Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN,
        Gfp.GFP_NOWAIT,
        Gfp.GFP_KERNEL | Gfp.GFP_DMA | Gfp.__GFP_NOWARN,
        Gfp.GFP_ATOMIC | Gfp.GFP_DMA32 | Gfp.__GFP_NOWARN,
    };

    @ParameterizedTest
    @MethodSource("org.kmemlab.dmazone.ZoneTesting#pageProviders")
    void concurrentAllocAndFreeKeepExactAccounting(PageAllocatorProvider pages) throws Exception {
        long seed = Long.getLong("kmemlab.seed", System.nanoTime());
        System.out.println("ConcurrencyTests seed " + seed + " (" + pages.name() + ")");
        // 64 MiB: small enough that the threads run into the watermarks and wait for each other.
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB, Duration.ofMillis(2));
        Machine machine = zones.machine();
        List<ZoneStats> initial = zones.zoneinfo();
        long initialFree = zones.freeFrames();
        // Ballast: take memory down to the watermarks, then give 2000 pages back for the threads to fight over.
        List<Long> ballast = ZoneTesting.drain(zones, Gfp.GFP_NOWAIT, 0);
        for (int i = 0; i < 2000; i++) {
            zones.freePages(ballast.remove(ballast.size() - 1), 0);
        }
        ConcurrentHashMap<Long, Integer> live = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong failures = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            threads.add(new Thread(() -> {
                List<long[]> mine = new ArrayList<>();
                try {
                    start.await();
                    for (int op = 0; op < OPS; op++) {
                        if (mine.isEmpty() || random.nextInt(100) < 70) {
                            int gfp = GFPS[random.nextInt(GFPS.length)];
                            int order = random.nextInt(100) < 80 ? 0 : random.nextInt(1, 5);
                            long pfn = zones.allocPages(gfp, order);
                            if (pfn == PageAllocator.NO_PAGE) {
                                failures.incrementAndGet();
                                continue;
                            }
                            check(machine, gfp, pfn, order);
                            for (long p = pfn; p < pfn + (1L << order); p++) {
                                assertNull(live.putIfAbsent(p, order), "frame " + p + " handed out twice");
                            }
                            mine.add(new long[] {pfn, order});
                        } else {
                            long[] b = mine.remove(random.nextInt(mine.size()));
                            for (long p = b[0]; p < b[0] + (1L << b[1]); p++) {
                                live.remove(p);
                            }
                            zones.freePages(b[0], (int) b[1]);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    for (long[] b : mine) {
                        for (long p = b[0]; p < b[0] + (1L << b[1]); p++) {
                            live.remove(p);
                        }
                        zones.freePages(b[0], (int) b[1]);
                    }
                }
            }, "stress-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("ConcurrencyTests: " + failures.get() + " allocations failed under pressure");
        if (failure.get() != null) {
            throw new AssertionError("seed " + seed + ": " + failure.get(), failure.get());
        }
        assertTrue(failures.get() > 0, "seed " + seed + ": the threads never ran short of memory");
        assertTrue(live.isEmpty(), "seed " + seed);
        for (long pfn : ballast) {
            zones.freePages(pfn, 0);
        }
        assertEquals(initialFree, zones.freeFrames(), "seed " + seed);
        zones.checkInvariants();
        assertEquals(initial, zones.zoneinfo(), "seed " + seed + ": every block coalesced back");
        assertEquals(0, zones.waiters());
    }

    private static void check(Machine machine, int gfp, long pfn, int order) {
        assertEquals(0, pfn & ((1L << order) - 1), "pfn " + pfn + " not aligned to order " + order);
        ZoneType zone = machine.zoneOf(pfn);
        ZoneType highest = Gfp.highestZone(gfp);
        assertTrue(zone.ordinal() <= highest.ordinal(), Gfp.toString(gfp) + " got a page from " + zone);
    }
}
