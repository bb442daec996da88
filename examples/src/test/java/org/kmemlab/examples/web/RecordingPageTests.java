package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.map.Owner;
import org.kmemlab.examples.trace.Replayer;
import org.kmemlab.examples.trace.Trace;
import org.kmemlab.examples.trace.TraceParser;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The replay page in headless Chromium: a trace recorded as {@code kmemlab replay --html} records it,
 * then driven through the page's own controls and checked against kernels that ran the same operations.
 */
class RecordingPageTests {

    @RegisterExtension
    static final BrowserPerClass BROWSER = new BrowserPerClass();
    private static Browser browser;
    private static Trace trace;
    private static Path page;

    @BeforeAll
    static void recordAndOpen(@TempDir Path dir) throws Exception {
        trace = TraceParser.parse(Path.of("traces/network-burst.rep"));
        Recording recording = new Recording("kmemlab replay");
        Film film = recording.film(trace.name());
        TraceFilms.record(film, film.watching(builder(), "buddy-reference", "bucket-reference"), trace);
        page = dir.resolve("replay.html");
        recording.write(page);
        browser = BROWSER.start();
        browser.open(page);
    }

    /** The machine of these tests: Linux 2.0 on 16 MiB, no per-thread caches (as replay --html runs). */
    private static KernelBuilder builder() {
        return Kernel.builder().profile(MachineProfile.I386_LINUX_2_0).cpuCaches(false);
    }

    /** Boots a kernel as the page's and does the trace's first {@code n} operations on it. */
    private static Kernel after(int n) {
        Kernel kernel = builder().boot();
        long[] addr = new long[trace.ids()];
        for (int i = 0; i < n; i++) {
            Replayer.apply(kernel, trace.ops().get(i), addr);
        }
        return kernel;
    }

    /** Moves the scrubber to {@code step} as a user dragging it would (value, then an input event). */
    private static void scrubTo(int step) {
        browser.js("const s = document.getElementById('scrubber'); s.value = arguments[0];"
                + " s.dispatchEvent(new Event('input'));", step);
    }

    private static long step() {
        return (Long) browser.js("return window.kmemlab.step();");
    }

    private static String text(String id) {
        return browser.driver.findElement(By.id(id)).getAttribute("textContent");
    }

    @Test
    void pageHasAStepAfterBootAndOnePerOperation() {
        assertEquals(trace.ops().size() + 1L, (Long) browser.js("return window.kmemlab.steps();"));
        assertEquals("kmemlab replay", browser.driver.getTitle());
    }

    @Test
    void controlsMoveTheState() throws IOException {
        browser.driver.findElement(By.id("first")).click();
        assertEquals(0, step());
        browser.driver.findElement(By.id("next")).click();
        browser.driver.findElement(By.id("next")).click();
        assertEquals(2, step());
        assertEquals("step 2 of " + trace.ops().size(), text("position"));
        browser.driver.findElement(By.id("prev")).click();
        assertEquals(1, step());
        assertTrue(text("label").startsWith("kmalloc("), text("label"));
        scrubTo(700);
        assertEquals(700, step());
        browser.driver.findElement(By.id("play")).click();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> step() > 702);
        browser.driver.findElement(By.id("play")).click();
        long paused = step();
        assertEquals(paused, step(), "pausing stops the steps");
        browser.screenshot("replay-page");
    }

    @Test
    void procPanelsAtStepNShowWhatTheKernelShowsAfterNOperations() {
        for (int n : new int[] {0, 1, 333, 1000, trace.ops().size()}) {
            scrubTo(n);
            Kernel kernel = after(n);
            for (String file : Film.PROC_FILES) {
                assertEquals(Film.panel(kernel, file).strip(), text("proc-" + file).strip(), file + " at step " + n);
            }
        }
    }

    @Test
    void gridDrawsEveryFrameInItsOwnersColour() {
        int n = 800;
        scrubTo(n);
        Trace first = new Trace("first " + n, trace.format(), trace.ids(), trace.ops().subList(0, n), 0);
        Film reference = new Recording("reference").film("reference");
        TraceFilms.record(reference, reference.watching(builder(), "buddy-reference", "bucket-reference"), first);
        int frames = reference.watch().frames();
        assertEquals(1L, (Long) browser.js("return window.kmemlab.framesPerCell();"), "16 MiB fits at frame level");
        int checked = 0;
        for (int pfn = 0; pfn < frames; pfn += 7) {
            Owner owner = reference.watch().owner(pfn);
            assertEquals(owner.name(), browser.js("return window.kmemlab.owner(arguments[0]);", pfn), "pfn " + pfn);
            if (owner == Owner.SLAB || Boolean.TRUE.equals(browser.js(
                    "return window.kmemlab.startsFreeBlock(arguments[0]);", pfn))) {
                continue;           // slab fill and order digits are drawn over the colour
            }
            @SuppressWarnings("unchecked")
            List<Long> rgb = (List<Long>) browser.js("const c = window.kmemlab.cellCentre(arguments[0]);"
                    + " const d = document.getElementById('grid').getContext('2d')"
                    + ".getImageData(c.x, c.y - 1, 1, 1).data; return [d[0], d[1], d[2]];", pfn);
            int drawn = (int) (rgb.get(0) << 16 | rgb.get(1) << 8 | rgb.get(2));
            assertEquals(owner.rgb(), drawn, "colour of pfn " + pfn + " (" + owner + ")");
            checked++;
        }
        assertTrue(checked > 300, "checked the colour of " + checked + " frames");
    }

    @Test
    void hoveringAFrameShowsItsPfnAddressesOwnerAndLastChange() {
        int n = 500;
        scrubTo(n);
        Film reference = new Recording("reference").film("reference");
        Trace first = new Trace("first " + n, trace.format(), trace.ids(), trace.ops().subList(0, n), 0);
        Kernel kernel = TraceFilms.record(reference, reference.watching(builder(), "buddy-reference",
                "bucket-reference"), first);
        int slab = -1;
        for (int pfn = 0; pfn < reference.watch().frames() && slab < 0; pfn++) {
            if (reference.watch().owner(pfn) == Owner.SLAB && reference.watch().objects(pfn) > 0) {
                slab = pfn;
            }
        }
        assertTrue(slab > 0, "the trace leaves a slab page with objects at step " + n);
        @SuppressWarnings("unchecked")
        Map<String, Long> at = (Map<String, Long>) browser.js("return window.kmemlab.cellCentre(arguments[0]);", slab);
        browser.pointAt("grid", at.get("x").intValue(), at.get("y").intValue());
        WebElement hover = browser.driver.findElement(By.id("hover"));
        assertEquals(Integer.toString(slab), hover.getAttribute("data-pfn"));
        String shown = hover.getText();
        assertTrue(shown.startsWith("pfn " + slab + " (zone DMA)"), shown);
        assertTrue(shown.contains(String.format("physical 0x%08x", kernel.machine().pfnToPhys(slab))), shown);
        assertTrue(shown.contains(String.format("direct map 0x%08x", kernel.machine().pfnToVirt(slab))), shown);
        assertTrue(shown.contains("owner: slab (small kmalloc objects)"), shown);
        assertTrue(shown.contains("objects: " + reference.watch().objects(slab) + " live, "
                + reference.watch().objectBytes(slab) + " bytes"), shown);
        assertTrue(shown.contains("last changed: step "), shown);
    }

    @Test
    void pageIsOneFileThatNeedsNoNetwork() throws IOException {
        String html = Files.readString(page);
        assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="),
                "no external references");
        assertTrue(html.contains("<script type=\"application/json\" id=\"page-data\">"));
    }
}
