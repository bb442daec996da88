package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.stats.SlabInfo;

/**
 * Many threads on one kernel: every thread writes its own pattern into each allocation and checks it
 * before freeing, so an object handed to two threads at once shows up as a wrong byte; after the threads
 * finish, every page must be back and the reports must agree.
 */
class ConcurrencyTests {

    private static final int THREADS = 4;
    private static final int OPERATIONS = 20_000;

    /** Runs the stress workload on {@code kernel}; returns the first failure, or null. */
    static Throwable stress(Kernel kernel, long seed) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long threadSeed = seed + t;
            byte mark = (byte) (0x10 + t);
            threads.add(new Thread(() -> {
                try {
                    workload(kernel, new Random(threadSeed), mark);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stress-" + t));
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return failure.get();
    }

    private static void workload(Kernel kernel, Random random, byte mark) {
        long[] addr = new long[256];
        long[] size = new long[256];
        int[] kind = new int[256];
        for (int op = 0; op < OPERATIONS; op++) {
            int i = random.nextInt(addr.length);
            if (addr[i] != 0) {
                verify(kernel, addr[i], size[i], (byte) (mark + i));
                if (kind[i] == 2) {
                    kernel.freePages(addr[i], (int) size[i]);
                } else {
                    kernel.kfree(addr[i]);
                }
                addr[i] = 0;
                continue;
            }
            int choice = random.nextInt(20);
            if (choice == 0) {
                kind[i] = 2;
                size[i] = random.nextInt(3);
                addr[i] = kernel.getFreePages(Gfp.GFP_KERNEL, (int) size[i]);
                if (addr[i] != 0) {
                    kernel.fill(addr[i], 4096L << size[i], (byte) (mark + i));
                }
                continue;
            }
            kind[i] = choice < 3 ? 1 : 0;
            size[i] = choice < 3 ? 1 + random.nextInt(20_000) : 1 + random.nextInt(600);
            int gfp = random.nextInt(8) == 0 ? Gfp.GFP_KERNEL | Gfp.GFP_DMA : Gfp.GFP_KERNEL;
            addr[i] = kernel.kmalloc(size[i], gfp);
            if (addr[i] != 0) {
                kernel.fill(addr[i], size[i], (byte) (mark + i));
            }
        }
        for (int i = 0; i < addr.length; i++) {
            if (addr[i] != 0) {
                verify(kernel, addr[i], kind[i] == 2 ? 4096L << size[i] : size[i], (byte) (mark + i));
                if (kind[i] == 2) {
                    kernel.freePages(addr[i], (int) size[i]);
                } else {
                    kernel.kfree(addr[i]);
                }
            }
        }
    }

    private static void verify(Kernel kernel, long addr, long size, byte expected) {
        long bytes = Math.min(size, 4096);
        long phys = kernel.machine().pa(addr);
        long bad = kernel.machine().memory().findMismatch(phys, bytes, expected);
        if (bad >= 0) {
            throw new AssertionError("byte at 0x" + Long.toHexString(addr + (bad - phys)) + " of the "
                    + size + "-byte block at 0x" + Long.toHexString(addr) + " was overwritten by another thread");
        }
    }

    private static void checkEverythingCameBack(Kernel kernel, long free) {
        kernel.drainCpuCaches();
        assertEquals(free, kernel.meminfo().memFree(), kernel.procMeminfo());
        assertEquals(0, kernel.meminfo().slab(), kernel.procSlabinfo());
        for (SlabInfo row : kernel.slabinfo()) {
            assertEquals(0, row.activeObjects(), row.name());
        }
    }

    @Test
    void threadsNeverShareMemoryAndEverythingComesBackAfterJoin() throws InterruptedException {
        long seed = System.nanoTime();
        System.out.println("ConcurrencyTests seed " + seed);
        Kernel kernel = TestProviders.builder().profile(MachineProfile.X86_64).ram(128L << 20).boot();
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        Throwable failure = stress(kernel, seed);
        if (failure != null) {
            throw new AssertionError("seed " + seed, failure);
        }
        checkEverythingCameBack(kernel, free);
    }

    @Test
    void twoThreadsFreeingOnePointerAtOnceCannotBothSucceed() throws Exception {
        Kernel kernel = TestProviders.builder().boot();
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        CyclicBarrier start = new CyclicBarrier(2);
        for (int round = 0; round < 300; round++) {
            long p = kernel.kmalloc(round % 2 == 0 ? 64 : 9000, Gfp.GFP_KERNEL);
            AtomicInteger freed = new AtomicInteger();
            AtomicInteger bugs = new AtomicInteger();
            Runnable racer = () -> {
                try {
                    start.await();
                    kernel.kfree(p);
                    freed.incrementAndGet();
                } catch (KernelBug e) {
                    bugs.incrementAndGet();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Thread a = new Thread(racer);
            Thread b = new Thread(racer);
            a.start();
            b.start();
            a.join();
            b.join();
            assertEquals(1, freed.get(), "round " + round);
            assertEquals(1, bugs.get(), "round " + round);
        }
        checkEverythingCameBack(kernel, free);
    }

    @Test
    void aDrainRequestIsServedAtTheOwnersNextCall() throws Exception {
        Kernel kernel = TestProviders.builder().boot();
        CyclicBarrier step = new CyclicBarrier(2);
        Thread owner = new Thread(() -> {
            try {
                long p = kernel.kmalloc(100, Gfp.GFP_KERNEL);
                kernel.kfree(p);
                step.await();
                step.await();
                kernel.kfree(kernel.kmalloc(8, Gfp.GFP_KERNEL));
                step.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        owner.start();
        step.await();
        kernel.drainCpuCaches();
        assertTrue(kernel.slabinfo().get(4).activeObjects() > 0, "the owner still holds its magazine");
        step.await();
        step.await();
        assertEquals(0, kernel.slabinfo().get(4).activeObjects(), kernel.procSlabinfo());
        owner.join();
    }

    @Test
    void theCachesOfFinishedThreadsAreEmptiedAsNewThreadsArrive() throws InterruptedException {
        Kernel kernel = TestProviders.builder().boot();
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        for (int i = 0; i < 300; i++) {
            Thread t = new Thread(() -> kernel.kfree(kernel.kmalloc(100, Gfp.GFP_KERNEL)));
            t.start();
            t.join();
        }
        assertTrue(kernel.cachedThreads() < 100, "registered caches: " + kernel.cachedThreads());
        checkEverythingCameBack(kernel, free);
        assertEquals(1, kernel.cachedThreads(), "only this thread's cache is left");
    }
}
