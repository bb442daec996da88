package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.bug.SleepInAtomicBug;

class ExecutionContextTests {

    private final ExecutionContext context = new ExecutionContext();

    @Test
    void processContextMaySleep() {
        assertFalse(context.inAtomic());
        assertDoesNotThrow(() -> context.mightSleep("msleep"));
        assertDoesNotThrow(() -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc"));
    }

    @Test
    void aSleepingAllocationInAnInterruptHandlerIsABug() {
        SleepInAtomicBug bug = assertThrows(SleepInAtomicBug.class,
                () -> context.runInInterrupt(6, "floppy", () -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc")));
        assertEquals("BUG: sleeping function called from invalid context at kmalloc(GFP_KERNEL)", bug.headline());
        assertTrue(bug.details().startsWith("in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: "), bug.details());
        // kernel/sched/core.c prints no such line: it is labelled as kmemlab's
        assertTrue(bug.details().endsWith("\nkmemlab: atomic because: irq 6 (floppy)"), bug.details());
        assertTrue(bug.getMessage().contains("\nHint: in an interrupt handler or under a spinlock allocate with GFP_ATOMIC"));
    }

    @Test
    void atomicAllocationsPassInAtomicContext() {
        context.runAtomic("spin_lock(&dev->lock)", () -> {
            assertTrue(context.inAtomic());
            assertFalse(context.inInterrupt());
            assertDoesNotThrow(() -> context.mightSleep(Gfp.GFP_ATOMIC, "kmalloc"));
            assertThrows(SleepInAtomicBug.class, () -> context.mightSleep("schedule"));
        });
        assertFalse(context.inAtomic(), "the atomic section ended");
    }

    @Test
    void atomicSectionsNestAndEndEvenWhenTheBodyThrows() {
        assertThrows(SleepInAtomicBug.class, () -> context.runAtomic("outer", () ->
                context.runInInterrupt(1, "keyboard", () -> context.mightSleep("schedule"))));
        assertFalse(context.inAtomic());
        assertFalse(context.inInterrupt());
    }

    @Test
    void eachThreadHasItsOwnContext() throws InterruptedException {
        AtomicBoolean otherAtomic = new AtomicBoolean(true);
        context.runAtomic("lock", () -> {
            Thread other = new Thread(() -> otherAtomic.set(context.inAtomic()));
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(otherAtomic.get());
    }

    @Test
    void theShortcutForAnIdleMachineNeitherHidesNorInventsABug() throws InterruptedException {
        AtomicBoolean otherMaySleep = new AtomicBoolean();
        context.runAtomic("lock", () -> {
            Thread other = new Thread(() -> {
                context.mightSleep(Gfp.GFP_KERNEL, "kmalloc");
                otherMaySleep.set(true);
            });
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThrows(SleepInAtomicBug.class, () -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc"),
                    "this thread is atomic while another thread is not");
        });
        assertTrue(otherMaySleep.get(), "one thread's atomic section does not make another thread atomic");
        assertThrows(SleepInAtomicBug.class, () -> context.runInInterrupt(1, "keyboard",
                () -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc")), "the count went back and up again");
        assertDoesNotThrow(() -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc"), "and back to none open");
    }

    /** Linux 2.0 checked only intr_count (mm/kmalloc.c:269-276, mm/page_alloc.c:181-187 of tag 2.0). */
    @Test
    void withoutTheSpinlockCheckOnlyAnInterruptHandlerIsReported() {
        context.reportSleepUnderSpinlock(false);
        assertDoesNotThrow(() -> context.runAtomic("spin_lock(&dev->lock)", () -> {
            context.mightSleep(Gfp.GFP_KERNEL, "kmalloc");
            context.mightSleep("schedule");
        }));
        assertThrows(SleepInAtomicBug.class, () -> context.runAtomic("spin_lock(&dev->lock)",
                () -> context.runInInterrupt(6, "floppy", () -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc"))));
        context.reportSleepUnderSpinlock(true);
        assertThrows(SleepInAtomicBug.class, () -> context.runAtomic("spin_lock(&dev->lock)",
                () -> context.mightSleep(Gfp.GFP_KERNEL, "kmalloc")));
    }
}
