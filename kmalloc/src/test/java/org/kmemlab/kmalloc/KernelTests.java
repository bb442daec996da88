package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_ATOMIC;
import static org.kmemlab.api.Gfp.GFP_DMA;
import static org.kmemlab.api.Gfp.GFP_KERNEL;
import static org.kmemlab.api.Gfp.__GFP_NOWARN;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.Oops;
import org.kmemlab.api.bug.SleepInAtomicBug;
import org.kmemlab.api.spi.PageAllocator;

class KernelTests {

    private final Kernel kernel = TestProviders.builder().boot();

    @Test
    void kmallocOfZeroReturnsZeroSizePtrWhichFaults() {
        assertEquals(KernelMemory.ZERO_SIZE_PTR, kernel.kmalloc(0, GFP_KERNEL));
        Oops oops = assertThrows(Oops.class, () -> kernel.readByte(KernelMemory.ZERO_SIZE_PTR));
        assertEquals("Unable to handle kernel NULL pointer dereference at virtual address c0000010", oops.headline(),
                "the i386 machine reports in 2.0's words (Linux20OopsTests)");
        assertTrue(oops.advice().contains("ZERO_SIZE_PTR"), oops.advice());
        assertThrows(Oops.class, () -> kernel.writeInt(KernelMemory.NULL, 1));
    }

    @Test
    void kfreeOfNullAndZeroSizePtrDoesNothing() {
        long free = kernel.meminfo().memFree();
        kernel.kfree(KernelMemory.NULL);
        kernel.kfree(KernelMemory.ZERO_SIZE_PTR);
        assertEquals(free, kernel.meminfo().memFree());
        assertEquals(0, kernel.ksize(KernelMemory.NULL));
    }

    @Test
    void smallRequestsUseTheObjectAllocatorsClassesAndLargeOnesWholePages() {
        long small = kernel.kmalloc(100, GFP_KERNEL);
        assertEquals(128, kernel.ksize(small));
        long largest = kernel.kmalloc(2048, GFP_KERNEL);
        assertEquals(2048, kernel.ksize(largest));
        long large = kernel.kmalloc(2049, GFP_KERNEL);
        assertEquals(4096, kernel.ksize(large));
        assertEquals(0, large & 4095, "a large kmalloc starts on a page");
        long larger = kernel.kmalloc(5000, GFP_KERNEL);
        assertEquals(8192, kernel.ksize(larger));
        for (long p : new long[] {small, largest, large, larger}) {
            kernel.kfree(p);
        }
    }

    @Test
    void aRequestAboveTheMaximumReturnsNullWithAWarning() {
        assertEquals(KernelMemory.NULL, kernel.kmalloc((4L << 20) + 1, GFP_KERNEL));
        assertTrue(kernel.machine().dmesg().contains("exceeds KMALLOC_MAX_SIZE"), kernel.dmesg());
    }

    @Test
    void linux20WarnsWithItsOwnMessageAboveTheLargestBucket() {
        Kernel old = TestProviders.builder().era(Era.LINUX_2_0).boot();
        assertEquals(KernelMemory.NULL, old.kmalloc(131_049, GFP_KERNEL));
        // mm/kmalloc.c:252 (tag 2.0) at printk's DEFAULT_MESSAGE_LOGLEVEL 4 (kernel/printk.c:33, 175), and no
        // time stamp: 2.0's printk kept none.
        assertTrue(old.dmesg().contains("<4>kmalloc of too large a block (131049 bytes).\n"), old.dmesg());
        assertFalse(old.dmesg().contains("<4>["), old.dmesg());
        Kernel today = TestProviders.builder().era(Era.MODERN).boot();
        assertTrue(today.dmesg().startsWith("<6>[    0."), today.dmesg());
        long p = old.kmalloc(131_048, GFP_KERNEL);
        assertNotEquals(KernelMemory.NULL, p);
        assertEquals(128 * 1024, old.ksize(p));
        old.kfree(p);
    }

    @Test
    void aSecondKfreeOfAnObjectInAMagazineIsADoubleFree() {
        long p = kernel.kmalloc(64, GFP_KERNEL);
        kernel.kfree(p);
        DoubleFreeBug bug = assertThrows(DoubleFreeBug.class, () -> kernel.kfree(p));
        assertEquals("BUG kmalloc-64 (Not tainted): Object already free", bug.headline());
        long again = kernel.kmalloc(64, GFP_KERNEL);
        assertEquals(p, again, "the double free changed nothing: the object is handed out once more");
        kernel.kfree(again);
    }

