package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.report.FailurePage;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The testkit's failing-property page in headless Chromium: the reference buddy allocator with a bug
 * planted (it never gives back a block of order 2 or more) fails a page property; the page plays the
 * counterexample and marks the step where allocator and model diverge.
 */
class FailurePageBrowserTests {

    /** Reference buddy, except that a freed block of four or more frames is silently kept. */
    private static final PageAllocatorProvider KEEPS_LARGE_BLOCKS = new PageAllocatorProvider() {
        @Override
        public String name() {
            return "buddy-keeps-large-blocks";
        }

        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            PageAllocator inner = ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference")
                    .create(config);
            return new PageAllocator() {
                @Override
                public long startPfn() {
                    return inner.startPfn();
                }

                @Override
                public long frames() {
                    return inner.frames();
                }

                @Override
                public int maxOrder() {
                    return inner.maxOrder();
                }

                @Override
                public long allocate(int order) {
                    return inner.allocate(order);
                }

                @Override
                public void free(long pfn, int order) {
                    if (order < 2) {
                        inner.free(pfn, order);
                    }
                }

                @Override
                public long freeFrames() {
                    return inner.freeFrames();
                }

                @Override
                public long freeBlocks(int order) {
                    return inner.freeBlocks(order);
                }
            };
        }
    };

    @Test
    void pageAnimatesTheCounterexampleAndHighlightsWhereAllocatorAndModelDiverge(@TempDir Path dir) throws Exception {
        PropertyResult failed = null;
        for (ContractProperty p : PageAllocatorContract.properties(KEEPS_LARGE_BLOCKS)) {
            PropertyResult r = p.check(new Effort(80, 40, 1996));
            if (!r.passed() && !r.snapshots().isEmpty()) {
                failed = r;
                break;
            }
        }
        assertTrue(failed != null, "the planted bug is caught by a property that draws snapshots");
        int divergence = 0;
        while (!failed.snapshots().get(divergence).diverges()) {
            divergence++;
        }
        Path page = dir.resolve("failure.html");
        FailurePage.write(failed, page);

        try (Browser browser = Browser.start()) {
            browser.open(page);
            List<WebElement> steps = browser.driver.findElements(By.cssSelector("#steps li"));
            assertEquals(failed.steps().size() + 1, steps.size(), "set-up and every step listed");
            WebElement failing = steps.get(steps.size() - 1);
            assertTrue(failing.getAttribute("class").contains("failing"), "the last step is marked as failing");
            assertEquals(Long.valueOf(divergence), browser.js("return window.kmemlab.divergence();"));
            assertTrue(steps.get(divergence).getAttribute("class").contains("diverges"));

            browser.driver.findElement(By.id("next")).click();
            assertEquals(1L, browser.js("return window.kmemlab.step();"));
            browser.driver.findElement(By.id("to-divergence")).click();
            assertEquals((long) divergence, browser.js("return window.kmemlab.step();"));
            String allocator = browser.driver.findElement(By.id("allocator")).getText();
            assertEquals(String.join("\n", failed.snapshots().get(divergence).allocator()), allocator);
            List<WebElement> differing = browser.driver.findElements(By.cssSelector("#allocator .differs"));
            assertTrue(!differing.isEmpty(), "the lines where the allocator disagrees with the model are highlighted");
            assertTrue(browser.driver.findElement(By.id("verdict")).getText()
                    .startsWith("broken invariant: " + failed.brokenInvariant()));
            browser.screenshot("failure-page");
            assertEquals(List.of(), browser.consoleErrors());
        }
    }
}
