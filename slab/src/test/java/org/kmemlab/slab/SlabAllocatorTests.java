package org.kmemlab.slab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.testkit.contract.support.ContractPageSource;

class SlabAllocatorTests {

    private final Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
    private final ContractPageSource pages = new ContractPageSource(machine, 1024, 64, 8192, 512);

    private SlabAllocator cache(long size, int align, int flags, ObjectConstructor ctor) {
        return new SlabAllocator(new SlabCacheConfig(machine, pages, "test", size, align, flags, ctor));
    }

    @Test
    void aSlotIsTheObjectRoundedToEightPlusTheRedZoneRoundedToTheAlignment() {
        assertEquals(128, new SlabLayout(config(100, 0, SlabFlags.SLAB_HWCACHE_ALIGN)).slotSize);
        assertEquals(128, new SlabLayout(config(100, 0, SlabFlags.SLAB_HWCACHE_ALIGN | SlabFlags.SLAB_RED_ZONE))
                .slotSize);
        assertEquals(32, new SlabLayout(config(24, 0, SlabFlags.SLAB_HWCACHE_ALIGN)).slotSize,
                "HWCACHE_ALIGN halves the line while the object fits in half of it");
        assertEquals(8, new SlabLayout(config(1, 0, 0)).slotSize);
        assertEquals(112, new SlabLayout(config(100, 0, SlabFlags.SLAB_RED_ZONE)).slotSize);
    }

    @Test
    void theSlabOrderWastesAtMostAnEighth() {
        assertEquals(1, SlabLayout.chooseOrder(1152), "order 0 holds 3 and wastes 15.6%; order 1 holds 7");
        assertEquals(0, SlabLayout.chooseOrder(128));
        assertEquals(3, SlabLayout.chooseOrder(32768));
        assertEquals(4, SlabLayout.chooseOrder(32776), "an object with its red zone just over 8 pages");
    }

    @Test
    void successiveSlabsStartTheirFirstObjectOneColourFurther() {
        SlabAllocator c = cache(1000, 0, 0, null);
        SlabLayout l = c.layout();
        assertEquals(4, l.objectsPerSlab);
        assertEquals((4096 - 4 * 1000) / 64 + 1, l.colours, "96 leftover bytes: colours at 0 and 64");
        List<Long> firsts = new ArrayList<>();
        for (int slab = 0; slab < 3; slab++) {
            long first = c.allocate(Gfp.GFP_KERNEL);
            for (int i = 1; i < l.objectsPerSlab; i++) {
                assertNotEquals(0, c.allocate(Gfp.GFP_KERNEL));
            }
            firsts.add(first & 4095);
        }
        assertEquals(List.of(0L, 64L, 0L), firsts);
    }

    @Test
    void theConstructorRunsForEveryObjectOfANewSlabAndNeverAgain() {
        int[] calls = {0};
        SlabAllocator c = cache(256, 0, 0, addr -> calls[0]++);
        long p = c.allocate(Gfp.GFP_KERNEL);
        assertEquals(16, calls[0], "a page of 256-byte objects is constructed when it is made");
        for (int i = 0; i < 100; i++) {
            c.free(p);
            p = c.allocate(Gfp.GFP_KERNEL);
        }
        assertEquals(16, calls[0]);
    }

    @Test
    void misuseIsReportedWithTheCacheName() {
        SlabAllocator c = cache(64, 0, 0, null);
        long p = c.allocate(Gfp.GFP_KERNEL);
        InvalidFreeBug interior = assertThrows(InvalidFreeBug.class, () -> c.free(p + 8));
        assertEquals("BUG test (Not tainted): Invalid object pointer 0x" + Long.toHexString(p + 8), interior.headline());
        SlabCacheBug foreign = assertThrows(SlabCacheBug.class, () -> c.free(machine.pfnToVirt(12000)));
        assertTrue(foreign.headline().endsWith(", which is not in this cache"), foreign.headline());
        SlabCacheBug live = assertThrows(SlabCacheBug.class, c::destroy);
        assertEquals("kmem_cache_destroy test: Slab cache still has objects", live.headline());
        c.free(p);
        DoubleFreeBug twice = assertThrows(DoubleFreeBug.class, () -> c.free(p));
        assertEquals("BUG test (Not tainted): Object already free", twice.headline());
        c.checkInvariants();
        c.destroy();
        assertEquals(0, pages.outstandingPages());
        assertThrows(SlabCacheBug.class, () -> c.allocate(Gfp.GFP_KERNEL));
    }

    private SlabCacheConfig config(long size, int align, int flags) {
        return new SlabCacheConfig(machine, pages, "test", size, align, flags, null);
    }
}
