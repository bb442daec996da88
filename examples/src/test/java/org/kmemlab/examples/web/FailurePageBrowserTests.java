package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.KernelContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.Snapshot;
import org.kmemlab.testkit.report.FailurePage;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The testkit's failing-property page in headless Chromium. The first result is the one a buddy allocator
 * that loses freed blocks of order 2 gets (testkit's FailurePageTests has the engine produce such
 * results; here it is written out so that the divergence, at step 2, comes before the failure, at 3).
 * The second is produced by the engine: the kernel contract against a reference kernel whose meminfo
 * leaves Slab out, so the page shows the kernel's /proc view beside the model.
 */
class FailurePageBrowserTests {

    private static Snapshot snapshot(String frames, long free, long free2, long modelFree, long modelFree2) {
        return new Snapshot(List.of("frames " + frames, "free frames: " + free, "order 2: " + free2 + " free"),
                List.of("frames " + frames, "free frames: " + modelFree, "order 2: " + modelFree2 + " free"));
    }

    private static final PropertyResult FAILED = new PropertyResult("page.accounting", "freeFrames() and buddyinfo"
            + " match the model after every step", "buddy-loses-order-2", false, new Effort(40, 50, 1996), 3,
            "zone = create(startPfn 0, frames 8, maxOrder 2)", List.of("1: p0 = allocate(order 2) -> pfn 0",
                    "2: free(p0) -> ok (pfn 0 order 2)", "3: p1 = allocate(order 2) -> pfn 4"),
            "freeFrames() must equal the frames not in live blocks", "4 free frames", "0 free frames", 17,
            "mvn test -Dkmemlab.seed=1996", List.of(), 3, "page.accounting", Rule.PAGE_ACCOUNTING.sentence(), 40,
            List.of(snapshot("........", 8, 2, 8, 2),
                    snapshot("####....", 4, 1, 4, 1), snapshot("........", 4, 1, 8, 2),
                    snapshot("....####", 0, 0, 4, 1)));

