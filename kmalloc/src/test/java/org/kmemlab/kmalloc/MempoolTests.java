package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_ATOMIC;
import static org.kmemlab.api.Gfp.GFP_KERNEL;
import static org.kmemlab.api.Gfp.GFP_NOWAIT;
import static org.kmemlab.api.Gfp.__GFP_ZERO;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SleepInAtomicBug;

class MempoolTests {

    private final Kernel kernel = TestProviders.builder().cpuCaches(false).boot();

    /** Takes every page and every 128-byte object the machine has left; returns them for the clean-up. */
    private List<long[]> exhaust() {
        List<long[]> taken = new ArrayList<>();
        for (long p = kernel.getFreePages(GFP_NOWAIT, 0); p != KernelMemory.NULL; p = kernel.getFreePages(GFP_NOWAIT, 0)) {
            taken.add(new long[] {p, 0});
        }
        for (long p = kernel.kmalloc(128, GFP_NOWAIT); p != KernelMemory.NULL; p = kernel.kmalloc(128, GFP_NOWAIT)) {
            taken.add(new long[] {p, 1});
        }
        return taken;
    }

    private void giveBack(List<long[]> taken) {
        for (long[] t : taken) {
            if (t[1] == 0) {
                kernel.freePages(t[0], 0);
            } else {
                kernel.kfree(t[0]);
            }
        }
    }

