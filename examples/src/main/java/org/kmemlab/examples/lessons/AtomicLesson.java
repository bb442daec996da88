package org.kmemlab.examples.lessons;

import org.kmemlab.api.Era;
import org.kmemlab.api.ExecutionContext;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: in an interrupt handler, allocate with {@code GFP_ATOMIC}.
 *
 * <p>An interrupt handler runs with interrupts off and cannot sleep: nothing would ever wake it. So it
 * may only ask for memory with {@code GFP_ATOMIC}, which never sleeps and may fail (check it!). In
 * return the allocator lets atomic requests dig into a reserve below the {@code min} watermark that
 * ordinary requests must leave alone, so an interrupt handler is the last to go hungry.
 *
 * <p>The lesson runs a simulated floppy interrupt handler ({@code machine.context().runInInterrupt}):
 * first correctly, then on a machine whose free memory has fallen to the watermark (where today's
 * {@code GFP_NOWAIT} fails, or on Linux 2.0, which had no GFP_NOWAIT, {@code GFP_KERNEL} finds nothing above
 * {@code min_free_pages} to reclaim, but {@code GFP_ATOMIC} still succeeds), and finally with {@code GFP_KERNEL},
 * which the kernel reports as a bug every time, even when memory is plentiful. The report differs by
 * era: today's kernel says {@code BUG: sleeping function called from invalid context}; Linux 2.0 printed
 * {@code kmalloc called nonatomically from interrupt} and carried on with GFP_ATOMIC (the first four
 * times), which the lesson shows on a 2.0 machine with {@code kmemlab.misuse=carry-on}.
 *
 * <p>Try: replace {@code runInInterrupt} by {@code runAtomic("spin_lock(&dev->lock)", ...)}: holding a
 * spinlock is atomic context too, and today's {@code might_sleep()} reports it. On the Linux 2.0 era nothing
 * is reported there: 2.0 checked only interrupt handlers ({@code intr_count}), so the check under a
 * spinlock is a modern one.
 */
public final class AtomicLesson extends Lesson {

    /** The floppy controller's interrupt line on a PC. */
    static final int FLOPPY_IRQ = 6;
    static final long BUFFER_BYTES = 512;

    /** Creates the lesson. */
    public AtomicLesson() {
        super("atomic", "GFP_ATOMIC from an interrupt handler, and the bug report when GFP_KERNEL is used there");
    }

    @Override
    public void run(LessonContext ctx) {
        Kernel kernel = ctx.kernel();
        ExecutionContext cpu = kernel.machine().context();

        ctx.step("the floppy interrupt handler allocates a sector buffer with GFP_ATOMIC");
        long[] got = new long[1];
        cpu.runInInterrupt(FLOPPY_IRQ, "floppy", () -> {
            long buf = kernel.kmalloc(BUFFER_BYTES, Gfp.GFP_ATOMIC);
            if (buf == KernelMemory.NULL) {
                return;                          // no memory: the request is retried later
            }
            kernel.fill(buf, BUFFER_BYTES, (byte) 0xe5);
            got[0] = buf;
        });
        ctx.expect(got[0] != KernelMemory.NULL, "GFP_ATOMIC to succeed on an idle machine");
        ctx.say("   in_interrupt: kmalloc(%d, GFP_ATOMIC) = 0x%x", BUFFER_BYTES, got[0]);
        kernel.kfree(got[0]);

        ctx.step("memory runs short: ordinary requests have taken everything down to the watermark");
        // Linux 2.0 had no GFP_NOWAIT: its ordinary request is GFP_KERNEL, which here has nothing to reclaim.
        boolean linux20 = kernel.era() == Era.LINUX_2_0;
        int ordinaryGfp = linux20 ? Gfp.GFP_KERNEL : Gfp.GFP_NOWAIT;
        String ordinary = linux20 ? "GFP_KERNEL" : "GFP_NOWAIT";
        MemoryHog hog = MemoryHog.exhaust(kernel, ordinaryGfp, 0);
        ctx.say("   %s requests stopped after %d pages; now:", ordinary, hog.pages());
        if (linux20) {
            long free = 0;
            long reserve = 0;
            for (ZoneStats zone : kernel.zoneinfo()) {
                free += zone.free();
                reserve += zone.min();
            }
            ctx.say("   nr_free_pages %d, min_free_pages %d: 2.0 checked one reserve for the whole machine", free,
                    reserve);
        } else {
            for (ZoneStats zone : kernel.zoneinfo()) {
                if (zone.managed() > 0) {
                    ctx.say("   zone %-7s %6d pages free, min watermark %d", zone.type().procName(), zone.free(),
                            zone.min());
                }
            }
        }
        long refused = kernel.getFreePages(ordinaryGfp | Gfp.__GFP_NOWARN, 0);
        ctx.expect(refused == KernelMemory.NULL, ordinary + " to fail at the watermark");
        long[] atomic = new long[1];
        cpu.runInInterrupt(FLOPPY_IRQ, "floppy", () -> atomic[0] = kernel.getFreePages(Gfp.GFP_ATOMIC, 0));
        ctx.expect(atomic[0] != KernelMemory.NULL, "GFP_ATOMIC to dig into the reserve below the watermark");
        ctx.say("   %s: NULL;  GFP_ATOMIC in the handler: 0x%x, taken from the reserve", ordinary, atomic[0]);
        kernel.freePages(atomic[0], 0);
        hog.releaseAll();

        ctx.step("a buggy handler asks for GFP_KERNEL (memory is plentiful again)");
        try {
            cpu.runInInterrupt(FLOPPY_IRQ, "floppy", () -> {
                long buf = kernel.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL);   // BUG: may sleep
                if (buf != KernelMemory.NULL) {
                    kernel.kfree(buf);
                }
            });
            throw new LessonFailed("GFP_KERNEL in an interrupt handler to be reported");
        } catch (KernelBug bug) {
            ctx.report(bug);
        }
        if (kernel.era() == Era.LINUX_2_0) {
            ctx.step("the same handler on Linux 2.0 as it really ran (kmemlab.misuse=carry-on)");
            Kernel as20 = ctx.builder().carryOnAfterMisuse(true).boot();
            long[] buf = new long[1];
            as20.machine().context().runInInterrupt(FLOPPY_IRQ, "floppy",
                    () -> buf[0] = as20.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL));
            ctx.expect(buf[0] != KernelMemory.NULL, "2.0 to serve the handler's GFP_KERNEL as GFP_ATOMIC");
            ctx.say("   kmalloc(%d, GFP_KERNEL) in the handler = 0x%x: 2.0 printed one line, went on with GFP_ATOMIC",
                    BUFFER_BYTES, buf[0]);
            ctx.say("   (the first 4 times; from the 5th it kept GFP_KERNEL and could schedule() in the handler)");
            as20.kfree(buf[0]);
            ctx.say("   Today's kernel (era MODERN) reports \"BUG: sleeping function called from invalid context\".");
            ctx.say("   2.0 checked only interrupt handlers (intr_count): GFP_KERNEL under a spinlock went unreported;"
                    + " the check there is today's might_sleep().");
        } else {
            ctx.say("   Linux 2.0 instead printed \"kmalloc called nonatomically from interrupt\" and went on with"
                    + " GFP_ATOMIC, the first 4 times (try --profile i386).");
        }
        ctx.say("");
        ctx.say("Rule: interrupt handlers and code under a spinlock use GFP_ATOMIC (and check for NULL);"
                + " GFP_KERNEL only where you may sleep.");
    }
}
