package org.kmemlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CPU time of a submission's JVM, read by the grader from outside (the child reports none): what the
 * watch holds against the group's CPU budget and what the performance test measures. One clock per child
 * process, because it remembers what the threads that ended had used.
 *
 * <h2>Threads that end take their time with them, unless it is counted</h2>
 * Linux keeps a precise figure per thread ({@code /proc/<pid>/task/<tid>/schedstat}, nanoseconds on a
 * CPU), but only while the thread exists: when it ends, its time is added to the process's totals in
 * {@code /proc/<pid>/stat} ({@code utime + stime}, and {@code cutime + cstime} for child processes it
 * waited for), which count in clock ticks (10 ms). A sum over the live threads alone therefore loses
 * whatever a thread did before it ended, so a submission could do its work in short-lived threads (or
 * processes) and look as fast as it liked, and a JVM whose JIT compiler thread retires would seem to
 * run backwards. So a reading is the precise sum over the live threads plus the ticks of the ones that
 * ended: the process's ticks minus its live threads' ticks. That difference is never allowed to shrink
 * (the dead stay dead; a smaller figure is two files read a tick apart), and neither is a reading: a
 * thread that ends moves its time from nanoseconds to whole ticks, which can round it down by a tick, and
 * the clock then waits until the process has used that much again. Round times stay accurate to a tick
 * per thread that ends during the round; an honest JVM ends almost none while it is measured.
 */
final class CpuTime {

    private static final long NANOS_PER_TICK = 10_000_000L;

    private final ProcessHandle process;
    private long endedTicks;
    private long last;

    /** Makes the clock of {@code process} (under bubblewrap: bwrap, whose descendants are counted). */
    CpuTime(ProcessHandle process) {
        this.process = process;
    }

    /**
     * Returns the CPU time of the process and its descendants so far, in nanoseconds: on Linux the sum
     * over their live threads' {@code schedstat} plus the ticks of threads and processes that ended; else
     * what {@link ProcessHandle.Info#totalCpuDuration()} says (10 ms ticks), or -1. Under bubblewrap the
     * process is bwrap, whose own threads sleep; the JVM and whatever it started are among the
     * descendants, so they are counted.
     */
    synchronized long now() {
        long[] sums = new long[2];
        if (!add(process.pid(), sums)) {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }
        for (ProcessHandle h : process.descendants().toList()) {
            add(h.pid(), sums);
        }
        endedTicks = Math.max(endedTicks, sums[1]);
        last = Math.max(last, sums[0] + endedTicks * NANOS_PER_TICK);
        return last;
    }

    /**
     * Adds process {@code pid}'s live threads' nanoseconds to {@code sums[0]} and the ticks of its ended
     * threads and waited-for children to {@code sums[1]}; returns false when its {@code /proc} is not there.
     * The threads are read first and the process's totals last, so a thread that ends in between is
     * counted in both and cancels out.
     */
    static boolean add(long pid, long[] sums) {
        Path proc = Path.of("/proc", Long.toString(pid));
        long liveNanos = 0;
        long liveTicks = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path t : dir) {
                try {
                    String line = Files.readString(t.resolve("schedstat"), StandardCharsets.US_ASCII);
                    long[] ticks = ticks(Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII));
                    int space = line.indexOf(' ');
                    liveNanos += Long.parseLong(space < 0 ? line.trim() : line.substring(0, space));
                    liveTicks += ticks[0];
                } catch (IOException | RuntimeException e) {
                    // A thread that ended while we looked: the process's totals below hold its time.
                }
            }
            long[] total = ticks(Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII));
            sums[0] += liveNanos;
            sums[1] += Math.max(0, total[0] + total[1] - liveTicks);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Parses a {@code stat} line: returns {@code utime + stime} (fields 14 and 15) and
     * {@code cutime + cstime} (16 and 17), in ticks. The command name in parentheses may hold spaces, so
     * the fields are counted from the last closing parenthesis.
     */
    static long[] ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (the state), so field n is f[n - 3].
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }
}
