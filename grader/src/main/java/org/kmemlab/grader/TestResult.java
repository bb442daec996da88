package org.kmemlab.grader;

import java.util.List;
import org.kmemlab.api.Checks;

/**
 * One graded test: a property of one group for one provider, the performance test, the build, or the
 * rules check. Every output format is written from these.
 *
 * @param name the test's name: {@code buddy-alice / contract / page.no-overlap: No two live blocks overlap}
 * @param number Gradescope's number, {@code 1.2}
 * @param score the points earned
 * @param maxScore the points possible (0 for tests that only inform)
 * @param status the outcome
 * @param output the Markdown a student reads: status, counterexample, replay command
 * @param visibility who sees it
 * @param tags tags: the SPI, the group, the status key
 * @param seconds how long it took, when known (0 otherwise)
 */
public record TestResult(String name, String number, double score, double maxScore, Status status, String output,
                         Rubric.Visibility visibility, List<String> tags, double seconds) {

    /** Checks the parts and copies the tags. */
    public TestResult {
        Checks.requireNonNull(name, "name");
        Checks.requireNonNull(number, "number");
        Checks.requireNonNull(status, "status");
        Checks.requireNonNull(output, "output");
        Checks.requireNonNull(visibility, "visibility");
        tags = List.copyOf(tags);
    }

    /** Returns this test with another score (the rules may zero it). */
    public TestResult withScore(double newScore) {
        return new TestResult(name, number, newScore, maxScore, status, output, visibility, tags, seconds);
    }
}