    @Test
    void aPoolUnderTotalExhaustionStillServesMinNrRequests() {
        long freeBefore = kernel.meminfo().memFree();
        Mempool pool = kernel.mempoolCreateKmallocPool(4, 128);
        List<long[]> taken = exhaust();
        assertEquals(KernelMemory.NULL, kernel.kmalloc(128, GFP_ATOMIC), "the machine is out of memory");
        Set<Long> served = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            long element = kernel.mempoolAlloc(pool, i % 2 == 0 ? GFP_ATOMIC : GFP_NOWAIT);
            assertNotEquals(KernelMemory.NULL, element, "request " + (i + 1) + " comes from the reserve");
            kernel.fill(element, 128, (byte) i);
            served.add(element);
            assertEquals(3 - i, pool.reserved());
        }
        assertEquals(4, served.size(), "four distinct elements");
        assertEquals(KernelMemory.NULL, kernel.mempoolAlloc(pool, GFP_ATOMIC), "a fifth cannot sleep, so it fails");
        for (long element : served) {
            kernel.mempoolFree(element, pool);
        }
        assertEquals(4, pool.reserved(), "freeing refills the reserve first");
        giveBack(taken);
        kernel.mempoolDestroy(pool);
        kernel.drainCpuCaches();
        assertEquals(freeBefore, kernel.meminfo().memFree());
    }

    @Test
    void aSleepingAllocationWaitsUntilAnotherThreadFreesAnElement() throws Exception {
        Mempool pool = kernel.mempoolCreateKmallocPool(2, 128);
        List<long[]> taken = exhaust();
        long first = kernel.mempoolAlloc(pool, GFP_NOWAIT);
        long second = kernel.mempoolAlloc(pool, GFP_NOWAIT);
        assertEquals(0, pool.reserved());
        CompletableFuture<Long> sleeper = CompletableFuture.supplyAsync(() -> kernel.mempoolAlloc(pool, GFP_KERNEL));
        Thread.sleep(300);
        assertFalse(sleeper.isDone(), "GFP_KERNEL waits instead of failing");
        kernel.mempoolFree(second, pool);
        assertEquals(second, sleeper.get(5, TimeUnit.SECONDS), "the freed element goes to the sleeper");
        kernel.mempoolFree(first, pool);
        kernel.mempoolFree(second, pool);
        giveBack(taken);
        kernel.mempoolDestroy(pool);
    }

    @Test
    void theAllocatorIsTriedFirstWithoutReclaimThenTheReserveThenWithTheFullGfp() {
        List<Integer> seen = new ArrayList<>();
        int[] failuresLeft = {0};
        Mempool pool = kernel.mempoolCreate(1, gfp -> {
            seen.add(gfp);
            if (failuresLeft[0] > 0) {
                failuresLeft[0]--;
                return KernelMemory.NULL;
            }
            return kernel.kmalloc(32, gfp);
        }, kernel::kfree);
        assertEquals(List.of(GFP_KERNEL), seen, "the reserve is filled with GFP_KERNEL");
        seen.clear();
        int light = (GFP_KERNEL | Gfp.__GFP_NOMEMALLOC | Gfp.__GFP_NORETRY | Gfp.__GFP_NOWARN)
                & ~(Gfp.__GFP_DIRECT_RECLAIM | Gfp.__GFP_IO);
        long a = kernel.mempoolAlloc(pool, GFP_KERNEL);
        assertEquals(List.of(light), seen, "memory is easy to get: the reserve is not touched");
        assertEquals(1, pool.reserved());
        failuresLeft[0] = 1;
        seen.clear();
        long b = kernel.mempoolAlloc(pool, GFP_KERNEL);
        assertEquals(0, pool.reserved(), "the allocator failed, the reserve served");
        failuresLeft[0] = 1;
        seen.clear();
        long c = kernel.mempoolAlloc(pool, GFP_KERNEL);
        assertEquals(List.of(light, light | Gfp.__GFP_DIRECT_RECLAIM | Gfp.__GFP_IO), seen,
                "with the reserve empty it retries with the caller's full gfp");
        for (long e : new long[] {a, b, c}) {
            kernel.mempoolFree(e, pool);
        }
        assertEquals(1, pool.reserved());
        kernel.mempoolDestroy(pool);
    }

    @Test
    void createReturnsNullAndFreesWhatItGotWhenTheReserveCannotBeFilled() {
        List<Long> freed = new ArrayList<>();
        int[] left = {2};
        Mempool pool = kernel.mempoolCreate(3, gfp -> left[0]-- > 0 ? 100 + left[0] : KernelMemory.NULL, freed::add);
        assertNull(pool);
        assertEquals(List.of(100L, 101L), freed, "both elements it got are given back");
        assertThrows(IllegalArgumentException.class, () -> kernel.mempoolCreate(0, gfp -> 1, e -> { }));
    }

    @Test
    void aPagePoolHandsOutBlocksAndDestroyGivesTheReserveBack() {
        long freeBefore = kernel.meminfo().memFree();
        Mempool pool = kernel.mempoolCreatePagePool(2, 1);
        assertEquals(freeBefore - 16, kernel.meminfo().memFree(), "two order-1 blocks in reserve");
        long block = kernel.mempoolAlloc(pool, GFP_KERNEL);
        assertEquals(0, block & 4095, "a page-aligned block");
        kernel.fill(block, 8192, (byte) 1);
        kernel.mempoolFree(block, pool);
        kernel.mempoolDestroy(pool);
        assertEquals(freeBefore, kernel.meminfo().memFree());
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.mempoolAlloc(pool, GFP_ATOMIC));
        assertEquals("BUG: mempool used after mempool_destroy()", bug.headline());
        kernel.mempoolDestroy(null);
    }

    @Test
    void misuseIsReported() {
        Mempool pool = kernel.mempoolCreateKmallocPool(1, 16);
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> kernel.mempoolAlloc(pool, GFP_KERNEL | __GFP_ZERO));
        assertEquals("mempool_alloc mode GFP_KERNEL|__GFP_ZERO has __GFP_ZERO; zero the element yourself",
                zero.getMessage());
        assertThrows(SleepInAtomicBug.class, () -> kernel.machine().context().runInInterrupt(6, "floppy",
                () -> kernel.mempoolAlloc(pool, GFP_KERNEL)));
        long fromIrq = kernel.machine().context().callAtomic("irq", () -> kernel.mempoolAlloc(pool, GFP_ATOMIC));
        assertNotEquals(KernelMemory.NULL, fromIrq);
        kernel.mempoolFree(fromIrq, pool);
        kernel.mempoolFree(KernelMemory.NULL, pool);
        assertTrue(pool.toString().startsWith("Mempool[min_nr=1, curr_nr="), pool.toString());
        kernel.mempoolDestroy(pool);
    }
}
