package org.kmemlab.api.bug;

import org.kmemlab.api.Checks;

/**
 * A function that may sleep was called from atomic context (an interrupt handler or with a spinlock
 * held): the kernel's {@code BUG: sleeping function called from invalid context}.
 *
 * <pre>
 * BUG: sleeping function called from invalid context at kmalloc(GFP_KERNEL)
 * in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 1, name: main
 * kmemlab: atomic because: irq 6 (floppy)
 * Hint: in an interrupt handler or under a spinlock allocate with GFP_ATOMIC, and check for NULL
 * </pre>
 * The first two lines have today's form ({@code __might_resched}); where the kernel prints the source
 * file and line ({@code at mm/slub.c:4151}) kmemlab names the call, and the line that says what made the
 * context atomic is kmemlab's (the kernel goes on with {@code preempt_count} and {@code RCU nest depth}).
 */
public final class SleepInAtomicBug extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final String where;

    /**
     * Creates a report.
     *
     * @param where the call site that may sleep, e.g. {@code "kmalloc(GFP_KERNEL)"}
     * @param inAtomic the atomic nesting depth
     * @param irqsDisabled true in an interrupt handler
     * @param context what made the context atomic, e.g. {@code "irq 6 (floppy)"}
     */
    public SleepInAtomicBug(String where, int inAtomic, boolean irqsDisabled, String context) {
        super("BUG: sleeping function called from invalid context at " + where,
                Checks.format("in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s\n"
                                + "kmemlab: atomic because: %s",
                        inAtomic, irqsDisabled ? 1 : 0, ProcessHandle.current().pid(),
                        Thread.currentThread().getName(), context),
                "in an interrupt handler or under a spinlock allocate with GFP_ATOMIC (it never sleeps)"
                        + " and check for NULL, or move the allocation before the lock is taken");
        this.where = where;
    }

    /** Returns the call site named in the report. */
    public String where() {
        return where;
    }
}