    @Test
    void pageAnimatesTheCounterexampleAndHighlightsWhereAllocatorAndModelDiverge(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("failure.html");
        FailurePage.write(FAILED, page);
        try (Browser browser = Browser.start()) {
            browser.open(page);
            List<WebElement> steps = browser.driver.findElements(By.cssSelector("#steps li"));
            assertEquals(4, steps.size(), "set-up and three steps");
            assertTrue(steps.get(3).getAttribute("class").contains("failing"), "the last step is marked failing");
            assertTrue(steps.get(2).getAttribute("class").contains("diverges"), "step 2 is marked as the divergence");
            assertTrue(!steps.get(1).getAttribute("class").contains("diverges"));

            browser.driver.findElement(By.id("next")).click();
            assertEquals(1L, browser.js("return window.kmemlab.step();"));
            assertEquals(List.of(), browser.driver.findElements(By.cssSelector("#allocator .differs")),
                    "after step 1 the allocator agrees with the model");
            browser.driver.findElement(By.id("to-divergence")).click();
            assertEquals(2L, browser.js("return window.kmemlab.step();"));
            assertEquals("frames ........\nfree frames: 4\norder 2: 1 free",
                    browser.driver.findElement(By.id("allocator")).getText());
            assertEquals(List.of("free frames: 4", "order 2: 1 free"), browser.driver
                    .findElements(By.cssSelector("#allocator .differs")).stream().map(WebElement::getText).toList());
            assertEquals(List.of("free frames: 8", "order 2: 2 free"), browser.driver
                    .findElements(By.cssSelector("#model .differs")).stream().map(WebElement::getText).toList());

            browser.driver.findElement(By.id("play")).click();
            new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, java.time.Duration.ofSeconds(5))
                    .until(d -> Long.valueOf(3).equals(browser.js("return window.kmemlab.step();")));
            assertTrue(browser.driver.findElement(By.id("verdict")).getText()
                    .startsWith("broken invariant: freeFrames() must equal the frames not in live blocks\n"
                            + "  expected: 4 free frames\n  actual:   0 free frames"));
            browser.driver.get(page.toUri() + "#step=diverges");
            browser.driver.navigate().refresh();
            assertEquals(2L, browser.js("return window.kmemlab.step();"), "a link can open the divergence");
            browser.screenshot("failure-page-constructed");
            assertEquals(List.of(), browser.consoleErrors());
        }
    }

    /** A reference kernel whose meminfo reports no Slab: every other call goes to the kernel itself. */
    private static KernelMemory slabMissingFromMeminfo() {
        Kernel kernel = Kernel.builder().systemProperties(new java.util.Properties()).profile(MachineProfile.X86_64)
                .ram(64 * Sizes.MiB).cpuCaches(false).boot();
        return (KernelMemory) Proxy.newProxyInstance(KernelMemory.class.getClassLoader(),
                new Class<?>[] {KernelMemory.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(kernel, args);
                        if (result instanceof MemInfo m) {
                            return new MemInfo(m.memTotal(), m.memFree(), m.memAvailable(), m.cached(), 0, 0, 0,
                                    m.pageTables(), m.vmallocTotal(), m.vmallocUsed(), m.vmallocChunk());
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aKernelPropertysPageShowsProcBesideTheModelFromTheStepWhereTheyPart(@TempDir Path dir) throws Exception {
        PropertyResult result = null;
        for (ContractProperty p : KernelContract.properties(FailurePageBrowserTests::slabMissingFromMeminfo,
                "slab-missing-from-meminfo", "mvn test", 0)) {
            if (p.id().equals("kernel.accounting")) {
                result = p.check(new Effort(40, 50, 20261125L));
            }
        }
        assertTrue(result != null && !result.passed(), "kernel.accounting must fail");
        int diverges = 0;
        while (!result.snapshots().get(diverges).diverges()) {
            diverges++;
        }
        Path page = dir.resolve("kernel-failure.html");
        FailurePage.write(result, page);
        try (Browser browser = Browser.start()) {
            browser.open(page);
            List<WebElement> steps = browser.driver.findElements(By.cssSelector("#steps li"));
            assertEquals(result.steps().size() + 1, steps.size(), "set-up and every step");
            String subtitle = browser.driver.findElement(By.id("subtitle")).getText();
            assertTrue(subtitle.contains("shrunk from " + result.originalSteps() + (result.originalSteps() == 1
                    ? " step to " : " steps to ") + result.steps().size()), subtitle);
            for (int i = 0; i < steps.size(); i++) {
                assertEquals(i == diverges, steps.get(i).getAttribute("class").contains("diverges"), "step " + i);
            }
            assertEquals(List.of(), browser.driver.findElements(By.cssSelector("#allocator .differs")),
                    "after set-up the kernel agrees with the model");
            browser.driver.findElement(By.id("to-divergence")).click();
            assertEquals((long) diverges, browser.js("return window.kmemlab.step();"));
            String allocator = browser.driver.findElement(By.id("allocator")).getText();
            assertEquals(String.join("\n", result.snapshots().get(diverges).allocator()).strip(), allocator.strip());
            assertTrue(allocator.startsWith("/proc/meminfo\n"), allocator);
            List<String> differs = browser.driver.findElements(By.cssSelector("#allocator .differs")).stream()
                    .map(e -> e.getText().strip()).toList();
            assertEquals(List.of("Slab: 0 kB"), differs);
            String model = browser.driver.findElements(By.cssSelector("#model .differs")).get(0).getText().strip();
            assertTrue(model.matches("Slab: [1-9][0-9]* kB"), model);
            Path shot = browser.screenshot("failure-page-kernel");
            System.out.println("[kmemlab] kernel failure page " + Files.size(page) + " bytes, screenshot " + shot);
            assertEquals(List.of(), browser.consoleErrors());
        }
    }
}
