package org.kmemlab.grader;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.kmemlab.grader.child.Wire;

/**
 * The watch over one submission JVM: a daemon thread of the grader that polls every 20 ms and kills the
 * child (and every process it started) when the running property has used its time, when the group's
 * wall-clock or CPU budget or the run's deadline is used up, or when the child runs more threads than it
 * had after start-up plus the rubric's allowance and one per lane the grader opened. Killing the child
 * closes the channel, which wakes every caller waiting on it with {@link Wire.Gone}; a child that ends by
 * itself closes it too. {@link #kill()} then says why the grader stopped it, and {@link #cpuNanos()} how
 * much CPU time it used.
 */
final class ChildWatch {

    /** What a property may take on top of its time while the child JVM starts (the first step's clock). */
    private static final Duration STARTUP_ALLOWANCE = Duration.ofSeconds(15);

    private final Process process;
    private final Sandbox sandbox;
    private final Wire wire;
    private final Limits limits;
    private final long cpuAlreadyUsed;
    private final long groupDeadline;
    private final long runDeadline;
    private final Thread thread;
    /** The JVM inside the sandbox (under bubblewrap {@link #process} is bwrap), once it is seen. */
    private volatile ProcessHandle jvm;
    private volatile long stepDeadline;
    private volatile ChildRun.Kill kill;
    private volatile boolean closing;
    private volatile int threadLimit = Integer.MAX_VALUE;
    private volatile long cpuNanos = -1;
    private final CpuTime clock;

    /**
     * Makes the watch; {@link #start} starts it.
     *
     * @param cpuAlreadyUsed CPU milliseconds earlier children of the same group used
     * @param groupDeadline {@link System#nanoTime()} at which the group's wall-clock budget ends
     * @param runDeadline {@link System#nanoTime()} at which the whole run must end
     * @param started {@link System#nanoTime()} at which the child was started
     */
    ChildWatch(Process process, Sandbox sandbox, Wire wire, Limits limits, long cpuAlreadyUsed,
               long groupDeadline, long runDeadline, long started) {
        this.process = process;
        this.clock = new CpuTime(process.toHandle());
        this.sandbox = sandbox;
        this.wire = wire;
        this.limits = limits;
        this.cpuAlreadyUsed = cpuAlreadyUsed;
        this.groupDeadline = groupDeadline;
        this.runDeadline = runDeadline;
        this.stepDeadline = started + limits.propertyTimeout().plus(STARTUP_ALLOWANCE).toNanos();
        this.thread = new Thread(this::watchLoop, "kmemlab-watch-" + process.pid());
        thread.setDaemon(true);
    }

    /** Starts watching. */
    void start() {
        thread.start();
    }

    /**
     * Sets the thread limit once the child has started up and loaded the providers: the threads it runs
     * now, plus the rubric's allowance, plus two.
     */
    void startedUp() {
        int base = threads();
        threadLimit = base < 0 ? Integer.MAX_VALUE : base + limits.maxThreads() + 2;
    }

    /** Allows one more thread: the grader opened a lane, which the child serves on a thread of its own. */
    void allowLaneThread() {
        if (threadLimit != Integer.MAX_VALUE) {
            threadLimit++;
        }
    }

    /** Restarts the property clock: the next step has the rubric's property time. */
    void restartStepClock() {
        stepDeadline = System.nanoTime() + limits.propertyTimeout().toNanos();
    }

    /** Tells the watch the grader is ending the session: from now on it kills nothing and closes nothing. */
    void stopping() {
        closing = true;
    }

    /** Stops the watch's thread (after {@link #stopping()}). */
    void stop() {
        thread.interrupt();
    }

    /** Returns why the watch killed the child, or null when it did not. */
    ChildRun.Kill kill() {
        return kill;
    }

    /** Returns the child's CPU clock: what it and its processes used so far, ended threads included. */
    CpuTime clock() {
        return clock;
    }

    /** Returns the CPU time of the child and its processes at the last poll, in nanoseconds, or -1. */
    long cpuNanos() {
        return cpuNanos;
    }

    private void watchLoop() {
        while (process.isAlive() && !closing) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long cpu = clock.now();
            if (cpu >= 0) {
                cpuNanos = cpu;
            }
            ChildRun.Kill k = null;
            if (now - runDeadline >= 0) {
                k = ChildRun.Kill.RUN_TIMEOUT;
            } else if (now - groupDeadline >= 0) {
                k = ChildRun.Kill.GROUP_TIMEOUT;
            } else if (now - stepDeadline >= 0) {
                k = ChildRun.Kill.PROPERTY_TIMEOUT;
            } else if (cpuNanos >= 0 && cpuAlreadyUsed + cpuNanos / 1_000_000 > limits.groupCpu().toMillis()) {
                k = ChildRun.Kill.CPU_LIMIT;
            } else if (threads() > threadLimit) {
                k = ChildRun.Kill.THREAD_LIMIT;
            }
            if (k != null && !closing) {
                kill = k;
                ChildJvm.killTree(process);
                wire.close("the grader stopped the submission's JVM: " + k);
                return;
            }
        }
        if (!closing) {
            // It ended by itself; give the channel's reader a moment to see the end of the stream.
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            wire.close("the submission's JVM ended");
        }
    }

    /**
     * Returns the threads of the submission's JVM, or -1 while it is not seen yet: under bubblewrap the
     * process the grader started is bwrap, and the JVM is one of its descendants ({@link Sandbox#jvm}).
     */
    private int threads() {
        ProcessHandle j = jvm;
        if (j == null) {
            j = sandbox.jvm(process).orElse(null);
            jvm = j;
        }
        return j == null ? -1 : ChildJvm.threadCount(j.pid());
    }
}
