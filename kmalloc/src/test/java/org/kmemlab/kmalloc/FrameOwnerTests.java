package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_KERNEL;

import org.junit.jupiter.api.Test;

class FrameOwnerTests {

    private final Kernel kernel = TestProviders.builder().boot();

    private FrameOwner ownerOf(long addr) {
        return kernel.frameOwner(kernel.machine().virtToPfn(addr));
    }

    @Test
    void frameOwnerFollowsEachKindOfAllocationAndItsFree() {
        long small = kernel.kmalloc(64, GFP_KERNEL);
        long large = kernel.kmalloc(3 * 4096, GFP_KERNEL);
        long pages = kernel.getFreePages(GFP_KERNEL, 1);
        assertEquals(FrameOwner.SLAB, ownerOf(small));
        assertEquals(FrameOwner.KMALLOC_LARGE, ownerOf(large));
        assertEquals(FrameOwner.KMALLOC_LARGE, ownerOf(large + 3 * 4096), "a tail frame reports its block's owner");
        assertEquals(FrameOwner.PAGES, ownerOf(pages + 4096));
        assertEquals(FrameOwner.RESERVED, kernel.frameOwner(0), "frame 0 is reserved at boot");
        kernel.freePages(pages, 1);
        kernel.kfree(large);
        kernel.kfree(small);
        kernel.drainCpuCaches();
        assertTrue(ownerOf(large) == FrameOwner.FREE || ownerOf(large) == FrameOwner.PER_CPU_LIST,
                "a freed large block is free or parked: " + ownerOf(large));
    }

    @Test
    void frameOwnerRejectsAFrameOutsideRam() {
        long frames = kernel.machine().frames();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.frameOwner(frames));
        assertEquals("pfn " + frames + " is not a frame of RAM (0.." + (frames - 1) + ")", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.frameOwner(-1));
    }

    @Test
    void aKernelBootedOnAGivenMachineKeepsItsBootReservationsForGood() {
        org.kmemlab.api.Machine machine = org.kmemlab.api.Machine.boot(org.kmemlab.api.MachineProfile.I386_LINUX_2_0,
                16L << 20);
        long sound = machine.bootMemory().allocate("sound DMA buffer", 64 * 1024, 64 * 1024);
        KernelBuilder builder = TestProviders.builder().machine(machine);
        Kernel booted = builder.boot();
        assertTrue(booted.machine() == machine, "the kernel runs on the given machine");
        assertEquals(FrameOwner.RESERVED, booted.frameOwner(machine.physToPfn(sound)));
        assertThrows(org.kmemlab.api.bug.KernelBug.class, () -> booted.freePagesPfn(machine.physToPfn(sound), 4));
        IllegalStateException again = assertThrows(IllegalStateException.class, builder::boot);
        assertTrue(again.getMessage().startsWith("the machine given to machine(...) already runs a kernel"),
                again.getMessage());
    }
}
