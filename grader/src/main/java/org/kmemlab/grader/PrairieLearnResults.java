package org.kmemlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.kmemlab.api.Checks;

/**
 * Writes a {@link GradeReport} as a PrairieLearn external-grader {@code results.json}: {@code gradable},
 * {@code score} as a fraction of 1, {@code message}, {@code output}, and {@code tests[]} with
 * {@code name}, {@code points}, {@code max_points}, {@code message} and {@code output}.
 *
 * <p>PrairieLearn rejects results over 100 KiB, so test outputs are cut (with the visible marker) until
 * the whole file fits in {@link #LIMIT_BYTES}. Tests that are not visible yet are left out: PrairieLearn
 * has no "after the due date" for a test, so such tests count in the score but do not show.
 */
public final class PrairieLearnResults {

    /** The most bytes the file may have, below PrairieLearn's 100 KiB. */
    public static final int LIMIT_BYTES = 96 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PrairieLearnResults() {
    }

    /** Returns the JSON text of {@code report}, at most {@link #LIMIT_BYTES} bytes. */
    public static String toJson(GradeReport report) {
        Checks.requireNonNull(report, "report");
        for (int perTest = 8000; ; perTest /= 2) {
            String json = render(report, perTest);
            if (json.getBytes(StandardCharsets.UTF_8).length <= LIMIT_BYTES || perTest < 64) {
                return json;
            }
        }
    }

    private static String render(GradeReport report, int perTest) {
        ObjectNode root = JSON.createObjectNode();
        root.put("gradable", true);
        // Only the tests listed count: a score with hidden points in it would give them away.
        double max = Grader.visible(report.tests(), true);
        double score = Math.max(0, Grader.visible(report.tests(), false));
        root.put("score", max == 0 ? 0 : score / max);
        root.put("message", "Score: " + Grader.format(score) + " / " + Grader.format(max));
        root.put("output", GroupRunner.head(report.output(), perTest));
        ArrayNode tests = root.putArray("tests");
        for (TestResult t : report.tests()) {
            if (t.visibility() != Rubric.Visibility.VISIBLE) {
                continue;
            }
            ObjectNode n = tests.addObject();
            n.put("name", t.number() + " " + t.name());
            n.put("points", t.score());
            n.put("max_points", t.maxScore());
            n.put("message", t.status().label());
            n.put("output", GroupRunner.head(t.output(), perTest));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PrairieLearn results", e);
        }
    }
}
