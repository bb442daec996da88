package org.kmemlab.examples.lessons;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: a caller that may sleep can wait for memory instead of failing.
 *
 * <p>{@code GFP_KERNEL} means "I am in process context, I may sleep". When no memory is free, the
 * allocator first reclaims (drops page cache, shrinks caches) and then puts the caller to sleep until
 * another thread frees memory, for a bounded time. {@code GFP_NOWAIT} and {@code GFP_ATOMIC} never
 * sleep: they fail at once. Old drivers often did the waiting themselves, in a loop that gives the CPU
 * away between tries (the last step of the lesson):
 * <pre>
 *   while (!(buf = kmalloc(size, GFP_NOWAIT)))   // try without sleeping in the allocator
 *           schedule();                           // let someone else run, and free memory
 * </pre>
 *
 * <p>Which era: the allocator's wait is today's. Linux 2.0's {@code __get_free_pages} reclaimed
 * ({@code try_to_free_page}) when the reserve check failed and then returned 0; it never waited for
 * another task, and it had no {@code GFP_NOWAIT}. On the 2.0 era the lesson shows that, and the driver's
 * own {@code schedule()} loop (with GFP_KERNEL) is how a 2.0 driver waited.
 *
 * <p>Two threads run here. A "writeback" thread holds every free page and gives them back after
 * {@link #HOLD_MILLIS} ms. Meanwhile the main thread asks for 4 pages: first with {@code GFP_NOWAIT}
 * (fails immediately), then with {@code GFP_KERNEL} (sleeps until the other thread frees, then
 * succeeds). The times printed are measured.
 *
 * <p>Try: make {@link #HOLD_MILLIS} longer than the kernel's wait ({@code maxWait}, 2 s here) and see
 * GFP_KERNEL give up too.
 */
public final class WaitLesson extends Lesson {

    /** How long the other thread holds the memory. */
    static final long HOLD_MILLIS = 200;
    /** The order asked for: 4 pages. */
    static final int ORDER = 2;

    /** Creates the lesson. */
    public WaitLesson() {
        super("wait", "wait and retry: a GFP_KERNEL caller sleeps until another thread frees memory");
    }

    @Override
    public void run(LessonContext ctx) {
        // A sleeping allocation may wait up to 2 s here; per-thread page lists off, so that pages the
        // other thread frees go straight back to the zones where the waiting thread can find them.
        Kernel kernel = ctx.builder().maxWait(Duration.ofSeconds(2)).cpuCaches(false).boot();

        ctx.step("the writeback thread takes every free page and will give them back in " + HOLD_MILLIS + " ms");
        CountDownLatch holding = new CountDownLatch(1);
        long[] held = new long[1];
        Thread writeback = new Thread(() -> {
            MemoryHog hog = MemoryHog.exhaust(kernel, Gfp.GFP_ATOMIC, 0);
            held[0] = hog.pages();
            holding.countDown();
            sleep(HOLD_MILLIS);
            hog.releaseAll();
        }, "writeback");
        writeback.start();
        await(holding);
        ctx.say("   it holds %d pages", held[0]);

        boolean linux20 = kernel.era() == Era.LINUX_2_0;
        // 2.0 had no GFP_NOWAIT; its request that never sleeps is GFP_ATOMIC (which here finds nothing either)
        int noSleep = linux20 ? Gfp.GFP_ATOMIC : Gfp.GFP_NOWAIT;
        String noSleepName = linux20 ? "GFP_ATOMIC" : "GFP_NOWAIT";
        ctx.step(noSleepName + ": may not sleep, so it fails at once");
        long start = System.nanoTime();
        long p = kernel.getFreePages(noSleep, ORDER);
        long nowaitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ctx.expect(p == KernelMemory.NULL, noSleepName + " to fail while the other thread holds all memory");
        ctx.say("   %s returned NULL after %d ms", LessonContext.getFreePagesCall(kernel.era(), noSleepName, ORDER, false),
                nowaitMillis);

        if (linux20) {
            ctx.step("GFP_KERNEL on Linux 2.0: reclaims, then returns 0 at once; the allocator never waits");
            start = System.nanoTime();
            p = kernel.getFreePages(Gfp.GFP_KERNEL, ORDER);
            long kernelMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            ctx.expect(p == KernelMemory.NULL, "2.0's GFP_KERNEL to fail without waiting for the other thread");
            ctx.say("   %s returned NULL after %d ms: waiting is the driver's job",
                    LessonContext.getFreePagesCall(kernel.era(), "GFP_KERNEL", ORDER, false), kernelMillis);
            ctx.say("   (today's kernel sleeps in the allocator until memory is freed: try --profile x86_64)");
        } else {
            ctx.step("GFP_KERNEL: sleeps in the allocator until memory is freed");
            start = System.nanoTime();
            p = kernel.getFreePages(Gfp.GFP_KERNEL, ORDER);
            long kernelMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            ctx.expect(p != KernelMemory.NULL, "GFP_KERNEL to succeed once the other thread frees its pages");
            ctx.say("   __get_free_pages(GFP_KERNEL, %d) returned 0x%x after %d ms of sleep", ORDER, p, kernelMillis);
            ctx.say("   (Linux 2.0's allocator returned 0 here at once; its drivers waited themselves, as below)");
            kernel.freePages(p, ORDER);
        }
        join(writeback);

        ctx.step(linux20 ? "the 2.0 way: the driver calls schedule() and tries again"
                : "the old way: try without sleeping, and call schedule() between tries");
        MemoryHog hog = MemoryHog.exhaust(kernel, Gfp.GFP_ATOMIC, 0);
        Thread freer = new Thread(() -> {
            sleep(HOLD_MILLIS / 2);
            hog.releaseAll();
        }, "freer");
        freer.start();
        int tries = 0;
        long buf = KernelMemory.NULL;
        while (buf == KernelMemory.NULL && tries < 1000) {
            tries++;
            buf = kernel.kmalloc(8192, linux20 ? Gfp.GFP_KERNEL : Gfp.GFP_NOWAIT);
            if (buf == KernelMemory.NULL) {
                sleep(5);                       // schedule(): let the thread that frees memory run
            }
        }
        join(freer);
        ctx.expect(buf != KernelMemory.NULL, "the retry loop to get memory once the other thread freed it");
        ctx.say("   kmalloc(8192) succeeded on try %d", tries);
        kernel.kfree(buf);
        ctx.say("");
        ctx.say("Rule: in process context, GFP_KERNEL lets today's allocator reclaim and wait for you (2.0's only"
                + " reclaimed); never spin on a failing allocation without sleeping.");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
