package org.kmemlab.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The autograder's command line: {@code kmemlab grade}. See {@link #USAGE} and {@code grader/GRADING.md}.
 *
 * <p>{@link #run} is the entry other front ends call; it prints only to the streams it is given and
 * returns the exit code: 0 when grading completed (whatever the score, unless {@code --fail-under} asks
 * otherwise), 1 when the score is below {@code --fail-under}, 2 for a usage or configuration error or
 * when the grader itself failed.
 */
public final class GradeMain {

    /** The help text. */
    public static final String USAGE = """
            Usage: kmemlab grade SUBMISSION [options]       grade one jar, class folder, Maven project or sources
                   kmemlab grade --batch DIR [options]      grade every submission in DIR (summary.csv in --out)
                   kmemlab grade --gradescope-bundle DIR [--rubric FILE]...   write setup.sh, run_autograder, autograder.zip
                   kmemlab grade --classroom-workflow FILE [--spi S] [--rubric FILE]   write a GitHub Classroom workflow
                   kmemlab grade --print-rubric page|object|zone|slab                  print a shipped rubric

            Options:
              --rubric FILE       a rubric (YAML or JSON); repeat for several SPIs; default: the shipped one
              --spi S             grade only the page, object, zone or slab provider
              --only ID           run only property ID (no performance); with --seed to replay a failure
              --seed N            use seed N for every property instead of the rubric's
              --tries N --steps N override the rubric's effort
              --no-perf           leave the performance test out
              --reference PATH    a jar or folder with reference implementations (repeatable)
              --out DIR           write results.json, junit.xml and report.md there (default: grade-results)
              --results FILE      write Gradescope's results.json here instead
              --junit FILE        write JUnit XML here instead
              --markdown FILE     write the Markdown report here instead
              --prairielearn FILE also write PrairieLearn's results.json (score as a fraction, under 100 KiB)
              --jobs N            with --batch: grade N submissions at a time (default: the number of cores)
              --work DIR          make the work folder (children, builds) in DIR (default: the temporary folder)
              --keep-work         keep the work folder afterwards (it is removed by default)
              --isolation L       auto (default), bubblewrap, user or none; see GRADING.md, "Isolation"
              --maven-args ARGS   extra arguments for building Maven submissions (builds always run offline)
              --maven-repo DIR    the local Maven repository builds read (default: ~/.m2/repository)
              --fail-under P      exit with 1 when the score is below P percent (for CI)
              --quiet             print only the score line (and no progress bar)

            With --batch, every submission gets OUT/<submission>/ with results.json, junit.xml and report.md,
            and --results, --junit, --markdown and --prairielearn name FOLDERS that receive one more file per
            submission, named after it (alice.jar.json, alice.jar.xml, alice.jar.md). --fail-under is for
            one submission; in batch mode read summary.csv instead.
            """;

    private GradeMain() {
    }

    /** Runs the grader with {@code args}; exits with the code {@link #run} returns. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the grader.
     *
     * @return 0 when grading completed, 1 when the score is below {@code --fail-under}, 2 for a usage or
     *         configuration error or when the grader itself failed (the message on {@code err} says which)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Terminal.isInteractive());
    }

    /**
     * Runs the grader; a progress bar is drawn on {@code err} only when {@code interactive} (a person
     * watches a terminal) and {@code --quiet} was not given.
     *
     * @return 0 when grading completed, 1 when the score is below {@code --fail-under}, 2 for a usage or
     *         configuration error or when the grader itself failed (the message on {@code err} says which)
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("kmemlab grade: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        }
        if (a.help) {
            out.print(USAGE);
            return 0;
        }
        try {
            if (a.printRubric != null) {
                out.print(RubricLoader.defaultText(Spi.of(a.printRubric)));
                return 0;
            }
            Map<Spi, Rubric> rubrics = new EnumMap<>(Spi.class);
            for (Path r : a.rubrics) {
                Rubric rubric = RubricLoader.load(r);
                rubrics.put(rubric.spi(), rubric);
            }
            if (a.bundle != null) {
                Path zip = GradescopeBundle.write(a.bundle, ChildPath.fromCurrentJvm().withReferences(a.references),
                        a.rubrics, a.mavenArgs);
                out.println("Wrote " + a.bundle.resolve("setup.sh") + ", " + a.bundle.resolve("run_autograder")
                        + " and " + zip + "; upload " + zip.getFileName() + " as the Gradescope autograder.");
                return 0;
            }
            if (a.workflow != null) {
                Spi spi = a.spi == null ? Spi.PAGE : Spi.of(a.spi);
                Rubric rubric = rubrics.containsKey(spi) ? rubrics.get(spi) : RubricLoader.defaultFor(spi);
                GradescopeResults.writeAtomically(a.workflow, ClassroomWorkflow.text(spi, rubric));
                out.println("Wrote " + a.workflow + "; commit it as .github/workflows/classroom.yml in the template"
                        + " repository.");
                return 0;
            }
            // A missing submission is the caller's mistake, not the student's: no results, exit 2 (after the
            // rubric checks, so a broken rubric still leaves its results file).
            if (a.submission != null && (!Files.exists(a.submission) || !Files.isReadable(a.submission))) {
                err.println("kmemlab grade: submission " + a.submission + (Files.exists(a.submission)
                        ? " cannot be read (check its permissions)" : " does not exist (check the path)"));
                return 2;
            }
            Sandbox sandbox = Sandbox.choose(a.isolation);
            ChildPath path = ChildPath.fromCurrentJvm().withReferences(a.references).withSandbox(sandbox);
            Path work = a.work != null ? Files.createTempDirectory(Files.createDirectories(a.work), "kmemlab-grade")
                    : Files.createTempDirectory("kmemlab-grade");
            try {
                GradeOptions options = new GradeOptions(rubrics, a.spi == null ? null : Spi.of(a.spi), a.only, a.seed,
                        a.tries, a.steps, a.noPerf, path, new SubmissionBuilder("mvn", a.mavenArgs,
                        GradeOptions.apiOf(path), Duration.ofMinutes(5), sandbox,
                        a.mavenRepo != null ? a.mavenRepo : SubmissionBuilder.defaultRepository()), work);
                return grade(a, options, interactive, out, err);
            } finally {
                if (a.keepWork) {
                    err.println("kmemlab grade: kept the work folder " + work);
                } else {
                    try {
                        WorkFolders.delete(work);
                    } catch (IOException | RuntimeException e) {
                        err.println("kmemlab grade: could not remove the work folder " + work + ": " + e.getMessage());
                    }
                }
            }
        } catch (IllegalArgumentException | IllegalStateException | IOException | java.io.UncheckedIOException e) {
            err.println("kmemlab grade: " + e.getMessage());
            if (a.results != null) {
                writeFailure(a.results, "the autograder is misconfigured: " + e.getMessage(), "Isolation: none"
                        + " needed, nothing of the submission ran (--isolation " + a.isolation + " was asked for).",
                        err);
            }
            return 2;
        } catch (RuntimeException e) {
            // Not a configuration mistake but the grader's own failure (Grader.grade reports everything that
            // happens while a submission runs, so this is before or after that): a results file, and the trace
            // for the instructor to report.
            err.println("kmemlab grade: internal error; please report it with the stack trace below");
            e.printStackTrace(err);
            if (a.results != null) {
                writeFailure(a.results, "the autograder itself failed: " + e, "Isolation: --isolation "
                        + a.isolation + " was asked for; the grader failed outside the submission's sandboxed run.",
                        err);
            }
            return 2;
        }
    }

    /** Grades one submission or a batch with {@code options} and writes the results. */
    private static int grade(Args a, GradeOptions options, boolean interactive, PrintStream out, PrintStream err)
            throws IOException {
        if (a.batch != null) {
            BatchGrader.Outputs extra = new BatchGrader.Outputs(a.results, a.junit, a.markdown, a.prairieLearn);
            List<GradeReport> reports = BatchGrader.gradeAll(a.batch, a.out, options, extra, a.jobs,
                    interactive && !a.quiet ? err : null);
            out.println("Graded " + reports.size() + " submissions; summary in " + a.out.resolve("summary.csv"));
            return 0;
        }
        GradeReport report = Grader.grade(a.submission, options);
        writeAll(report, a.results != null ? a.results : a.out.resolve("results.json"),
                a.junit != null ? a.junit : a.out.resolve("junit.xml"),
                a.markdown != null ? a.markdown : a.out.resolve("report.md"));
        if (a.prairieLearn != null) {
            GradescopeResults.writeAtomically(a.prairieLearn, PrairieLearnResults.toJson(report));
        }
        if (!a.quiet) {
            out.print(MarkdownReport.toMarkdown(report, false));
            out.println();
        }
        out.println("Score: " + Grader.format(report.score()) + " / " + Grader.format(report.maxScore()) + " ("
                + String.format(java.util.Locale.ROOT, "%.1f", report.executionSeconds()) + " s)");
        if (a.failUnder >= 0) {
            double percent = report.maxScore() == 0 ? 0 : 100 * report.score() / report.maxScore();
            return percent + 1e-9 >= a.failUnder ? 0 : 1;
        }
        return 0;
    }

    /** Writes the three reports of {@code report}. */
    static void writeAll(GradeReport report, Path results, Path junit, Path markdown) throws IOException {
        GradescopeResults.write(report, results);
        GradescopeResults.writeAtomically(junit, JUnitReport.toXml(report));
        GradescopeResults.writeAtomically(markdown, MarkdownReport.toMarkdown(report, false));
    }

    /**
     * Even a grader that cannot start (a broken rubric) leaves a results file that says so, and names the
     * isolation that was asked for: nothing of the submission ran.
     */
    /**
     * Writes the results file of a run that graded nothing: 0 points, what went wrong ({@code what}, which
     * follows "The ..." in a sentence) and the isolation line every results file has.
     */
    static void writeFailure(Path results, String what, String isolationLine, PrintStream err) {
        TestResult t = new TestResult("grader", "0.1", 0, 0, Status.CRASHED, "**CRASHED**: " + what
                + "\n\nTell your instructor; this is not your fault.", Rubric.Visibility.VISIBLE, List.of("grader"), 0);
        String headline = Character.toUpperCase(what.charAt(0)) + what.substring(1);
        GradeReport report = new GradeReport("submission", "", 0, 0, 0, headline + "\n\n" + isolationLine, List.of(t),
                List.of(), List.of(isolationLine));
        try {
            GradescopeResults.write(report, results);
        } catch (IOException io) {
            err.println("kmemlab grade: cannot write " + results + ": " + io.getMessage());
        }
    }

    /** The parsed command line. */
    private static final class Args {
        Path submission;
        Path batch;
        Path bundle;
        Path workflow;
        String printRubric;
        final List<Path> rubrics = new ArrayList<>();
        final List<Path> references = new ArrayList<>();
        String spi;
        String only;
        Long seed;
        int tries;
        int steps;
        boolean noPerf;
        boolean quiet;
        boolean help;
        Path out = Path.of("grade-results");
        Path results;
        Path junit;
        Path markdown;
        Path prairieLearn;
        Path work;
        int jobs = Runtime.getRuntime().availableProcessors();
        boolean jobsGiven;
        boolean keepWork;
        String isolation = "auto";
        Path mavenRepo;
        List<String> mavenArgs = List.of();
        double failUnder = -1;

        static Args parse(String[] args) {
            Args a = new Args();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> a.help = true;
                    case "--batch" -> a.batch = Path.of(value(args, ++i, arg));
                    case "--gradescope-bundle" -> a.bundle = Path.of(value(args, ++i, arg));
                    case "--classroom-workflow" -> a.workflow = Path.of(value(args, ++i, arg));
                    case "--print-rubric" -> a.printRubric = value(args, ++i, arg);
                    case "--rubric" -> a.rubrics.add(Path.of(value(args, ++i, arg)));
                    case "--reference" -> a.references.add(Path.of(value(args, ++i, arg)));
                    case "--spi" -> a.spi = Spi.of(value(args, ++i, arg)).key();
                    case "--only" -> a.only = value(args, ++i, arg);
                    case "--seed" -> a.seed = number(value(args, ++i, arg), arg);
                    case "--tries" -> a.tries = positive(value(args, ++i, arg), arg);
                    case "--steps" -> a.steps = positive(value(args, ++i, arg), arg);
                    case "--no-perf" -> a.noPerf = true;
                    case "--quiet" -> a.quiet = true;
                    case "--out" -> a.out = Path.of(value(args, ++i, arg));
                    case "--results" -> a.results = Path.of(value(args, ++i, arg));
                    case "--junit" -> a.junit = Path.of(value(args, ++i, arg));
                    case "--markdown" -> a.markdown = Path.of(value(args, ++i, arg));
                    case "--prairielearn" -> a.prairieLearn = Path.of(value(args, ++i, arg));
                    case "--work" -> a.work = Path.of(value(args, ++i, arg));
                    case "--jobs" -> {
                        a.jobs = positive(value(args, ++i, arg), arg);
                        a.jobsGiven = true;
                    }
                    case "--keep-work" -> a.keepWork = true;
                    case "--isolation" -> a.isolation = value(args, ++i, arg);
                    case "--maven-repo" -> a.mavenRepo = Path.of(value(args, ++i, arg));
                    case "--maven-args" -> a.mavenArgs = List.of(value(args, ++i, arg).trim().split("\\s+"));
                    case "--fail-under" -> a.failUnder = number(value(args, ++i, arg), arg);
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (a.submission != null) {
                            throw new IllegalArgumentException("one submission at a time (got " + a.submission
                                    + " and " + arg + "); use --batch DIR for many");
                        }
                        a.submission = Path.of(arg);
                    }
                }
            }
            int modes = (a.submission != null ? 1 : 0) + (a.batch != null ? 1 : 0) + (a.bundle != null ? 1 : 0)
                    + (a.workflow != null ? 1 : 0) + (a.printRubric != null ? 1 : 0);
            if (!a.help && modes != 1) {
                throw new IllegalArgumentException(modes == 0 ? "name a submission (or --batch, --gradescope-bundle,"
                        + " --classroom-workflow, --print-rubric)" : "name only one of: a submission, --batch,"
                        + " --gradescope-bundle, --classroom-workflow, --print-rubric");
            }
            if (a.batch != null && a.failUnder >= 0) {
                throw new IllegalArgumentException("--fail-under applies to one submission; with --batch, read"
                        + " the scores in summary.csv");
            }
            if (a.batch == null && a.jobsGiven) {
                throw new IllegalArgumentException("--jobs applies to --batch only (one submission is graded by one"
                        + " job)");
            }
            return a;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static long number(String text, String option) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " " + text + " is not a whole number", e);
            }
        }

        private static int positive(String text, String option) {
            long n = number(text, option);
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + " " + text + " must be at least 1");
            }
            return (int) n;
        }
    }
}
