package org.kmemlab.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.kmemlab.api.Checks;

/**
 * Grades every submission in a folder: each jar, and each sub-folder (a project, classes or sources).
 * Writes each one's {@code results.json}, {@code junit.xml} and {@code report.md} to
 * {@code OUT/<submission>/}, the files the output options name ({@link Outputs}), a {@code summary.csv}
 * with one row per submission, and (on a terminal) a progress bar.
 *
 * <h2>Jobs</h2>
 * Submissions are graded {@code jobs} at a time. Grading one submission is independent of every other:
 * each has its own work folder, child JVM and per-submission seeds (derived from the rubric and the
 * submission's hash, never from the order or the time it ran), so the results do not depend on
 * {@code jobs}. Only what is measured in seconds does: the {@code seconds} column, the execution times
 * in the files and, when the performance test runs, the speed ratio, because neighbours share the
 * machine's cores. Grade with {@code --no-perf}, or with one job, when those must be comparable.
 * The summary lists submissions in file-name order whatever order they finish in; it is rewritten after
 * every submission, so a batch stopped half-way keeps the rows it has.
 */
public final class BatchGrader {

    /** The columns of {@code summary.csv}. */
    public static final String CSV_HEADER = "submission,sha256,score,max_score,passed,failed,timed_out,"
            + "out_of_memory,crashed,exited,rules_violated,perf_ratio,seconds";

    /**
     * Folders for extra copies of each submission's results, named after the submission; null leaves
     * that kind out. A submission {@code alice.jar} gets {@code results/alice.jar.json},
     * {@code junit/alice.jar.xml}, {@code markdown/alice.jar.md} and {@code prairieLearn/alice.jar.json}.
     *
     * @param results folder for Gradescope {@code results.json} copies
     * @param junit folder for JUnit XML copies
     * @param markdown folder for Markdown report copies
     * @param prairieLearn folder for PrairieLearn results (written only here in batch mode)
     */
    public record Outputs(Path results, Path junit, Path markdown, Path prairieLearn) {

        /** No extra copies: only {@code OUT/<submission>/} and the summary. */
        public static final Outputs NONE = new Outputs(null, null, null, null);

        /** Returns the file for {@code submission} in {@code folder}, or null when {@code folder} is. */
        static Path fileIn(Path folder, String submission, String extension) {
            return folder == null ? null : folder.resolve(safe(submission) + extension);
        }
    }

    private BatchGrader() {
    }

    /**
     * Grades every submission in {@code dir} one at a time, with a progress bar on {@code progress}.
     *
     * @return the reports, in file-name order
     */
    public static List<GradeReport> gradeAll(Path dir, Path out, GradeOptions options, PrintStream progress)
            throws IOException {
        return gradeAll(dir, out, options, Outputs.NONE, 1, progress);
    }

    /**
     * Grades every submission in {@code dir}, {@code jobs} at a time.
     *
     * @param out the folder for the per-submission results and the summary
     * @param extra the extra copies to write (see {@link Outputs})
     * @param jobs how many submissions are graded at the same time; at least 1
     * @param progress where the progress bar goes, or null for none (not a terminal, or {@code --quiet})
     * @return the reports, in file-name order
     */
    public static List<GradeReport> gradeAll(Path dir, Path out, GradeOptions options, Outputs extra, int jobs,
                                             PrintStream progress) throws IOException {
        Checks.requireArgument(Files.isDirectory(dir), "batch folder %s is not a folder", dir);
        Checks.requireArgument(jobs >= 1, "--jobs %d must be at least 1", jobs);
        Checks.requireNonNull(extra, "outputs");
        List<Path> submissions;
        try (Stream<Path> s = Files.list(dir)) {
            submissions = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar")).sorted().toList();
        }
        Files.createDirectories(out);
        Summary summary = new Summary(out.resolve("summary.csv"), submissions, progress);
        summary.write();
        if (jobs == 1 || submissions.size() <= 1) {
            for (int i = 0; i < submissions.size(); i++) {
                summary.record(i, gradeOne(submissions.get(i), out, options, extra));
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, submissions.size()), r -> {
                Thread t = new Thread(r, "kmemlab-batch");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<GradeReport>> futures = new ArrayList<>();
                for (int i = 0; i < submissions.size(); i++) {
                    int index = i;
                    futures.add(pool.submit(() -> {
                        GradeReport report = gradeOne(submissions.get(index), out, options, extra);
                        summary.record(index, report);
                        return report;
                    }));
                }
                for (Future<GradeReport> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("batch grading was interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                throw new IllegalStateException("batch grading failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        summary.write();
        if (progress != null) {
            progress.println();
        }
        return summary.reports();
    }

    /** Grades one submission and writes its files; a failure to write is an {@link UncheckedIOException}. */
    private static GradeReport gradeOne(Path sub, Path out, GradeOptions options, Outputs extra) {
        String name = sub.getFileName().toString();
        GradeOptions one = new GradeOptions(options.rubrics(), options.onlySpi(), options.onlyProperty(),
                options.seed(), options.tries(), options.steps(), options.skipPerformance(), options.path(),
                options.builder(), options.workDir().resolve(safe(name)));
        GradeReport report = Grader.grade(sub, one);
        Path dirOut = out.resolve(safe(name));
        try {
            GradeMain.writeAll(report, dirOut.resolve("results.json"), dirOut.resolve("junit.xml"),
                    dirOut.resolve("report.md"));
            if (extra.results() != null) {
                GradescopeResults.write(report, Outputs.fileIn(extra.results(), name, ".json"));
            }
            if (extra.junit() != null) {
                GradescopeResults.writeAtomically(Outputs.fileIn(extra.junit(), name, ".xml"), JUnitReport.toXml(report));
            }
            if (extra.markdown() != null) {
                GradescopeResults.writeAtomically(Outputs.fileIn(extra.markdown(), name, ".md"),
                        MarkdownReport.toMarkdown(report, false));
            }
            if (extra.prairieLearn() != null) {
                GradescopeResults.writeAtomically(Outputs.fileIn(extra.prairieLearn(), name, ".json"),
                        PrairieLearnResults.toJson(report));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    /** The summary rows and the progress bar, shared by the jobs; every method holds the lock. */
    private static final class Summary {
        private final Path file;
        private final List<Path> submissions;
        private final PrintStream progress;
        private final GradeReport[] reports;
        private int done;

        Summary(Path file, List<Path> submissions, PrintStream progress) {
            this.file = file;
            this.submissions = submissions;
            this.progress = progress;
            this.reports = new GradeReport[submissions.size()];
            if (progress != null) {
                bar(progress, 0, submissions.size(), "", "");
            }
        }

        synchronized void record(int index, GradeReport report) {
            reports[index] = report;
            done++;
            String name = submissions.get(index).getFileName().toString();
            try {
                write();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (progress != null) {
                bar(progress, done, submissions.size(), name, Grader.format(report.score()) + "/"
                        + Grader.format(report.maxScore()));
            }
        }

        /** Rewrites the summary with the rows graded so far, in file-name order. */
        synchronized void write() throws IOException {
            StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
            for (int i = 0; i < reports.length; i++) {
                if (reports[i] != null) {
                    csv.append(row(submissions.get(i).getFileName().toString(), reports[i])).append('\n');
                }
            }
            GradescopeResults.writeAtomically(file, csv.toString());
        }

        synchronized List<GradeReport> reports() {
            return List.copyOf(Arrays.asList(reports));
        }
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

    /** Returns {@code name} as a safe file name: anything but letters, digits, '.', '_' and '-' becomes '_'. */
    static String safe(String name) {
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
