package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.examples.Run;
import org.kmemlab.examples.map.Owner;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The pages the commands write with {@code --html}, each opened in headless Chromium. */
class CommandPagesTests {

    @RegisterExtension
    static final BrowserPerClass BROWSER = new BrowserPerClass();
    private static Browser browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = BROWSER.start();
    }

    private static long number(String script) {
        return ((Number) browser.js(script)).longValue();
    }

    @Test
    void lessonPageFollowsTheLessonsNarration() throws IOException {
        Path page = dir.resolve("unwind.html");
        Run run = Run.small("lesson", "unwind", "--html", page.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("Page written to " + page), run.out());
        browser.open(page);
        long steps = number("return window.kmemlab.steps();");
        assertTrue(steps > 5, steps + " steps");
        browser.js("const s = document.getElementById('scrubber'); s.value = arguments[0];"
                + " s.dispatchEvent(new Event('input'));", steps - 1);
        assertEquals("end of lesson 2", browser.driver.findElement(By.id("label")).getText());
        browser.js("const s = document.getElementById('scrubber'); s.value = 3; s.dispatchEvent(new Event('input'));");
        String label = browser.driver.findElement(By.id("label")).getText();
        assertTrue(run.out().contains(label.replace(" ...", "")), "step 3 is a line the lesson printed: " + label);
        assertTrue(browser.driver.findElement(By.id("proc-meminfo")).getText().startsWith("MemTotal:"));
        browser.screenshot("lesson-page");
    }

    @Test
    void tourWritesAPagePerLessonThatBootsAKernelAndAnIndex() throws IOException {
        Path out = dir.resolve("tour");
        Run run = Run.small("tour", "--html", out.toString());
        assertEquals(0, run.status(), run.err());
        browser.open(out.resolve("index.html"));
        List<WebElement> links = browser.driver.findElements(By.cssSelector("#pages a"));
        assertTrue(links.size() >= 7, links.size() + " lesson pages");
        for (WebElement link : links) {
            assertTrue(Files.isRegularFile(out.resolve(link.getAttribute("href").replaceFirst(".*/", ""))));
        }
        links.get(0).click();
        assertTrue(browser.driver.getTitle().startsWith("kmemlab lesson 1: "), browser.driver.getTitle());
        assertTrue(number("return window.kmemlab.steps();") > 1);
    }

    @Test
    void mapPageEndsWithTheFramesTheTextMapCounts() throws IOException {
        Path page = dir.resolve("map.html");
        Run run = Run.kmemlab("map", "--html", page.toString());
        assertEquals(0, run.status(), run.err());
        browser.open(page);
        browser.driver.findElement(By.id("scrubber"));
        browser.js("const s = document.getElementById('scrubber'); s.value = s.max; s.dispatchEvent(new Event('input'));");
        @SuppressWarnings("unchecked")
        Map<String, Number> counts = (Map<String, Number>) browser.js("return window.kmemlab.ownerCounts();");
        for (Owner o : Owner.values()) {
            Matcher m = Pattern.compile("  " + Pattern.quote(o.symbol() + " " + o.label()) + " +(\\d+) frames")
                    .matcher(run.out());
            assertTrue(m.find(), "the text map counts " + o + "\n" + run.out());
            assertEquals(Long.parseLong(m.group(1)), counts.get(o.name()).longValue(), o.toString());
        }
        browser.screenshot("map-page");
    }

    @Test
    void gfpChartShowsTheExactRateOfThePointUnderThePointer() throws IOException {
        Path page = dir.resolve("gfp.html");
        Run run = Run.small("experiment", "gfp", "--levels", "0,50,90", "--orders", "0,3", "--html", page.toString());
        assertEquals(0, run.status(), run.err());
        browser.open(page);
        List<WebElement> ticks = browser.driver.findElements(By.cssSelector("svg[data-order='3'] text.tick"));
        assertEquals(List.of("0%", "50%", "90%"), ticks.stream().map(WebElement::getText).toList());
        WebElement point = browser.driver.findElement(
                By.cssSelector("circle[data-gfp='GFP_ATOMIC'][data-level='0'][data-order='0']"));
        new Actions(browser.driver).moveToElement(point).perform();
        String readout = browser.driver.findElement(By.id("readout")).getText();
        Matcher m = Pattern.compile("(\\d+) of (\\d+) requests failed: ([\\d.]+)%").matcher(readout);
        assertTrue(readout.startsWith("GFP_ATOMIC, order 0, 0% pinned") && m.find(), readout);
        long failed = Long.parseLong(m.group(1));
        long requested = Long.parseLong(m.group(2));
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f", 100.0 * failed / requested), m.group(3));
        // The table's first row, GFP_ATOMIC's first column, is the same rate rounded down.
        Matcher row = Pattern.compile("(?m)^0% +\\d+% +\\d+% +\\| (\\d+)").matcher(run.out());
        assertTrue(row.find(), run.out());
        assertEquals(100 * failed / requested, Long.parseLong(row.group(1)));
        assertTrue(browser.driver.findElement(By.id("caption")).getText().contains("page cache"));
        browser.screenshot("gfp-page");
    }
}
