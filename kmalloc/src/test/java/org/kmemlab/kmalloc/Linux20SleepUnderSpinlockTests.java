package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SleepInAtomicBug;

/**
 * A sleeping allocation under a spinlock: today's {@code might_sleep()} reports it, Linux 2.0 did not.
 * 2.0 (tag 2.0 of schwabe/davej-history) checked only {@code intr_count}, the interrupt nesting depth:
 * {@code mm/kmalloc.c} lines 269-276 ("kmalloc called nonatomically from interrupt") and
 * {@code mm/page_alloc.c} lines 181-187 ("gfp called nonatomically from interrupt"); it had no
 * {@code might_sleep()} and no i386 spinlock header ({@code include/asm-i386/} has none).
 */
class Linux20SleepUnderSpinlockTests {

    private final Kernel linux20 = TestProviders.builder().era(Era.LINUX_2_0).boot();

    @Test
    void gfpKernelUnderASpinlockIsServedWithoutAWordOn20() {
        long p = linux20.machine().context().callAtomic("spin_lock(&dev->lock)",
                () -> linux20.kmalloc(100, Gfp.GFP_KERNEL));
        assertTrue(p != KernelMemory.NULL);
        long page = linux20.machine().context().callAtomic("spin_lock(&dev->lock)",
                () -> linux20.getFreePages(Gfp.GFP_KERNEL, 1));
        assertTrue(page != KernelMemory.NULL);
        String log = linux20.machine().dmesg().text();
        assertFalse(log.contains("sleeping function"), log);
        assertFalse(log.contains("nonatomically"), log);
        assertFalse(linux20.machine().context().reportsSleepUnderSpinlock());
        linux20.freePages(page, 1);
        linux20.kfree(p);
    }

    @Test
    void gfpKernelInAnInterruptHandlerIsStillTwoPointZerosMessage() {
        KernelBug bug = assertThrows(KernelBug.class, () -> linux20.machine().context().runInInterrupt(6, "floppy",
                () -> linux20.kmalloc(100, Gfp.GFP_KERNEL)));
        assertTrue(bug.headline().startsWith("kmalloc called nonatomically from interrupt"), bug.headline());
    }

    @Test
    void todaysKernelStillReportsItUnderASpinlock() {
        Kernel modern = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).era(Era.MODERN).boot();
        assertTrue(modern.machine().context().reportsSleepUnderSpinlock());
        SleepInAtomicBug bug = assertThrows(SleepInAtomicBug.class, () -> modern.machine().context()
                .runAtomic("spin_lock(&dev->lock)", () -> modern.kmalloc(100, Gfp.GFP_KERNEL)));
        assertEquals("BUG: sleeping function called from invalid context at kmalloc(GFP_KERNEL)", bug.headline());
    }
}
