package org.kmemlab.examples.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.kmalloc.Kernel;

class ReplayerTests {

    private static Kernel kernel() {
        return Kernel.builder().profile(MachineProfile.X86_64).ram(64 * Sizes.MiB).boot();
    }

    @Test
    void measuresPayloadFootprintAndFailures() throws Exception {
        Trace trace = TraceParser.parse("t.rep", List.of("0", "4", "7", "1",
                "a 0 100",
                "a 1 5000",
                "a 2 100000000",     // 100 MB: more than kmalloc ever gives, so it fails
                "r 0 300",
                "f 2",               // the failed id: skipped
                "f 1",
                "f 0"));
        long[] progress = new long[1];
        ReplayReport report = new Replayer(ReplayerTests::kernel).replay(trace, done -> progress[0] = done);
        assertEquals((Replayer.TIMED_RUNS + 1) * 7L, progress[0]);
        assertEquals(3, report.allocs());
        assertEquals(1, report.reallocs());
        assertEquals(3, report.frees());
        assertEquals(1, report.failures());
        assertEquals(1, report.skippedFrees());
        assertEquals(5300, report.peakPayload(), "300 + 5000 live together after the resize");
        assertTrue(report.allocatedAtPeakPayload() >= 5300, "ksize is at least the request");
        assertTrue(report.peakFootprint() >= 8192, "5000 bytes need more than one page: " + report.peakFootprint());
        assertTrue(report.utilisationPercent() > 0 && report.utilisationPercent() <= 100, report.format());
        assertEquals(0, report.integrityErrors());
        assertTrue(report.opsPerSecond() > 0);
    }

    @Test
    void theReportNamesEveryFigure() throws Exception {
        Trace trace = TraceParser.parse("t.rep", List.of("0", "1", "2", "1", "a 0 64", "f 0"));
        String text = new Replayer(ReplayerTests::kernel).replay(trace, done -> { }).format();
        for (String figure : new String[] {"throughput", "peak utilisation", "internal fragmentation",
            "external fragmentation", "failures                0 allocations returned NULL",
            "every allocation kept its bytes"}) {
            assertTrue(text.contains(figure), figure + " missing:\n" + text);
        }
    }
}
