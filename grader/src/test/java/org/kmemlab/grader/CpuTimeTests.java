package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CPU clock keeps the time of threads that ended: a submission that does its work in short-lived
 * threads must not look fast (the performance test) nor escape the group's CPU budget.
 */
class CpuTimeTests {

    @Test
    void aThreadThatEndedStillCounts() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/schedstat")), "skipped: no /proc schedstat here");
        CpuTime clock = new CpuTime(ProcessHandle.current());
        long before = clock.now();
        long[] burnt = new long[1];
        // Burn 600 ms of this thread's own CPU (not of the wall clock: the host may be busy), then end.
        Thread t = new Thread(() -> {
            long start = ownNanos();
            long x = 0;
            while (ownNanos() - start < 600_000_000L) {
                x += System.nanoTime() & 1;
            }
            burnt[0] = ownNanos() - start + (x & 0);
        });
        t.start();
        t.join();
        long after = clock.now();
        // The thread is gone from /proc/<pid>/task; a sum over live threads alone would miss its 600 ms.
        // The process's ticks keep them, within a tick or two of rounding.
        assertTrue(after - before >= burnt[0] - 30_000_000L, "counted " + (after - before) / 1_000_000
                + " ms of CPU across a thread that burnt " + burnt[0] / 1_000_000 + " ms and ended");
        assertTrue(clock.now() >= after, "the clock never runs backwards");
    }

    @Test
    void aStatLineIsReadFromItsLastParenthesisSoANameWithSpacesAndParenthesesParses() {
        String stat = "4242 (evil) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 7 3 20 0 1 0 5 0 0";
        assertArrayEquals(new long[] {280, 10}, CpuTime.ticks(stat));
    }

    private static long ownNanos() {
        try {
            String line = Files.readString(Path.of("/proc/thread-self/schedstat"), StandardCharsets.US_ASCII);
            return Long.parseLong(line.substring(0, line.indexOf(' ')));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
