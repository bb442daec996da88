package org.kmemlab.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;
import org.kmemlab.api.bug.SleepInAtomicBug;

/**
 * Whether the current thread runs in process context (may sleep) or in atomic context (a simulated
 * interrupt handler, or a section that holds a spinlock), per machine and per thread.
 *
 * <h2>Why it matters</h2>
 * An interrupt handler cannot sleep: nothing would wake it. So a handler that allocates memory must use
 * {@code GFP_ATOMIC}, which never sleeps and may fail. Code that calls a function that might sleep
 * ({@code kmalloc(GFP_KERNEL)}) from atomic context is a bug even when memory is plentiful and the call
 * would not actually have slept: the kernel's {@code might_sleep()} check reports it every time, and so
 * does {@link #mightSleep(String)}.
 *
 * <p>Atomic sections nest (an interrupt may arrive while a spinlock is held); the depth is kept per
 * thread, so two threads on one machine do not see each other's context.
 *
 * <h2>Cost on the allocation path</h2>
 * Every {@code kmalloc(GFP_KERNEL)} asks {@link #mightSleep(int, String)}, and a thread-local lookup on
 * every call would be a good part of a fast allocation. So the context also counts the atomic sections
 * open on all threads together. While that count is 0, which is nearly always, no thread can be atomic
 * and the check ends after one read of a field no allocation writes. A thread that is itself atomic
 * always sees its own increment (a thread reads its own writes), so the shortcut never hides a bug.
 *
 * <h2>Linux 2.0 had no check under a spinlock</h2>
 * {@code might_sleep()} is today's; 2.0 only noticed a sleeping allocation in an interrupt handler
 * ({@code intr_count} in {@code __get_free_pages}, mm/page_alloc.c:181-187 of tag 2.0), and on the
 * uniprocessor PCs it ran on a spinlock was not even a lock. A kernel on the 2.0 era turns the spinlock
 * case off with {@link #reportSleepUnderSpinlock(boolean)}: a sleeping call under a spinlock then says
 * nothing, while one in a simulated interrupt handler is still reported. The switch is read only after
 * the open-sections shortcut, so it costs the allocation path nothing.
 */
public final class ExecutionContext {

    private static final VarHandle OPEN_SECTIONS;

    static {
        try {
            OPEN_SECTIONS = MethodHandles.lookup().findVarHandle(ExecutionContext.class, "openSections", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per thread: [0] atomic depth (preempt count), [1] interrupt depth. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[2]);
    private final ThreadLocal<String> reason = new ThreadLocal<>();
    /** Atomic sections open on all threads; changed atomically, read with opaque access. */
    private int openSections;
    /** False on the Linux 2.0 era: only interrupt handlers are checked. */
    private volatile boolean spinlockChecked = true;

    /** Creates a context in which every thread starts in process context. */
    public ExecutionContext() {
    }

    /** Returns true when the current thread is in atomic context (interrupt or spinlock). */
    public boolean inAtomic() {
        return depth.get()[0] > 0;
    }

    /** Returns true when the current thread runs a simulated interrupt handler. */
    public boolean inInterrupt() {
        return depth.get()[1] > 0;
    }

    /**
     * Runs {@code body} in atomic context, as if with a spinlock held.
     *
     * @param why what makes it atomic, shown in reports (e.g. {@code "spin_lock(&dev->lock)"})
     */
    public void runAtomic(String why, Runnable body) {
        callAtomic(why, () -> {
            body.run();
            return null;
        });
    }

    /** Calls {@code body} in atomic context and returns its result. */
    public <T> T callAtomic(String why, Supplier<T> body) {
        int[] d = depth.get();
        String outer = reason.get();
        d[0]++;
        OPEN_SECTIONS.getAndAdd(this, 1);
        reason.set(why);
        try {
            return body.get();
        } finally {
            d[0]--;
            OPEN_SECTIONS.getAndAdd(this, -1);
            reason.set(outer);
        }
    }

    /**
     * Runs {@code handler} as the interrupt handler of {@code irq}: atomic, with interrupts disabled.
     *
     * @param irq the interrupt line, e.g. 6 for the floppy controller
     * @param name the device's name, e.g. {@code "floppy"}
     */
    public void runInInterrupt(int irq, String name, Runnable handler) {
        int[] d = depth.get();
        String outer = reason.get();
        d[0]++;
        d[1]++;
        OPEN_SECTIONS.getAndAdd(this, 1);
        reason.set("irq " + irq + " (" + name + ")");
        try {
            handler.run();
        } finally {
            d[0]--;
            d[1]--;
            OPEN_SECTIONS.getAndAdd(this, -1);
            reason.set(outer);
        }
    }

    /**
     * Whether a sleeping call while a spinlock is held (atomic, but not in an interrupt handler) is
     * reported: true (today's {@code might_sleep()}) unless set otherwise; a Linux 2.0 kernel sets false.
     */
    public void reportSleepUnderSpinlock(boolean report) {
        spinlockChecked = report;
    }

    /** Returns whether a sleeping call under a spinlock is reported (see {@link #reportSleepUnderSpinlock}). */
    public boolean reportsSleepUnderSpinlock() {
        return spinlockChecked;
    }

    /**
     * The kernel's {@code might_sleep()}: raises {@link SleepInAtomicBug} when the current thread is in
     * atomic context (on a context that does not {@linkplain #reportSleepUnderSpinlock report the spinlock
     * case}: in an interrupt handler), and does nothing otherwise.
     *
     * @param where the call that may sleep, named in the report
     */
    public void mightSleep(String where) {
        int[] d = depth.get();
        if (d[0] > 0 && (d[1] > 0 || spinlockChecked)) {
            throw new SleepInAtomicBug(where, d[0], d[1] > 0, String.valueOf(reason.get()));
        }
    }

    /**
     * Calls {@link #mightSleep(String)} when {@code gfp} allows blocking ({@code __GFP_DIRECT_RECLAIM}),
     * which is what every allocator does on entry. Allocates nothing when the check passes.
     *
     * @param gfp the allocation's flags
     * @param where the call, e.g. {@code "kmalloc"}; the report adds the flags
     */
    public void mightSleep(int gfp, String where) {
        if (Gfp.allowsBlocking(gfp) && (int) OPEN_SECTIONS.getOpaque(this) != 0) {
            int[] d = depth.get();
            if (d[0] > 0 && (d[1] > 0 || spinlockChecked)) {
                throw new SleepInAtomicBug(where + "(" + Gfp.toString(gfp) + ")", d[0], d[1] > 0,
                        String.valueOf(reason.get()));
            }
        }
    }
}
