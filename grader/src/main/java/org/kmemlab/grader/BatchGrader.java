package org.kmemlab.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.kmemlab.api.Checks;

/**
 * Grades every submission in a folder, one after the other: each jar, and each sub-folder (a project,
 * classes or sources). Writes each one's {@code results.json}, {@code junit.xml} and {@code report.md}
 * to {@code OUT/<submission>/}, a {@code summary.csv} with one row per submission, and a progress bar
 * on standard error.
 */
public final class BatchGrader {

    /** The columns of {@code summary.csv}. */
    public static final String CSV_HEADER = "submission,sha256,score,max_score,passed,failed,timed_out,"
            + "out_of_memory,crashed,exited,rules_violated,perf_ratio,seconds";

    private BatchGrader() {
    }

    /**
     * Grades every submission in {@code dir}.
     *
     * @param out the folder for the results and the summary
     * @param progress where the progress bar goes (standard error)
     * @return the reports, in file-name order
     */
    public static List<GradeReport> gradeAll(Path dir, Path out, GradeOptions options, PrintStream progress)
            throws IOException {
        Checks.requireArgument(Files.isDirectory(dir), "batch folder %s is not a folder", dir);
        List<Path> submissions;
        try (Stream<Path> s = Files.list(dir)) {
            submissions = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar")).sorted().toList();
        }
        Files.createDirectories(out);
        List<GradeReport> reports = new ArrayList<>();
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        Path summary = out.resolve("summary.csv");
        int done = 0;
        for (Path sub : submissions) {
            String name = sub.getFileName().toString();
            bar(progress, done, submissions.size(), name, "");
            GradeOptions one = new GradeOptions(options.rubrics(), options.onlySpi(), options.onlyProperty(),
                    options.seed(), options.tries(), options.steps(), options.skipPerformance(), options.path(),
                    options.builder(), options.workDir().resolve(safe(name)));
            GradeReport report = Grader.grade(sub, one);
            reports.add(report);
            Path dirOut = out.resolve(safe(name));
            GradeMain.writeAll(report, dirOut.resolve("results.json"), dirOut.resolve("junit.xml"),
                    dirOut.resolve("report.md"));
            csv.append(row(name, report)).append('\n');
            // The summary is rewritten after every submission, so a batch stopped half-way keeps its rows.
            GradescopeResults.writeAtomically(summary, csv.toString());
            done++;
            bar(progress, done, submissions.size(), name, Grader.format(report.score()) + "/"
                    + Grader.format(report.maxScore()));
        }
        GradescopeResults.writeAtomically(summary, csv.toString());
        progress.println();
        return reports;
    }

    /** Returns the CSV row of one report. */
    static String row(String name, GradeReport r) {
        double ratio = r.leaderboard().isEmpty() ? Double.NaN : r.leaderboard().get(0).value();
        return String.join(",", csv(name), r.sha256(), Grader.format(r.score()), Grader.format(r.maxScore()),
                Long.toString(r.count(Status.PASSED)), Long.toString(r.count(Status.FAILED)),
                Long.toString(r.count(Status.TIMED_OUT)), Long.toString(r.count(Status.OUT_OF_MEMORY)),
                Long.toString(r.count(Status.CRASHED)), Long.toString(r.count(Status.EXITED)),
                Long.toString(r.count(Status.RULES_VIOLATED)),
                Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3f", ratio),
                String.format(Locale.ROOT, "%.1f", r.executionSeconds()));
    }

    private static String csv(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Draws {@code [#####.....] 5/10 name score} on one line, redrawn in place. */
    static void bar(PrintStream out, int done, int total, String name, String score) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + " " + name
                + (score.isEmpty() ? "" : " " + score) + "          ");
        out.flush();
    }
}
