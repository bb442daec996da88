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
        assertTrue(out.contains("zones          zones-reference"), out);
        assertTrue(out.contains("Node 0, zone      DMA "), "live /proc/buddyinfo:\n" + out);
        assertTrue(out.contains("MemFree:"), out);
        for (int lesson = 1; lesson <= 8; lesson++) {
            assertTrue(out.contains("== Lesson " + lesson + ": "), "lesson " + lesson + " missing");
        }
        assertTrue(out.contains("BUG: sleeping function called from invalid context"), out);
    }
}
