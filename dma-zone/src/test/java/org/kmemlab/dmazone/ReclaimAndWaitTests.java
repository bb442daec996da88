package org.kmemlab.dmazone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.dmazone.ZoneTesting.MiB;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.SleepInAtomicBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;

/** Direct reclaim through shrinkers, bounded waiting, NORETRY, NOFAIL and sleeping in atomic context. */
class ReclaimAndWaitTests {

    private static final String PROVIDERS = "org.kmemlab.dmazone.ZoneTesting#pageProviders";
    private static final int QUIET = Gfp.__GFP_NOWARN;

    /**
     * The default i386 machine with every page taken, under today's rules (waiting for another thread's
     * free is today's; Linux 2.0 never waited, see {@link #linux20NeverWaitsForAnotherTask}).
     */
    private static DmaZoneAllocator emptiedI386(PageAllocatorProvider pages, Duration maxWait) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB, Era.MODERN,
                maxWait);
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_MEMALLOC | QUIET, 0);
        assertEquals(0, zones.freeFrames());
        return zones;
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void aFullMachineStillSatisfiesGfpKernelWhileGfpAtomicFails(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB, Duration.ZERO);
        Machine machine = machineOf(zones);
        PageCache cache = new PageCache(zones);
        zones.registerShrinker(cache);
        long cached = cache.fill(Gfp.GFP_NOWAIT, Long.MAX_VALUE);
        assertEquals(ZoneTesting.zone(zones, ZoneType.DMA32).managed() - 146
                + ZoneTesting.zone(zones, ZoneType.DMA).managed() - 101, cached, "the cache fills memory to min");
        // Interrupt handlers then eat the atomic reserve.
        long[] taken = new long[1];
        machine.context().runInInterrupt(11, "eth0", () -> {
            taken[0] = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0).size();
        });
        assertEquals((146 - 55) + (101 - 58), taken[0]);
        long[] atomic = new long[1];
        machine.context().runInInterrupt(11, "eth0", () -> atomic[0] = zones.allocPages(Gfp.GFP_ATOMIC, 0));
        assertEquals(PageAllocator.NO_PAGE, atomic[0], "GFP_ATOMIC fails: nothing left above 3/8 of min");
        assertTrue(machine.dmesg().contains("page allocation failure: order:0, mode:0x820(GFP_ATOMIC)"));

        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 0);
        assertNotEquals(PageAllocator.NO_PAGE, pfn, "GFP_KERNEL reclaims clean page-cache pages");
        assertEquals(1, cache.scans());
        // Reclaim lifted DMA32 (the first zone of the zonelist) to high 218: 218 + 1 - 55 = 164 pages.
        assertEquals(cached - 164, cache.size());
        assertEquals(218, ZoneTesting.free(zones, ZoneType.DMA32));
        zones.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void linux20KernelRequestsReclaimUpToFreePagesHigh(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB, Duration.ZERO);
        PageCache cache = new PageCache(zones);
        zones.registerShrinker(cache);
        cache.fill(Gfp.GFP_NOWAIT, Long.MAX_VALUE);
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        assertEquals(0, zones.freeFrames());
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 0);
        assertNotEquals(PageAllocator.NO_PAGE, pfn);
        assertEquals(64, zones.freeFrames(), "reclaimed 65 = high 64 + 1 - 0, then took one");
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void withoutNoretryReclaimRepeatsUntilEnoughComesBack(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB,
                Duration.ofSeconds(5));
        StingyShrinker stingy = stingyShrinkerOnAnEmptyMachine(zones);
        long pfn = zones.allocPages(Gfp.GFP_KERNEL, 0);
        assertNotEquals(PageAllocator.NO_PAGE, pfn);
        assertEquals(33, stingy.scans.get(), "one page per pass until free 33 > min_free_pages 32");
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void noretryGivesUpAfterOneReclaimPassWithoutWaiting(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB,
                Duration.ofSeconds(5));
        StingyShrinker stingy = stingyShrinkerOnAnEmptyMachine(zones);
        long start = System.nanoTime();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NORETRY | QUIET, 0));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "did not wait the 5 s");
        assertEquals(1, stingy.scans.get());
        assertEquals(1, zones.freeFrames());
    }

    @Test
    void unregisteredShrinkersAreNotCalled() {
        DmaZoneAllocator zones = emptiedI386(SimplePageAllocator.provider(), Duration.ZERO);
        StingyShrinker stingy = new StingyShrinker(zones, 0);
        zones.registerShrinker(stingy);
        zones.unregisterShrinker(stingy);
        zones.unregisterShrinker(stingy);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0));
        assertEquals(0, stingy.scans.get());
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void aWaitingAllocationSucceedsWhenAnotherThreadFrees(PageAllocatorProvider pages) throws Exception {
        wakeWaiterByFreeing(ZoneTesting.boot(pages, MachineProfile.I386_LINUX_2_0, 16 * MiB, Era.MODERN,
                Duration.ofSeconds(10)));
    }

    @Test
    void aWaitTooLongForNanosecondsIsForeverNotAnOverflow() throws Exception {
        wakeWaiterByFreeing(ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0, 16 * MiB,
                Era.MODERN,
                ChronoUnit.FOREVER.getDuration()));
    }

    /** Empties the machine, starts a GFP_KERNEL waiter, frees min + 1 pages and expects the waiter served. */
    private static void wakeWaiterByFreeing(DmaZoneAllocator zones) throws Exception {
        long min = zones.zoneinfo().get(0).min();
        List<Long> held = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | Gfp.__GFP_MEMALLOC | QUIET, 0);
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> zones.allocPages(Gfp.GFP_KERNEL, 0));
        awaitWaiters(zones, 1);
        assertFalse(waiter.isDone(), "it sleeps while memory is short");
        for (int i = 0; i <= min; i++) {
            zones.freePages(held.get(i), 0);
        }
        long pfn = waiter.get(5, TimeUnit.SECONDS);
        assertNotEquals(PageAllocator.NO_PAGE, pfn);
        assertEquals(min, zones.freeFrames());
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void aWaitingAllocationFailsAfterItsTimeout(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = emptiedI386(pages, Duration.ofMillis(50));
        long start = System.nanoTime();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(50), "waited " + elapsed + " ns");
        assertTrue(elapsed < TimeUnit.SECONDS.toNanos(3), "waited " + elapsed + " ns");
        assertEquals(0, zones.waiters());
    }

    @Test
    void aRequestThatCannotBlockNeverWaits() {
        DmaZoneAllocator zones = emptiedI386(SimplePageAllocator.provider(), Duration.ofSeconds(10));
        long start = System.nanoTime();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_ATOMIC | QUIET, 0));
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_NOWAIT, 0));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void anInterruptEndsTheWaitAndStaysPending() throws Exception {
        DmaZoneAllocator zones = emptiedI386(SimplePageAllocator.provider(), Duration.ofSeconds(30));
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        long[] result = new long[1];
        Thread t = new Thread(() -> {
            result[0] = zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0);
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        }, "waiter");
        t.start();
        awaitWaiters(zones, 1);
        t.interrupt();
        assertTrue(interruptedAfter.get(5, TimeUnit.SECONDS));
        t.join();
        assertEquals(PageAllocator.NO_PAGE, result[0]);
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void nofailWaitsPastMaxWaitUntilMemoryComes(PageAllocatorProvider pages) throws Exception {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB, Duration.ZERO);
        List<Long> held = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0), "maxWait 0: no wait");
        CompletableFuture<Long> nofail = CompletableFuture.supplyAsync(
                () -> zones.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOFAIL, 0));
        awaitWaiters(zones, 1);
        Thread.sleep(30);
        assertFalse(nofail.isDone(), "still trying after several wait slices");
        // NOFAIL is helped with half of min: DMA32 needs more than 73 free pages; it has 55.
        Machine machine = machineOf(zones);
        int freed = 0;
        for (long pfn : held) {
            if (machine.zoneOf(pfn) == ZoneType.DMA32 && freed < 19) {
                zones.freePages(pfn, 0);
                freed++;
            }
        }
        long pfn = nofail.get(5, TimeUnit.SECONDS);
        assertNotEquals(PageAllocator.NO_PAGE, pfn);
        assertEquals(73, ZoneTesting.free(zones, ZoneType.DMA32));
    }

    @ParameterizedTest
    @MethodSource(PROVIDERS)
    void aSleepingRequestInAtomicContextIsABugEvenWithPlentyOfMemory(PageAllocatorProvider pages) {
        DmaZoneAllocator zones = ZoneTesting.boot(pages, MachineProfile.X86_64, 64 * MiB);
        Machine machine = machineOf(zones);
        long before = zones.freeFrames();
        SleepInAtomicBug bug = assertThrows(SleepInAtomicBug.class, () -> machine.context().runAtomic(
                "spin_lock(&dev->lock)", () -> zones.allocPages(Gfp.GFP_KERNEL, 0)));
        assertEquals("BUG: sleeping function called from invalid context at __alloc_pages(GFP_KERNEL)",
                bug.headline());
        assertTrue(bug.details().contains("atomic because: spin_lock(&dev->lock)"), bug.details());
        assertEquals(before, zones.freeFrames(), "nothing was allocated");
        assertThrows(SleepInAtomicBug.class, () -> machine.context().runInInterrupt(6, "floppy",
                () -> zones.allocPages(Gfp.GFP_NOIO | Gfp.GFP_DMA, 0)));
        long[] pfn = new long[1];
        machine.context().runInInterrupt(6, "floppy", () -> pfn[0] = zones.allocPages(Gfp.GFP_ATOMIC | Gfp.GFP_DMA, 0));
        assertTrue(pfn[0] >= 0 && pfn[0] < 4096, "GFP_ATOMIC|GFP_DMA is fine in an interrupt handler");
    }

    /** Gives a stingy shrinker 40 pages, lets GFP_ATOMIC take every other page, then registers it. */
    private static StingyShrinker stingyShrinkerOnAnEmptyMachine(DmaZoneAllocator zones) {
        StingyShrinker stingy = new StingyShrinker(zones, 40);
        ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        assertEquals(0, zones.freeFrames());
        zones.registerShrinker(stingy);
        return stingy;
    }

    private static Machine machineOf(DmaZoneAllocator zones) {
        return zones.machine();
    }

    private static void awaitWaiters(DmaZoneAllocator zones, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (zones.waiters() < count) {
            assertTrue(System.nanoTime() < deadline, "no thread started waiting");
            Thread.sleep(1);
        }
    }

    /** A shrinker that holds some pages and gives back one per scan, however many are asked for. */
    private static final class StingyShrinker implements Shrinker {
        private final DmaZoneAllocator zones;
        private final long[] pfns;
        private int size;
        final AtomicLong scans = new AtomicLong();

        StingyShrinker(DmaZoneAllocator zones, int pages) {
            this.zones = zones;
            this.pfns = new long[pages];
            for (int i = 0; i < pages; i++) {
                pfns[size++] = zones.allocPages(Gfp.GFP_KERNEL, 0);
            }
        }

        @Override
        public String name() {
            return "stingy";
        }

        @Override
        public synchronized long count() {
            return size;
        }

        @Override
        public synchronized long scan(long pages) {
            scans.incrementAndGet();
            if (size == 0) {
                return 0;
            }
            zones.freePages(pfns[--size], 0);
            return 1;
        }
    }

    /**
     * Linux 2.0 mm/page_alloc.c (tag 2.0) lines 193-203: reclaim only when nr_free_pages <= min_free_pages,
     * retry while try_to_free_page frees something, and never wait for another task.
     */
    @Test
    void linux20NeverWaitsForAnotherTask() throws Exception {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB, Duration.ofSeconds(10));
        List<Long> held = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        long start = System.nanoTime();
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 0));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "no wait for the 10 s maxWait");
        assertEquals(0, zones.waiters());
        for (long pfn : held) {
            zones.freePages(pfn, 0);
        }
    }

    /** A request that passes 2.0's reserve check but finds no block large enough gets 0 without reclaim. */
    @Test
    void linux20DoesNotReclaimWhenOnlyALargeEnoughBlockIsMissing() {
        DmaZoneAllocator zones = ZoneTesting.boot(SimplePageAllocator.provider(), MachineProfile.I386_LINUX_2_0,
                16 * MiB, Duration.ZERO);
        List<Long> held = ZoneTesting.drain(zones, Gfp.GFP_ATOMIC | QUIET, 0);
        for (int i = 0; i < held.size(); i += 2) {
            zones.freePages(held.get(i), 0);   // every other page: plenty free, no two side by side
        }
        AtomicLong scans = new AtomicLong();
        zones.registerShrinker(ZoneTesting.counting(scans));
        assertTrue(zones.freeFrames() > 32);
        assertEquals(PageAllocator.NO_PAGE, zones.allocPages(Gfp.GFP_KERNEL | QUIET, 1));
        assertEquals(0, scans.get(), "the reserve check passed: 2.0 returned 0 at once");
    }
}
