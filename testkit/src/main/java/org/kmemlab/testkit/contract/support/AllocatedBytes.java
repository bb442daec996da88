package org.kmemlab.testkit.contract.support;

import java.lang.management.ManagementFactory;

/**
 * The current thread's allocated-bytes counter (HotSpot's
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}): how the tests of hot paths,
 * and the contracts' {@code no-garbage} warnings, see whether code allocates Java objects.
 *
 * <p>Use: {@link #counter()} (null on a JVM without the counter, so a caller can say it skipped), run the
 * code once to warm it up (classes loaded, code compiled), then read {@link #now()} before and after the
 * measured run. Reading the counter allocates nothing; {@link #calibrated()} checks that the counter does
 * see an allocation, so that a zero difference proves something.
 */
public final class AllocatedBytes {

    private final com.sun.management.ThreadMXBean threads;

    private AllocatedBytes(com.sun.management.ThreadMXBean threads) {
        this.threads = threads;
    }

    /**
     * The system property that turns the counter off: with {@code -Dkmemlab.allocatedBytes=off},
     * {@link #counter()} returns {@code null}, as on a JVM without one. The grader sets it: there the
     * contract runs against a proxy whose allocator lives in another JVM, so this thread's counter would
     * count the channel's own objects (every call's frame), not the allocator's, and warn falsely.
     */
    public static final String SWITCH = "kmemlab.allocatedBytes";

    /**
     * Returns the counter, or {@code null} when this JVM does not count allocated bytes per thread or
     * {@link #SWITCH} is {@code off}.
     */
    public static AllocatedBytes counter() {
        if ("off".equals(System.getProperty(SWITCH))) {
            return null;
        }
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported()) {
            return null;
        }
        if (!threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        return new AllocatedBytes(threads);
    }

    /** Returns the bytes the current thread has allocated since it started. */
    public long now() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    /**
     * Returns the bytes {@code work} allocates in the current thread on its second run, the first being
     * its warm-up (classes loaded, code compiled).
     */
    public long ofSecondRun(Runnable work) {
        work.run();
        long before = now();
        work.run();
        return now() - before;
    }

    /** True when the counter sees a 16 KiB array being allocated (it counts, so a 0 difference means 0). */
    public boolean calibrated() {
        long before = now();
        byte[] probe = new byte[16_384];
        long after = now();
        return after - before >= probe.length;
    }
}
