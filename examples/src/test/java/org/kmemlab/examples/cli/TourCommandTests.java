package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.examples.Run;

class TourCommandTests {

    @Test
    void theTourNamesTheProvidersAndRunsEveryLesson() {
        Run run = Run.small("tour");
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("pages          buddy-reference"), out);
        assertTrue(out.contains("zones          dma-zone-reference"), out);
        assertTrue(out.contains("Node 0, zone      DMA "), "live /proc/buddyinfo:\n" + out);
        assertTrue(out.contains("MemFree:"), out);
        for (int lesson = 1; lesson <= 9; lesson++) {
            assertTrue(out.contains("== Lesson " + lesson + ": "), "lesson " + lesson + " missing");
        }
        assertTrue(out.contains("BUG: sleeping function called from invalid context"), out);
    }

    /** The tour's own machine: a 16 MiB i386 PC whose memory is all ZONE_DMA, with Linux 2.0's kmalloc. */
    @Test
    void theTourRunsOnTheLinux20Machine() {
        Run run = Run.kmemlab("tour");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("i386 (Linux 2.0), 16 MiB RAM (4096 frames of 4096 bytes)"), run.out());
        assertTrue(run.out().contains("zone Normal empty"), run.out());
        assertTrue(run.out().contains("era            LINUX_2_0"), run.out());
        assertTrue(run.out().contains("== Lesson 10: "), run.out());
        assertTrue(run.out().contains("show_free_areas() (Linux 2.0 had no /proc/buddyinfo"), run.out());
        assertTrue(run.out().contains("        total:    used:    free:  shared: buffers:  cached:"), run.out());
        assertTrue(!run.out().contains("   /proc/buddyinfo:") && !run.out().contains("   /proc/vmallocinfo:") && !run.out().contains("MemAvailable:"),
                "nothing of today's /proc on the 2.0 machine:\n" + run.out());
        assertTrue(run.out().contains("profile        I386_LINUX_2_0         (default of this command)"),
                "no --profile was typed, so the table must not say 'command line':\n" + run.out());
    }
}
