package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.examples.Run;

class ReplayCommandTests {

    @Test
    void replaysTheShippedTracesAndReportsTheirFigures() {
        Run run = Run.small("replay", "traces/network-burst.rep", "traces/kmem-events.trace");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("trace                   traces/network-burst.rep (CS:APP, 653 ids, 1394"
                + " operations)"), run.out());
        assertTrue(run.out().contains("(ftrace, "), run.out());
        Matcher util = Pattern.compile("peak utilisation\\s+(\\d+\\.\\d)%").matcher(run.out());
        int traces = 0;
        while (util.find()) {
            double percent = Double.parseDouble(util.group(1));
            assertTrue(percent > 0 && percent <= 100, run.out());
            traces++;
        }
        assertEquals(2, traces, run.out());
        assertTrue(run.out().contains("88 krealloc"), "network-burst resizes 88 buffers:\n" + run.out());
        assertTrue(run.out().contains("every allocation kept its bytes"), run.out());
    }

    @Test
    void faultInjectionMakesEveryKmallocOfTheTraceFail() {
        // failslab covers kmalloc's object path; the large requests come from the page allocator.
        Run run = Run.small("replay", "traces/fragmenter.rep", "--failslab", "1,100,0,-1", "--fail-page-alloc",
                "1,100,0,-1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("failures                640 allocations returned NULL (640 later frees or"
                + " resizes of them skipped)"), run.out());
        assertTrue(run.out().contains("peak payload            0 bytes"), run.out());
    }

    @Test
    void aBadFailslabIsOneLine() {
        Run run = Run.small("replay", "traces/fragmenter.rep", "--failslab", "1,10");
        assertEquals(2, run.status());
        assertEquals("kmemlab: '1,10' is not <interval>,<probability>,<space>,<times>", run.err().strip());
    }

    @Test
    void aMalformedLineNamesTheFileAndLineWithStatusTwo(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("broken.rep");
        Files.writeString(trace, "1000\n2\n3\n1\na 0 16\nq 1\nf 0\n");
        Run run = Run.kmemlab("replay", trace.toString());
        assertEquals(2, run.status());
        assertEquals("kmemlab: " + trace + ":6: expected 'a id size', 'f id' or 'r id size', found 'q 1'",
                run.err().strip());
        assertEquals("", run.out());
    }
}
