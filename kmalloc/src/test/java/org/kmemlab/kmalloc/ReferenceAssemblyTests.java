package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_ATOMIC;
import static org.kmemlab.api.Gfp.GFP_DMA;
import static org.kmemlab.api.Gfp.GFP_KERNEL;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;

/** The reference providers, found by name through ServiceLoader, assembled into kernels of both eras. */
class ReferenceAssemblyTests {

    private static Kernel boot(MachineProfile profile, long ram) {
        return Kernel.builder().systemProperties(new Properties()).profile(profile).ram(ram).boot();
    }

    @Test
    void theDefaultsAreTheReferenceProviders() {
        Kernel kernel = boot(MachineProfile.X86_64, 256L << 20);
        String config = kernel.configuration();
        assertTrue(config.contains("buddy-reference") && config.contains("bucket-reference")
                && config.contains("dma-zone-reference") && config.contains("(default)"), config);
    }

    @Test
    void linux20ServesTheSeedsBucketsAndPagesUpTo131048Bytes() {
        Kernel kernel = boot(MachineProfile.I386_LINUX_2_0, 16L << 20);
        long small = kernel.kmalloc(100, GFP_KERNEL);
        assertTrue(kernel.ksize(small) >= 100);
        long big = kernel.kmalloc(131_048, GFP_KERNEL);
        assertNotEquals(KernelMemory.NULL, big);
        assertEquals(KernelMemory.NULL, kernel.kmalloc(131_049, GFP_KERNEL));
        assertTrue(kernel.machine().dmesg().contains("kmalloc of too large a block (131049 bytes)."));
        kernel.kfree(small);
        kernel.kfree(big);
        // mm/kmalloc.c:445 of Linux 2.0; kmemlab stops after it by default (Linux20MisuseTests)
        KernelBug twice = assertThrows(KernelBug.class, () -> kernel.kfree(small));
        assertTrue(twice.headline().startsWith("kfree of non-kmalloced memory: "), twice.headline());
    }

    @Test
    void modernKernelRoundTripsEverySizeClassAndReportsIt() {
        Kernel kernel = boot(MachineProfile.X86_64, 256L << 20);
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        long[] live = new long[2000];
        for (int i = 0; i < live.length; i++) {
            long size = 1 + (i * 131L) % 20_000;
            live[i] = kernel.kmalloc(size, i % 7 == 0 ? GFP_KERNEL | GFP_DMA : GFP_ATOMIC);
            assertNotEquals(KernelMemory.NULL, live[i]);
            assertTrue(kernel.ksize(live[i]) >= size);
            kernel.writeLong(live[i], i);
        }
        for (int i = 0; i < live.length; i++) {
            assertEquals(i, kernel.readLong(live[i]));
        }
        assertTrue(kernel.meminfo().slab() > 0);
        assertTrue(kernel.procMeminfo().startsWith("MemTotal:"), kernel.procMeminfo());
        assertTrue(kernel.procBuddyinfo().contains("Node 0, zone      DMA"), kernel.procBuddyinfo());
        assertTrue(kernel.procZoneinfo().contains("pages free"));
        assertTrue(kernel.procSlabinfo().contains("kmalloc-64"), kernel.procSlabinfo());
        for (long p : live) {
            kernel.kfree(p);
        }
        assertThrows(KernelBug.class, () -> kernel.kfree(live[5] + 8));
        kernel.drainCpuCaches();
        assertEquals(free, kernel.meminfo().memFree());
        assertEquals(0, kernel.meminfo().slab());
        kernel.checkInvariants();
    }

    @Test
    void theFilledPageCacheIsReclaimedForSleepingRequestsOnly() {
        Kernel kernel = boot(MachineProfile.I386_LINUX_2_0, 16L << 20);
        long cached = kernel.pageCache().fillMachine();
        assertTrue(cached > 1000, "cached " + cached);
        assertEquals(cached * 4, kernel.meminfo().cached());
        int atomic = 0;
        while (kernel.getFreePages(GFP_ATOMIC, 0) != KernelMemory.NULL) {
            atomic++;
        }
        long kernelPages = 0;
        for (int i = 0; i < 100; i++) {
            if (kernel.getFreePages(GFP_KERNEL, 0) != KernelMemory.NULL) {
                kernelPages++;
            }
        }
        assertEquals(100, kernelPages, "GFP_KERNEL reclaims the page cache; GFP_ATOMIC got only " + atomic);
        assertTrue(kernel.pageCache().pages() < cached);
        for (long size : new long[] {100, 2000, 8000, 60_000}) {
            assertNotEquals(KernelMemory.NULL, kernel.kmalloc(size, GFP_KERNEL),
                    "a sleeping kmalloc of " + size + " bytes reclaims for its slab or its pages");
        }
    }

    @Test
    void theReferenceAssemblySurvivesTheConcurrencyStress() throws InterruptedException {
        long seed = System.nanoTime();
        System.out.println("ReferenceAssemblyTests stress seed " + seed);
        Kernel kernel = boot(MachineProfile.X86_64, 256L << 20);
        kernel.drainCpuCaches();
        long free = kernel.meminfo().memFree();
        Throwable failure = ConcurrencyTests.stress(kernel, seed);
        if (failure != null) {
            throw new AssertionError("seed " + seed, failure);
        }
        kernel.drainCpuCaches();
        assertEquals(free, kernel.meminfo().memFree(), kernel.procMeminfo());
        assertEquals(0, kernel.meminfo().slab(), kernel.procSlabinfo());
        kernel.checkInvariants();
    }
}
