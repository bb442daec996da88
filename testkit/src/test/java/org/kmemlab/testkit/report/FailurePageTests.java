package org.kmemlab.testkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.ContractJUnit;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.Snapshot;
import org.opentest4j.AssertionFailedError;

class FailurePageTests {

    /** A buddy allocator that loses every block of two or more frames it is given back. */
    static final PageAllocatorProvider LEAKY = new PageAllocatorProvider() {
        @Override
        public String name() {
            return "leaky-buddy";
        }

        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            PageAllocator inner = SimplePageAllocator.provider().create(config);
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
                    if (order == 0) {
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

    static PropertyResult firstFailure() {
        for (ContractProperty p : PageAllocatorContract.properties(LEAKY)) {
            PropertyResult r = p.check(new Effort(60, 40, 1996));
            if (!r.passed()) {
                return r;
            }
        }
        throw new AssertionError("the leaky allocator passed every page property");
    }

    @Test
    void aFailingPagePropertyCarriesASnapshotPerStepAndTheLastShowsTheLeak() {
        PropertyResult result = firstFailure();
        List<Snapshot> film = result.snapshots();
        assertEquals(result.steps().size() + 1, film.size(), "set-up and every step");
        assertFalse(film.get(0).diverges(), "right after set-up the allocator agrees with the model");
        Snapshot last = film.get(film.size() - 1);
        assertTrue(last.diverges(), "after the failing step they disagree: " + last);
        assertTrue(last.allocator().get(0).startsWith("frames "), last.allocator().get(0));
    }

    @Test
    void pageHoldsTheStepsSnapshotsAndVerdictAndNeedsNoNetwork(@TempDir Path dir) throws Exception {
        PropertyResult result = firstFailure();
        Path page = dir.resolve("page.html");
        FailurePage.write(result, page);
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains(" src="), "self-contained");
        String json = FailurePage.json(result);
        for (String step : result.steps()) {
            assertTrue(json.contains(new Json().string(step).toString()), step);
        }
        assertTrue(json.contains("\"invariant\":" + new Json().string(result.brokenInvariant())));
        assertTrue(html.contains(json), "the data is inlined");
    }

    @Test
    void theJUnitReportNamesThePageItWrote(@TempDir Path dir) throws Throwable {
        String before = System.getProperty(FailurePage.DIRECTORY_PROPERTY);
        System.setProperty(FailurePage.DIRECTORY_PROPERTY, dir.toString());
        try {
            String message = null;
            for (DynamicTest test : ContractJUnit.dynamicTests(PageAllocatorContract.properties(LEAKY),
                    new Effort(60, 40, 1996), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))) {
                try {
                    test.getExecutable().execute();
                } catch (AssertionFailedError failed) {
                    message = failed.getMessage();
                    break;
                }
            }
            assertTrue(message != null, "some property failed");
            int at = message.indexOf("failure page (the counterexample step by step, your allocator beside the model): ");
            assertTrue(at >= 0, message);
            Path page = Path.of(message.substring(message.indexOf(": ", at) + 2).strip());
            assertTrue(Files.isRegularFile(page), page.toString());
            assertEquals(dir.toAbsolutePath(), page.getParent());
            assertTrue(page.getFileName().toString().endsWith("-leaky-buddy.html"), page.toString());
        } finally {
            if (before == null) {
                System.clearProperty(FailurePage.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(FailurePage.DIRECTORY_PROPERTY, before);
            }
        }
    }

    @Test
    void aPassedPropertyHasNoPage(@TempDir Path dir) {
        PropertyResult passed = PageAllocatorContract.properties(SimplePageAllocator.provider()).get(0)
                .check(new Effort(2, 5, 1));
        assertTrue(passed.passed());
        assertEquals(passed.id() + " passed: there is no counterexample to draw", assertThrows(
                IllegalArgumentException.class, () -> FailurePage.write(passed, dir.resolve("x.html"))).getMessage());
    }

    @Test
    void fileNamesKeepOnlyPlainCharacters() {
        assertEquals("page-03-leaky-buddy", FailurePage.fileName("PAGE-03 / leaky buddy"));
        assertEquals("property", FailurePage.fileName("///"));
    }
}
