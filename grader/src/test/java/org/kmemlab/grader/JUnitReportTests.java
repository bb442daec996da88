package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What CI tools show of a JUnit XML report: class names and failure messages. */
class JUnitReportTests {

    private static TestResult test(String name, Status status, String output, String... tags) {
        return new TestResult(name, "1.1", 0, 1, status, output, Rubric.Visibility.VISIBLE, List.of(tags), 0);
    }

    @Test
    void aFailureMessageIsTheFirstLineThatSaysMoreThanTheStatus() {
        assertEquals("page.misuse FAILED for zoo-x: every bad free raises KernelBug", JUnitReport.message(test("t",
                Status.FAILED, "**FAILED**\n\n```text\npage.misuse FAILED for zoo-x: every bad free raises KernelBug\n",
                "page", "contract", "failed")));
        assertEquals("your submission does not build. The compiler says:", JUnitReport.message(test("build",
                Status.FAILED, "**FAILED**: your submission does not build. The compiler says:\n\n```text\nx\n```",
                "build")));
        assertEquals("timed out: t", JUnitReport.message(test("t", Status.TIMED_OUT, "**TIMED OUT**", "page")));
    }

    @Test
    void everyTestHasAClassNameThatDoesNotEndInADot() {
        assertEquals("kmemlab.page.contract", JUnitReport.className(test("t", Status.FAILED, "", "page", "contract",
                "failed")));
        assertEquals("kmemlab.rules", JUnitReport.className(test("submission rules", Status.PASSED, "", "rules")));
        assertEquals("kmemlab.grader", JUnitReport.className(test("grader", Status.CRASHED, "", "grader")));
        assertEquals("kmemlab.submission_rules", JUnitReport.className(test("submission rules", Status.PASSED, "")));
    }
}
