package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The three output formats, written from one hand-made report. */
class ReportFormatsTests {

    private static final GradeReport REPORT = new GradeReport("alice.jar", "abc123", 9, 20, 12.6,
            "## kmemlab grade: alice.jar", List.of(
                    new TestResult("alice / contract / page.no-overlap: No overlap", "1.1", 8, 8, Status.PASSED,
                            "**PASSED**", Rubric.Visibility.VISIBLE, List.of("page", "contract", "passed"), 0.5),
                    new TestResult("alice / contract / page.misuse: <bad> & \"frees\"", "1.2", 0, 6, Status.FAILED,
                            "**FAILED**\nbroken invariant: x\u0001", Rubric.Visibility.VISIBLE,
                            List.of("page", "contract", "failed"), 0.2),
                    new TestResult("alice / hidden / page.accounting: Accounting", "2.1", 0, 5, Status.TIMED_OUT,
                            "**TIMED OUT**", Rubric.Visibility.AFTER_DUE_DATE, List.of("page", "hidden", "timed_out"),
                            3),
                    new TestResult("alice / performance", "3.1", 1, 1, Status.PASSED, "ratio", Rubric.Visibility.HIDDEN,
                            List.of("page", "performance"), 0)),
            List.of(new GradeReport.LeaderboardEntry("page speed vs reference", 0.97, "desc")), List.of("a note"));

    @Test
    void gradescopeResultsCarryEveryFieldGradescopeReads() throws Exception {
        JsonNode root = new ObjectMapper().readTree(GradescopeResults.toJson(REPORT));
        assertTrue(!root.has("score"), "with hidden tests Gradescope adds up the tests itself, so no total leaks");
        assertEquals(13, root.get("execution_time").asInt());
        assertEquals("md", root.get("output_format").asText());
        assertEquals(4, root.get("tests").size());
        JsonNode timedOut = root.get("tests").get(2);
        assertEquals("2.1", timedOut.get("number").asText());
        assertEquals("failed", timedOut.get("status").asText());
        assertEquals("timed_out", timedOut.get("extra_data").get("kmemlab_status").asText());
        assertEquals("after_due_date", timedOut.get("visibility").asText());
        assertEquals(5.0, timedOut.get("max_score").asDouble());
        assertEquals("md", timedOut.get("output_format").asText());
        assertEquals("hidden", root.get("tests").get(3).get("visibility").asText());
        assertEquals(0.97, root.get("leaderboard").get(0).get("value").asDouble());
        assertEquals("desc", root.get("leaderboard").get(0).get("order").asText());
    }

    @Test
    void junitXmlParsesAndSortsStatusesIntoFailuresAndErrors() throws Exception {
        String xml = JUnitReport.toXml(REPORT);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals("4", doc.getDocumentElement().getAttribute("tests"));
        assertEquals("1", doc.getDocumentElement().getAttribute("failures"));
        assertEquals("1", doc.getDocumentElement().getAttribute("errors"));
        assertEquals("timed_out", ((org.w3c.dom.Element) doc.getElementsByTagName("error").item(0)).getAttribute("type"));
        assertTrue(xml.contains("&lt;bad&gt; &amp; &quot;frees&quot;"), xml);
    }

    @Test
    void prairieLearnResultsScoreAsAFractionAndStayUnder100KiB() throws Exception {
        JsonNode root = new ObjectMapper().readTree(PrairieLearnResults.toJson(REPORT));
        assertEquals(8.0 / 14, root.get("score").asDouble(), 1e-9, "the listed (visible) tests only");
        assertTrue(root.get("gradable").asBoolean());
        assertEquals(2, root.get("tests").size(), "hidden and after-due-date tests do not show");
        assertEquals(6.0, root.get("tests").get(1).get("max_points").asDouble());
        TestResult huge = new TestResult("flood", "1.1", 0, 1, Status.FAILED, "x".repeat(500_000),
                Rubric.Visibility.VISIBLE, List.of("page"), 0);
        GradeReport big = new GradeReport("b", "", 0, 1, 1, "y".repeat(300_000), List.of(huge, huge, huge), List.of(),
                List.of());
        String json = PrairieLearnResults.toJson(big);
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= PrairieLearnResults.LIMIT_BYTES);
        assertTrue(json.contains("[output truncated: "), "cut with the marker");
    }

    @Test
    void theStudentViewOfTheMarkdownLeavesOutTestsNotYetVisible() {
        String student = MarkdownReport.toMarkdown(REPORT, true);
        String instructor = MarkdownReport.toMarkdown(REPORT, false);
        assertFalse(student.contains("page.accounting"), student);
        assertFalse(student.contains("a note"), student);
        assertTrue(instructor.contains("| 2.1 | alice / hidden / page.accounting: Accounting | TIMED OUT | 0 / 5 |"),
                instructor);
        assertTrue(instructor.contains("- a note"), instructor);
    }
}
