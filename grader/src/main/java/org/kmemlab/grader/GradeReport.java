package org.kmemlab.grader;

import java.util.List;
import org.kmemlab.api.Checks;

/**
 * The whole grade of one submission: the one result model that {@link GradescopeResults},
 * {@link JUnitReport} and {@link MarkdownReport} all write.
 *
 * @param submission the submission's name (file or folder name)
 * @param sha256 the SHA-256 of the submission's bytes, in hex (hidden seeds derive from it)
 * @param score the final score, after the rules
 * @param maxScore the points possible
 * @param executionSeconds the wall-clock time of the grade
 * @param output the Markdown summary a student reads above the tests
 * @param tests the graded tests, in order
 * @param leaderboard the leaderboard entries (the performance ratio)
 * @param instructorNotes what only instructors should read (rubric warnings, rejected channel lines)
 */
public record GradeReport(String submission, String sha256, double score, double maxScore, double executionSeconds,
                          String output, List<TestResult> tests, List<LeaderboardEntry> leaderboard,
                          List<String> instructorNotes) {

    /** Copies the lists. */
    public GradeReport {
        Checks.requireNonNull(submission, "submission");
        Checks.requireNonNull(sha256, "sha256");
        Checks.requireNonNull(output, "output");
        tests = List.copyOf(tests);
        leaderboard = List.copyOf(leaderboard);
        instructorNotes = List.copyOf(instructorNotes);
    }

    /**
     * One leaderboard column value.
     *
     * @param name the column's name, e.g. {@code page speed vs reference}
     * @param value the value
     * @param order {@code desc} when higher is better
     */
    public record LeaderboardEntry(String name, double value, String order) {
    }

    /** Returns how many tests have {@code status}. */
    public long count(Status status) {
        return tests.stream().filter(t -> t.status() == status).count();
    }
}
