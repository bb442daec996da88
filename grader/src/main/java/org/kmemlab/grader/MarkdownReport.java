package org.kmemlab.grader;

import org.kmemlab.api.Checks;

/**
 * Writes a {@link GradeReport} as one Markdown document: the summary, a table of every test with its
 * status and points, then each test's output. With {@code studentView} the tests a student may not see
 * yet (hidden, after the due date, after publishing) are left out.
 */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    /** Returns the report; {@code studentView} leaves out tests that are not visible. */
    public static String toMarkdown(GradeReport report, boolean studentView) {
        Checks.requireNonNull(report, "report");
        StringBuilder md = new StringBuilder(report.output().strip()).append("\n\n");
        md.append("| # | test | status | points |\n|---|---|---|---|\n");
        for (TestResult t : report.tests()) {
            if (studentView && t.visibility() != Rubric.Visibility.VISIBLE) {
                continue;
            }
            md.append("| ").append(t.number()).append(" | ").append(t.name().replace("|", "\\|")).append(" | ")
                    .append(t.status().label()).append(" | ").append(Grader.format(t.score())).append(" / ")
                    .append(Grader.format(t.maxScore())).append(" |\n");
        }
        if (!report.leaderboard().isEmpty()) {
            md.append('\n');
            for (GradeReport.LeaderboardEntry e : report.leaderboard()) {
                md.append("Leaderboard: ").append(e.name()).append(" = ").append(e.value()).append('\n');
            }
        }
        for (TestResult t : report.tests()) {
            if (studentView && t.visibility() != Rubric.Visibility.VISIBLE) {
                continue;
            }
            md.append("\n### ").append(t.number()).append(' ').append(t.name()).append("\n\n");
            if (t.visibility() != Rubric.Visibility.VISIBLE) {
                md.append("_visibility: ").append(t.visibility().key()).append("_\n\n");
            }
            md.append(t.output().strip()).append('\n');
        }
        if (!studentView && !report.instructorNotes().isEmpty()) {
            md.append("\n### Notes for instructors\n\n");
            for (String n : report.instructorNotes()) {
                md.append("- ").append(n.replace("\n", "\n  ")).append('\n');
            }
        }
        return md.toString();
    }
}
