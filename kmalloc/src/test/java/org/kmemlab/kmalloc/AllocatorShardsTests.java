package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.stats.SlabInfo;

/**
 * kmalloc's per-CPU slabs ({@link AllocatorShards}): two live threads take their objects from different
 * instances of the object allocator and so from different pages; an object freed by a thread other than
 * the one whose shard made it waits in that thread's alien buffer and goes back in a batch of
 * {@value CpuCache#ALIEN_LIMIT}; a double free is caught on that path too; and everything comes back.
 */
class AllocatorShardsTests {

    private static final int OBJECTS = 200;

    /** Runs {@code body} on a new thread while the caller stays alive; rethrows what it threw. */
    private static void onOtherThread(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("the other thread failed", failure.get());
        }
    }

    private static long activeObjects(Kernel kernel) {
        long n = 0;
        for (SlabInfo row : kernel.slabinfo()) {
            n += row.activeObjects();
        }
        return n;
    }

    @Test
    void aKernelWithPerThreadCachesHasAtLeastTwoShardsAndOneWithout() {
        assertTrue(AllocatorShards.countFor(true) >= 2 && AllocatorShards.countFor(true) <= AllocatorShards.MAX_SHARDS,
                "shards: " + AllocatorShards.countFor(true));
        assertEquals(1, AllocatorShards.countFor(false));
    }

    @Test
    void twoLiveThreadsTakeTheirObjectsFromDifferentPages() throws InterruptedException {
        Kernel kernel = TestProviders.builder().boot();
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        long[] mine = new long[OBJECTS];
        Set<Long> myPages = new HashSet<>();
        for (int i = 0; i < OBJECTS; i++) {
            mine[i] = kernel.kmalloc(64, Gfp.GFP_KERNEL);
            myPages.add(kernel.machine().virtToPfn(mine[i]));
        }
        onOtherThread(() -> {
            long[] theirs = new long[OBJECTS];
            for (int i = 0; i < OBJECTS; i++) {
                theirs[i] = kernel.kmalloc(64, Gfp.GFP_KERNEL);
                long pfn = kernel.machine().virtToPfn(theirs[i]);
                assertTrue(!myPages.contains(pfn), "object " + i + " of the second thread lies in pfn " + pfn
                        + ", a page of the first thread's shard");
            }
            for (long p : theirs) {
                kernel.kfree(p);
            }
        });
        for (long p : mine) {
            kernel.kfree(p);
        }
        kernel.drainCpuCaches();
        assertEquals(free, kernel.meminfo().memFree(), kernel.procMeminfo());
        assertEquals(0, kernel.meminfo().slab(), kernel.procSlabinfo());
    }

    @Test
    void remoteFreesGoBackToTheirShardInBatchesAndADoubleFreeIsStillCaught() throws InterruptedException {
        Kernel kernel = TestProviders.builder().boot();
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        int remote = CpuCache.ALIEN_LIMIT + 1;
        long[] mine = new long[remote];
        for (int i = 0; i < remote; i++) {
            mine[i] = kernel.kmalloc(64, Gfp.GFP_KERNEL);
        }
        long active = activeObjects(kernel);
        onOtherThread(() -> {
            for (int i = 0; i < CpuCache.ALIEN_LIMIT; i++) {
                kernel.kfree(mine[i]);
            }
            assertEquals(active, activeObjects(kernel), "twelve remote frees wait in the alien buffer");
            kernel.kfree(mine[CpuCache.ALIEN_LIMIT]);
            assertEquals(active - CpuCache.ALIEN_LIMIT, activeObjects(kernel),
                    "the thirteenth remote free sends the first twelve back to their shard");
            assertThrows(DoubleFreeBug.class, () -> kernel.kfree(mine[CpuCache.ALIEN_LIMIT]),
                    "a second free of an object in the alien buffer");
        });
        assertThrows(DoubleFreeBug.class, () -> kernel.kfree(mine[CpuCache.ALIEN_LIMIT]),
                "the maker's free of an object another thread freed");
        kernel.drainCpuCaches();
        assertEquals(free, kernel.meminfo().memFree(), kernel.procMeminfo());
        assertEquals(0, kernel.meminfo().slab(), kernel.procSlabinfo());
    }
}
