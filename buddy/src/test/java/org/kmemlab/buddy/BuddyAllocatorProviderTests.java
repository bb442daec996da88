package org.kmemlab.buddy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;

class BuddyAllocatorProviderTests {

    private final Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0);

    @Test
    void registryFindsTheReferenceBuddyByName() {
        PageAllocatorProvider provider = ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference");

        assertInstanceOf(BuddyAllocatorProvider.class, provider);
        assertEquals("buddy-reference", provider.name());
    }

    @Test
    void createdAllocatorManagesTheConfiguredFramesAllFree() {
        PageAllocator buddy = new BuddyAllocatorProvider()
                .create(new PageAllocatorConfig(machine, "DMA", 256, 3840, 5));

        assertEquals(256, buddy.startPfn());
        assertEquals(3840, buddy.frames());
        assertEquals(5, buddy.maxOrder());
        assertEquals(3840, buddy.freeFrames());
        assertEquals(120, buddy.freeBlocks(5), "3840 frames from pfn 256 are 120 blocks of 32 (Linux 2.0's 128 KiB)");
    }

    @Test
    void eachCreateReturnsAnIndependentAllocator() {
        BuddyAllocatorProvider provider = new BuddyAllocatorProvider();
        PageAllocatorConfig config = new PageAllocatorConfig(machine, "DMA", 0, 64, 3);
        PageAllocator first = provider.create(config);
        PageAllocator second = provider.create(config);

        assertNotSame(first, second);
        long taken = first.allocate(3);
        assertEquals(64, second.freeFrames());
        assertEquals(taken, second.allocate(3), "the same first block: nothing shared");
    }

    @Test
    void nullConfigIsRejectedByName() {
        NullPointerException rejected = assertThrows(NullPointerException.class,
                () -> new BuddyAllocatorProvider().create(null));

        assertEquals("page allocator config must not be null", rejected.getMessage());
    }
}
