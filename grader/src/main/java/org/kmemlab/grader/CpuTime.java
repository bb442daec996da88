package org.kmemlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CPU time of a submission's JVM, read by the grader from outside (the child reports none): what the
 * watch holds against the group's CPU budget and what the performance test measures.
 */
final class CpuTime {

    private CpuTime() {
    }

    /**
     * Returns the CPU time of {@code process} and its descendants: the sum over their threads of
     * {@code /proc/<pid>/task/<tid>/schedstat} (nanoseconds on a CPU) on Linux, else what
     * {@link ProcessHandle.Info#totalCpuDuration()} says (10 ms ticks), or -1. Under bubblewrap
     * {@code process} is bwrap, whose own threads sleep; the JVM and whatever it started are among the
     * descendants, so they are counted.
     */
    static long of(Process process) {
        long total = schedstat(process.pid());
        if (total < 0) {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }
        for (ProcessHandle h : process.descendants().toList()) {
            long d = schedstat(h.pid());
            if (d > 0) {
                total += d;
            }
        }
        return total;
    }

    private static long schedstat(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long total = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path t : dir) {
                try {
                    String line = Files.readString(t.resolve("schedstat"), StandardCharsets.US_ASCII);
                    int space = line.indexOf(' ');
                    total += Long.parseLong(space < 0 ? line.trim() : line.substring(0, space));
                } catch (IOException | NumberFormatException e) {
                    // A thread that ended while we looked.
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }
}
