package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_ATOMIC;
import static org.kmemlab.api.Gfp.GFP_KERNEL;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;

class KmemCachesTests {

    private static Kernel boot(String debug) {
        KernelBuilder b = TestProviders.builder().slabs("slab-reference");
        if (debug != null) {
            b.debug(debug);
        }
        return b.boot();
    }

    private final Kernel kernel = boot(null);

    private static SlabInfo row(Kernel k, String name) {
        for (SlabInfo r : k.slabinfo()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void theConstructorRunsOncePerObjectNotOnEveryAllocation() {
        AtomicInteger calls = new AtomicInteger();
        KmemCache c = kernel.kmemCacheCreate("dentry", 192, 0, SlabFlags.SLAB_HWCACHE_ALIGN, addr -> {
            calls.incrementAndGet();
            kernel.writeLong(addr, 0x1234);
        });
        long first = kernel.kmemCacheAlloc(c, GFP_KERNEL);
        int afterFirst = calls.get();
        assertTrue(afterFirst >= 1, "the first allocation constructs at least its own object");
        for (int i = 0; i < 1000; i++) {
            long p = kernel.kmemCacheAlloc(c, GFP_KERNEL);
            assertEquals(0x1234, kernel.readLong(p), "every object comes constructed");
            kernel.kmemCacheFree(c, p);
        }
        assertEquals(afterFirst, calls.get(), "1000 allocations of freed objects ran no constructor");
        assertEquals(0, first & 63, "SLAB_HWCACHE_ALIGN puts a 192-byte object on a cache line");
        kernel.kmemCacheFree(c, first);
        kernel.kmemCacheDestroy(c);
    }

    @Test
    void slabinfoHasOneRowPerNamedCacheAfterTheKmallocRows() {
        KmemCache c = kernel.kmemCacheCreate("my_struct", 100, 0, SlabFlags.SLAB_HWCACHE_ALIGN, null);
        long p = kernel.kmemCacheAlloc(c, GFP_KERNEL);
        List<SlabInfo> rows = kernel.slabinfo();
        assertEquals("my_struct", rows.get(rows.size() - 1).name());
        SlabInfo r = row(kernel, "my_struct");
        assertEquals(128, r.objectSize(), "a 100-byte object in a 128-byte slot");
        assertTrue(r.activeObjects() >= 1);
        assertTrue(kernel.procSlabinfo().contains("my_struct"), kernel.procSlabinfo());
        assertEquals(FrameOwner.KMEM_CACHE, kernel.frameOwner(kernel.machine().virtToPfn(p)));
        kernel.kmemCacheFree(c, p);
        kernel.kmemCacheDestroy(c);
        assertEquals(null, row(kernel, "my_struct"), "a destroyed cache has no row");
    }

    @Test
    void destroyWithLiveObjectsSaysWhatLinuxSaysAndChangesNothing() {
        KmemCache c = kernel.kmemCacheCreate("buffer_head", 104, 0, 0, null);
        long p = kernel.kmemCacheAlloc(c, GFP_KERNEL);
        SlabCacheBug bug = assertThrows(SlabCacheBug.class, () -> kernel.kmemCacheDestroy(c));
        assertEquals("kmem_cache_destroy buffer_head: Slab cache still has objects", bug.headline());
        assertEquals("INFO: 1 object is still allocated", bug.details());
        kernel.kmemCacheFree(c, p);
        kernel.kmemCacheDestroy(c);
        SlabCacheBug after = assertThrows(SlabCacheBug.class, () -> kernel.kmemCacheAlloc(c, GFP_KERNEL));
        assertEquals("BUG buffer_head: kmem_cache_alloc after kmem_cache_destroy", after.headline());
    }

    @Test
    void freeingIntoTheWrongCacheNamesBothCaches() {
        KmemCache a = kernel.kmemCacheCreate("inode", 64, 0, 0, null);
        KmemCache b = kernel.kmemCacheCreate("file", 64, 0, 0, null);
        long p = kernel.kmemCacheAlloc(a, GFP_KERNEL);
        SlabCacheBug bug = assertThrows(SlabCacheBug.class, () -> kernel.kmemCacheFree(b, p));
        assertEquals("kmem_cache_free: Wrong slab cache. file but object is from inode", bug.headline());
        long k = kernel.kmalloc(64, GFP_KERNEL);
        SlabCacheBug fromKmalloc = assertThrows(SlabCacheBug.class, () -> kernel.kmemCacheFree(b, k));
        assertTrue(fromKmalloc.headline().startsWith("kmem_cache_free: Wrong slab cache. file but object is from kmalloc-"),
                fromKmalloc.headline());
        KernelBug kfree = assertThrows(KernelBug.class, () -> kernel.kfree(p));
        assertTrue(kfree.getMessage().contains("kmem_cache_free()"), kfree.getMessage());
        kernel.kfree(k);
        kernel.kmemCacheFree(a, p);
        kernel.kmemCacheDestroy(a);
        kernel.kmemCacheDestroy(b);
    }

    @Test
    void aDoubleFreeIsCaughtEvenWhileTheObjectWaitsInAMagazine() {
        KmemCache c = kernel.kmemCacheCreate("sock", 256, 0, 0, null);
        long p = kernel.kmemCacheAlloc(c, GFP_KERNEL);
        kernel.kmemCacheFree(c, p);
        DoubleFreeBug bug = assertThrows(DoubleFreeBug.class, () -> kernel.kmemCacheFree(c, p));
        assertEquals("BUG sock (Not tainted): Object already free", bug.headline());
        assertThrows(InvalidFreeBug.class, () -> {
            long q = kernel.kmemCacheAlloc(c, GFP_KERNEL);
            try {
                kernel.kmemCacheFree(c, q + 8);
            } finally {
                kernel.kmemCacheFree(c, q);
            }
        });
        kernel.kmemCacheDestroy(c);
    }

    @Test
    void destroyClaimsObjectsWaitingInAnotherLiveThreadsMagazine() throws Exception {
        KmemCache c = kernel.kmemCacheCreate("task_struct", 512, 0, 0, null);
        java.util.concurrent.CountDownLatch freed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread other = new Thread(() -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                mine.add(kernel.kmemCacheAlloc(c, GFP_KERNEL));
            }
            for (long p : mine) {
                kernel.kmemCacheFree(c, p);
            }
            freed.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        freed.await();
        long before = kernel.meminfo().memFree();
        kernel.kmemCacheDestroy(c);
        assertTrue(kernel.meminfo().memFree() > before, "the slabs went back to the page allocator");
        done.countDown();
        other.join();
    }

    @Test
    void theLinux20EraHasNoNamedCaches() {
        Kernel old = TestProviders.builder().era(Era.LINUX_2_0).profile(MachineProfile.I386_LINUX_2_0).boot();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> old.kmemCacheCreate("dentry", 64, 0, 0, null));
        assertTrue(e.getMessage().contains("Linux 2.0 has no named slab caches"), e.getMessage());
        assertTrue(e.getMessage().contains("2.1.23"), e.getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> kernel.kmemCacheCreate("huge", 1 << 20, 0, 0, null));
        assertEquals("object size 1048576 is not 1..32768", size.getMessage());
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
                () -> kernel.kmemCacheCreate("odd", 64, 0, 0x1, null));
        assertTrue(flag.getMessage().startsWith("slab flag 0x1 is not one of"), flag.getMessage());
        KmemCache c = kernel.kmemCacheCreate("twice", 64, 0, 0, null);
        assertThrows(IllegalArgumentException.class, () -> kernel.kmemCacheCreate("twice", 64, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> kernel.kmemCacheCreate("kmalloc-64", 64, 0, 0, null));
        kernel.kmemCacheDestroy(c);
    }

    @Test
    void slabDebugPoisonsAndRedZonesNamedCaches() {
        Kernel debug = boot("ZP");
        KmemCache c = debug.kmemCacheCreate("skbuff", 100, 0, 0, null);
        assertEquals(SlabFlags.SLAB_POISON | SlabFlags.SLAB_RED_ZONE, c.flags());
        long p = debug.kmemCacheAlloc(c, GFP_KERNEL);
        debug.writeByte(p + 104, (byte) 0x41);
        CorruptionBug overrun = assertThrows(CorruptionBug.class, () -> debug.kmemCacheFree(c, p));
        assertEquals("BUG skbuff (Not tainted): Right Redzone overwritten", overrun.headline());
        debug.kmemCacheFree(c, p);
        debug.writeByte(p + 3, (byte) 0);
        CorruptionBug useAfterFree = assertThrows(CorruptionBug.class, () -> debug.kmemCacheAlloc(c, GFP_KERNEL));
        assertEquals("BUG skbuff (Not tainted): Poison overwritten", useAfterFree.headline());
        long again = debug.kmemCacheAlloc(c, GFP_KERNEL);
        assertNotEquals(0, again);
        debug.kmemCacheFree(c, again);
        debug.kmemCacheDestroy(c);
    }

    @Test
    void failslabFailsCacheAllocations() {
        KmemCache c = kernel.kmemCacheCreate("failing", 32, 0, 0, null);
        kernel.faultInjection().failslab(FaultAttr.probability(100).withTimes(1));
        assertEquals(Kernel.NULL, kernel.kmemCacheAlloc(c, GFP_ATOMIC), "failslab ignores sleeping requests");
        long p = kernel.kmemCacheAlloc(c, GFP_ATOMIC);
        assertNotEquals(Kernel.NULL, p, "times 1: only the first allocation failed");
        kernel.kmemCacheFree(c, p);
        kernel.kmemCacheDestroy(c);
    }

    @Test
    void shrinkGivesEmptySlabsBack() {
        KmemCache c = kernel.kmemCacheCreate("shrinkme", 1024, 0, 0, null);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            objects.add(kernel.kmemCacheAlloc(c, GFP_KERNEL));
        }
        for (long p : objects) {
            kernel.kmemCacheFree(c, p);
        }
        assertTrue(kernel.kmemCacheShrink(c) > 0);
        assertEquals(0, row(kernel, "shrinkme").totalSlabs());
        kernel.checkInvariants();
        kernel.kmemCacheDestroy(c);
    }

    /**
     * With per-CPU caches, emptying the caller's magazine frees objects into their slabs, and the slab
     * allocator may give an emptied slab's pages back right then; shrink counts those pages too, so
     * slabinfo's pages fall by exactly what it returns (kernel.cache-shrink).
     */
    @Test
    void shrinkCountsThePagesGivenBackWhileEmptyingTheMagazines() {
        Kernel k = TestProviders.builder().slabs("slab-reference").cpuCaches(true).boot();
        KmemCache c = k.kmemCacheCreate("counted", 192, 0, 0, null);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            objects.add(k.kmemCacheAlloc(c, GFP_KERNEL));
        }
        for (long p : objects) {
            k.kmemCacheFree(c, p);
        }
        SlabInfo before = row(k, "counted");
        long returned = k.kmemCacheShrink(c);
        SlabInfo after = row(k, "counted");
        assertEquals(before.totalSlabs() * before.pagesPerSlab() - after.totalSlabs() * after.pagesPerSlab(), returned,
                "pages given back: " + before + " -> " + after);
        assertTrue(returned > 0, "an emptied cache gives pages back");
        k.checkInvariants();
        k.kmemCacheDestroy(c);
    }
}