    @Test
    void withoutCpuCachesTheObjectAllocatorReportsTheDoubleFree() {
        Kernel plain = TestProviders.builder().cpuCaches(false).boot();
        long p = plain.kmalloc(64, GFP_KERNEL);
        plain.kfree(p);
        assertThrows(DoubleFreeBug.class, () -> plain.kfree(p));
        assertEquals(0, plain.slabinfo().get(3).activeObjects(), "kmalloc-64 is exact without magazines");
    }

    @Test
    void interiorPointersAndForeignAddressesAreRejected() {
        long p = kernel.kmalloc(64, GFP_KERNEL);
        assertThrows(KernelBug.class, () -> kernel.kfree(p + 8));
        assertThrows(KernelBug.class, () -> kernel.kfree(p + 3));
        long large = kernel.kmalloc(10_000, GFP_KERNEL);
        InvalidFreeBug inside = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(large + 4096));
        assertTrue(inside.headline().contains("inside a large kmalloc block"), inside.getMessage());
        assertThrows(InvalidFreeBug.class, () -> kernel.kfree(large + 16));
        long image = kernel.machine().va(kernel.machine().profile().kernelLoadAddress());
        InvalidFreeBug notOwned = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(image));
        assertTrue(notOwned.getMessage().contains("boot memory"), notOwned.getMessage());
        assertThrows(InvalidFreeBug.class, () -> kernel.kfree(0x1234L));
        long pages = kernel.getFreePages(GFP_KERNEL, 1);
        InvalidFreeBug wrongApi = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(pages));
        assertTrue(wrongApi.advice().contains("free_pages"), wrongApi.getMessage());
        kernel.kfree(p);
        kernel.kfree(large);
        kernel.freePages(pages, 1);
    }

    @Test
    void aDoubleKfreeOfALargeBlockIsCaught() {
        long large = kernel.kmalloc(10_000, GFP_KERNEL);
        kernel.kfree(large);
        assertThrows(KernelBug.class, () -> kernel.kfree(large));
    }

    @Test
    void kfreeWithASizeChecksTheSizeClass() {
        long p = kernel.kmalloc(100, GFP_KERNEL);
        InvalidFreeBug bug = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(p, 40));
        assertTrue(bug.headline().startsWith("BUG kmalloc-128 (Not tainted): kfree_s of 0x"), bug.headline());
        assertThrows(InvalidFreeBug.class, () -> kernel.kfree(p, 129));
        kernel.kfree(p, 65);
        long large = kernel.kmalloc(10_000, GFP_KERNEL);
        assertThrows(InvalidFreeBug.class, () -> kernel.kfree(large, 5000));
        kernel.kfree(large, 12_000);
    }

    @Test
    void kreallocKeepsTheContentsAndTheBlockWhenItFits() {
        long p = kernel.krealloc(KernelMemory.NULL, 40, GFP_KERNEL);
        kernel.writeLong(p, 0x1122334455667788L);
        assertEquals(p, kernel.krealloc(p, 64, GFP_KERNEL), "kmalloc-64 holds 64 bytes already");
        long q = kernel.krealloc(p, 1000, GFP_KERNEL);
        assertNotEquals(p, q);
        assertEquals(0x1122334455667788L, kernel.readLong(q));
        long r = kernel.krealloc(q, 9000, GFP_KERNEL);
        assertEquals(0x1122334455667788L, kernel.readLong(r));
        assertEquals(KernelMemory.ZERO_SIZE_PTR, kernel.krealloc(r, 0, GFP_KERNEL));
        assertThrows(KernelBug.class, () -> kernel.ksize(r));
    }

    @Test
    void aFailedKreallocLeavesTheOldBlockIntact() {
        long p = kernel.kmalloc(32, GFP_KERNEL);
        kernel.writeInt(p, 77);
        while (kernel.getFreePages(GFP_ATOMIC | __GFP_NOWARN, 0) != KernelMemory.NULL) {
            // fill the machine
        }
        assertEquals(KernelMemory.NULL, kernel.krealloc(p, 100_000, GFP_ATOMIC | __GFP_NOWARN));
        assertEquals(77, kernel.readInt(p));
        assertEquals(32, kernel.ksize(p));
    }

    @Test
    void kcallocChecksForOverflowAndZeroes() {
        assertEquals(KernelMemory.NULL, kernel.kcalloc(Long.MAX_VALUE / 2, 3, GFP_KERNEL));
        long p = kernel.kmalloc(256, GFP_KERNEL);
        kernel.fill(p, 256, (byte) 0x5a);
        kernel.kfree(p);
        long q = kernel.kcalloc(32, 8, GFP_KERNEL);
        assertEquals(p, q, "the object comes back from the magazine");
        for (int i = 0; i < 256; i++) {
            assertEquals(0, kernel.readByte(q + i));
        }
    }

    @Test
    void dmaRequestsGetMemoryBelow16MiB() {
        Kernel big = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
        for (int i = 0; i < 200; i++) {
            long p = big.kmalloc(512, GFP_KERNEL | GFP_DMA);
            assertTrue(big.machine().pa(p) < (16L << 20));
            long q = big.getFreePages(GFP_KERNEL | GFP_DMA, 2);
            assertTrue(big.machine().pa(q) < (16L << 20));
        }
        assertTrue(big.procSlabinfo().contains("dma-kmalloc-512"), big.procSlabinfo());
    }

    @Test
    void getFreePagesChecksTheOrderOnFree() {
        long p = kernel.getFreePages(GFP_KERNEL, 2);
        BadPageStateBug wrong = assertThrows(BadPageStateBug.class, () -> kernel.freePages(p, 1));
        assertTrue(wrong.getMessage().contains("allocated with order 2"), wrong.getMessage());
        assertThrows(BadPageStateBug.class, () -> kernel.freePages(p + 4096, 0));
        kernel.freePages(p, 2);
        assertThrows(BadPageStateBug.class, () -> kernel.freePages(p, 2));
        kernel.freePages(KernelMemory.NULL, 3);
        assertEquals(KernelMemory.NULL, kernel.getFreePages(GFP_KERNEL, 11));
        assertTrue(kernel.machine().dmesg().contains("page allocation of order 11"));
    }

    @Test
    void allocPagesReturnsAFrameAndZeroedPagesAreZero() {
        long pfn = kernel.allocPages(GFP_KERNEL, 0);
        assertNotEquals(PageAllocator.NO_PAGE, pfn);
        long addr = kernel.machine().pfnToVirt(pfn);
        kernel.fill(addr, 4096, (byte) 1);
        kernel.freePagesPfn(pfn, 0);
        long zeroed = kernel.getZeroedPage(GFP_KERNEL);
        assertEquals(addr, zeroed, "the page comes back from this thread's page list");
        for (int i = 0; i < 4096; i += 64) {
            assertEquals(0, kernel.readByte(zeroed + i));
        }
        kernel.freePages(zeroed, 0);
    }

    @Test
    void sleepingAllocationsInAtomicContextAreBugsEvenWhenMemoryIsPlentiful() {
        kernel.machine().context().runInInterrupt(6, "floppy", () -> {
            assertThrows(SleepInAtomicBug.class, () -> kernel.kmalloc(64, GFP_KERNEL));
            assertThrows(SleepInAtomicBug.class, () -> kernel.getFreePages(GFP_KERNEL, 0));
            long p = kernel.kmalloc(64, GFP_ATOMIC);
            assertNotEquals(KernelMemory.NULL, p);
            kernel.kfree(p);
        });
    }

    @Test
    void everyPageComesBackAfterEverythingIsFreed() {
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        long[] live = new long[500];
        for (int i = 0; i < live.length; i++) {
            live[i] = kernel.kmalloc(1 + (i * 37L) % 9000, i % 5 == 0 ? GFP_KERNEL | GFP_DMA : GFP_KERNEL);
        }
        assertTrue(kernel.meminfo().memFree() < free);
        assertTrue(kernel.meminfo().slab() > 0);
        for (long p : live) {
            kernel.kfree(p);
        }
        kernel.drainCpuCaches();
        assertEquals(free, kernel.meminfo().memFree());
        assertEquals(0, kernel.meminfo().slab());
    }

    @Test
    void aSleepingKmallocReclaimsThePageCacheWithoutHoldingTheObjectLock() {
        Kernel full = TestProviders.builder().cpuCaches(false).boot();
        long cached = full.pageCache().fillMachine();
        assertEquals(0, full.meminfo().memFree());
        assertEquals(KernelMemory.NULL, full.kmalloc(64, GFP_ATOMIC | __GFP_NOWARN), "atomic cannot reclaim");
        long p = full.kmalloc(64, GFP_KERNEL);
        assertNotEquals(KernelMemory.NULL, p);
        assertEquals(cached - 1, full.pageCache().pages(), "one page-cache page became the slab page");
        assertEquals(4, full.meminfo().slab());
        full.kfree(p);
    }
}
