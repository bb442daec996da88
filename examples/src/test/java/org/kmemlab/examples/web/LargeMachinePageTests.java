package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.examples.trace.Trace;
import org.kmemlab.examples.trace.TraceParser;
import org.kmemlab.kmalloc.Kernel;
import org.openqa.selenium.By;

/**
 * A 1 GiB machine's page: whole memory is summarised (several frames per cell) and clicking a cell
 * zooms in to single frames there; the page stays small because it holds deltas, not snapshots.
 */
class LargeMachinePageTests {

    @Test
    void oneGibibyteRunIsSummarisedAndZoomsToFramesWhereClicked(@TempDir Path dir) throws Exception {
        Trace trace = TraceParser.parse(Path.of("traces/kmem-events.trace"));
        Recording recording = new Recording("kmemlab replay");
        Film film = recording.film(trace.name());
        TraceFilms.record(film, film.watching(Kernel.builder().profile(MachineProfile.X86_64).ram(Sizes.GiB)
                .cpuCaches(false), "buddy-reference", "bucket-reference"), trace);
        Path page = dir.resolve("replay-1g.html");
        recording.write(page);
        long bytes = Files.size(page);
        assertTrue(bytes < 2_000_000, "a 1 GiB replay page of " + trace.ops().size() + " steps is " + bytes + " bytes");

        try (Browser browser = Browser.start()) {
            browser.open(page);
            long fpc = (Long) browser.js("return window.kmemlab.framesPerCell();");
            assertEquals(16, fpc, "262144 frames in 128 x 128 cells");
            System.out.printf("1 GiB replay page: %d bytes, script ready %.0f ms after navigation%n", bytes,
                    ((Number) browser.js("return window.kmemlab.readyMillis;")).doubleValue());
            browser.screenshot("replay-1g-summary");

            int target = 40_000;             // row 19 of the summary: inside the window
            @SuppressWarnings("unchecked")
            Map<String, Number> at = (Map<String, Number>) browser.js(
                    "return window.kmemlab.cellCentre(arguments[0]);", target);
            browser.pointAt("grid", at.get("x").intValue(), at.get("y").intValue()).click().perform();
            assertEquals(1L, (Long) browser.js("return window.kmemlab.framesPerCell();"));
            String hover = browser.driver.findElement(By.id("hover")).getText();
            int shown = Integer.parseInt(browser.driver.findElement(By.id("hover")).getAttribute("data-pfn"));
            assertTrue(shown >= target && shown < target + 16, "zoomed in on the cell clicked: " + hover);
            assertTrue(hover.startsWith("pfn " + shown + " (zone DMA32)"), hover);
            assertEquals(target, shown, "the first frame of the cell clicked");
            String info = browser.driver.findElement(By.id("zoom-info")).getText();
            assertTrue(info.startsWith("1 frame per cell"), info);
            assertEquals(List.of(), browser.consoleErrors());
        }
    }
}
