package org.kmemlab.grader;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.api.Checks;

/**
 * Grades one submission: builds it, checks the submission rules, discovers its providers, runs every
 * rubric group and the performance test in child JVMs, and scores the outcomes. Only this class (in the
 * parent JVM, where the submission never runs) turns outcomes into points.
 *
 * <p>{@link #grade} never throws: a submission that does not build, provides nothing, or breaks the
 * grader still gets a report that says so, because instructors need a results file for every submission.
 */
public final class Grader {

    private Grader() {
    }

    /** Grades {@code input} with {@code options}; always returns a report. */
    public static GradeReport grade(Path input, GradeOptions options) {
        Checks.requireNonNull(input, "submission");
        Checks.requireNonNull(options, "options");
        long started = System.nanoTime();
        String name = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        try {
            return gradeOrFail(input, options, started);
        } catch (IOException | RuntimeException | Error e) {
            // Whatever happened (an Error too: the grader's own heap or stack), a report is returned, so a
            // results file is written; it names the isolation the children had, as every results file does.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            String isolation = options.path().sandbox().describe();
            TestResult crash = new TestResult("grader", "0.1", 0, 0, Status.CRASHED,
                    "**CRASHED**: the grader itself failed on this submission. Tell your instructor; this is"
                            + " not your fault.\n\n" + Feedback.code(String.valueOf(e)), Rubric.Visibility.VISIBLE,
                    List.of("grader"), 0);
            return new GradeReport(name, "", 0, 0, elapsed(started), "The grader failed: " + e.getMessage() + "\n\n"
                    + isolation, List.of(crash), List.of(), List.of(isolation, trace.toString()));
        }
    }

    private static GradeReport gradeOrFail(Path input, GradeOptions options, long started) throws IOException {
        Path work = options.workDir();
        // The whole run, the build included, ends by the rubric's deadline.
        long runDeadline = started + runBudget(options).toNanos();
        String isolation = options.path().sandbox().describe();
        Submission built;
        try {
            built = Submission.resolve(input, work.resolve("build"), options.builder(), runDeadline);
        } catch (IllegalArgumentException e) {
            TestResult t = new TestResult("submission", "0.1", 0, 0, Status.CRASHED, "**CRASHED**: " + e.getMessage(),
                    Rubric.Visibility.VISIBLE, List.of("submission"), 0);
            return new GradeReport(input.toString(), "", 0, 0, elapsed(started), e.getMessage() + "\n\n" + isolation,
                    List.of(t), List.of(), List.of(isolation));
        }
        if (built.buildFailed()) {
            TestResult t = new TestResult("build", "0.1", 0, 0, Status.FAILED,
                    "**FAILED**: your submission does not build. The compiler says:\n\n"
                            + Feedback.code(built.buildOutput().strip()), Rubric.Visibility.VISIBLE, List.of("build"), 0);
            return new GradeReport(built.name(), built.sha256(), 0, 0, elapsed(started),
                    "Your submission does not build; see the **build** test for the compiler's messages.\n\n"
                            + isolation, List.of(t), List.of(), List.of(isolation));
        }
        // What runs is what was checked: the rules read, and the child runs, one read-only extracted copy.
        SubmissionExtractor.Extracted extracted;
        try {
            extracted = SubmissionExtractor.extract(built.classes(), work.resolve("submission"),
                    SubmissionExtractor.Limits.defaults());
        } catch (SubmissionExtractor.Rejected e) {
            TestResult t = new TestResult("submission", "0.1", 0, 0, Status.RULES_VIOLATED, "**RULES VIOLATED**: the"
                    + " grader refuses to run this submission: " + e.getMessage() + ".", Rubric.Visibility.VISIBLE,
                    List.of("submission", Status.RULES_VIOLATED.key()), 0);
            return new GradeReport(built.name(), built.sha256(), 0, 0, elapsed(started), "The grader refuses to run"
                    + " this submission: " + e.getMessage() + ".\n\n" + isolation, List.of(t), List.of(),
                    List.of(isolation));
        }
        Submission sub = new Submission(built.name(), built.input(), built.kind(), extracted.classes(),
                built.sha256(), false, built.buildOutput());
        if (options.path().sandbox().level() == Sandbox.Level.UNPRIVILEGED_USER) {
            options = options.withPath(WorkFolders.stageForOtherUser(options.path(), work.resolve("lib")));
        }
        List<String> notes = new ArrayList<>();
        notes.add(isolation);
        if (!options.path().encapsulated()) {
            notes.add("The grader runs on a class path, so the child runs the testkit unencapsulated; run it on"
                    + " the module path (kmemlab grade) for tamper-proof results.");
        }
        // ArchUnit reads class files in the parent while the discovery child starts: both take seconds.
        java.util.concurrent.CompletableFuture<List<String>> rules =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> RulesCheck.violations(sub.classes()));

        // Instructors' property sets load here, in the grader, from the rubrics' paths only.
        List<PropertySet> sets = new ArrayList<>();
        for (Spi spi : Spi.values()) {
            for (Rubric.Group g : options.rubricFor(spi).groups()) {
                List<Path> paths = new ArrayList<>();
                for (String h : g.hiddenTests()) {
                    Path p = Path.of(h);
                    if (java.nio.file.Files.exists(p)) {
                        paths.add(p);
                    }
                }
                sets.addAll(Suites.load(paths));
            }
        }
        Discovery found = Discovery.run(options.path(), sub.classes(), sets, runDeadline, work.resolve("discover"));
        if (!found.others().isEmpty()) {
            notes.add("Providers on the child's path that are not the submission's (ignored): " + found.others());
        }
        List<TestResult> tests = new ArrayList<>();
        List<GradeReport.LeaderboardEntry> leaderboard = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        List<Discovery.Found> graded = new ArrayList<>();
        for (Spi spi : Spi.values()) {
            if (options.onlySpi() != null && options.onlySpi() != spi) {
                continue;
            }
            Discovery.Found chosen;
            try {
                chosen = chooseProvider(spi, found.providers(), options.rubricFor(spi), notes);
            } catch (IllegalArgumentException e) {
                tests.add(new TestResult(spi.key() + " provider", "0.1", 0, 0, Status.CRASHED, "**CRASHED**: "
                        + e.getMessage(), Rubric.Visibility.VISIBLE, List.of("discovery", Status.CRASHED.key()), 0));
                continue;
            }
            if (chosen != null) {
                graded.add(chosen);
            }
        }
        if (graded.isEmpty() && tests.isEmpty()) {
            tests.add(noProvider(found, options));
        }
        int providerNumber = 0;
        double rulesDeduct = 0;
        boolean rulesZero = false;
        for (Discovery.Found f : graded) {
            providerNumber++;
            Rubric rubric = options.rubricFor(f.spi());
            rulesZero |= rubric.rules().onViolation().equals("zero");
            if (rubric.rules().onViolation().equals("deduct")) {
                rulesDeduct = Math.max(rulesDeduct, rubric.rules().deduct());
            }
            String prefix = graded.size() > 1 ? providerNumber + "." : "";
            if (found.properties().getOrDefault(f.spi(), Map.of()).isEmpty()) {
                tests.add(new TestResult(f.name() + " / properties", prefix + "1.1", 0, 0, Status.CRASHED,
                        "**CRASHED**: the grader could not list the " + f.spi().key() + " properties for " + f.name()
                                + ".\n\n" + Feedback.code(String.join("\n", found.errors())),
                        Rubric.Visibility.VISIBLE, List.of(f.spi().key(), Status.CRASHED.key()), 0));
                continue;
            }
            ProviderGrader.Result r = ProviderGrader.grade(f, rubric, sub, options, prefix, runDeadline,
                    work.resolve("p" + providerNumber));
            tests.addAll(r.tests());
            leaderboard.addAll(r.leaderboard());
            notes.addAll(r.notes());
            notes.addAll(r.warnings());
            for (String w : r.warnings()) {
                output.append("\n**Warning** (").append(f.name()).append(", a SHOULD rule, no points): ").append(w)
                        .append('\n');
            }
            if (!r.output().isBlank()) {
                output.append("\n### Output of your code (").append(f.name()).append(")\n\n")
                        .append(Feedback.code(GroupRunner.head(r.output(), 8000))).append("\n");
            }
        }
        List<String> violations = rules.join();
        String rulesLine = "";
        double rulesScore = 0;
        if (violations.isEmpty()) {
            tests.add(new TestResult("submission rules", "0.1", 0, 0, Status.PASSED,
                    "**PASSED**: the submission uses only org.kmemlab.api and java.base, and none of the forbidden"
                            + " APIs.", Rubric.Visibility.VISIBLE, List.of("rules"), 0));
        } else {
            if (rulesZero) {
                // Every test scores 0, hidden ones included, so no total (and no hidden points) is stated.
                tests.replaceAll(t -> new TestResult(t.name(), t.number(), 0, t.maxScore(), t.status(), t.output(),
                        t.visibility(), t.tags(), t.seconds()));
                rulesLine = "The submission breaks the submission rules, so every test scores 0.";
            } else if (rulesDeduct > 0) {
                // Deducted from the visible points only, so the deduction never depends on (or reveals) hidden ones.
                rulesScore = -Math.min(rulesDeduct, visible(tests, false));
                rulesLine = "The submission breaks the submission rules: " + format(-rulesScore) + " points are"
                        + " deducted.";
            } else {
                rulesLine = "The submission breaks the submission rules (reported only; no points deducted).";
            }
            tests.add(new TestResult("submission rules", "0.1", rulesScore, 0, Status.RULES_VIOLATED,
                    "**RULES VIOLATED**: " + rulesLine + "\n\n" + Feedback.code(String.join("\n", violations)),
                    Rubric.Visibility.VISIBLE, List.of("rules", Status.RULES_VIOLATED.key()), 0));
        }
        double max = 0;
        double sum = 0;
        for (TestResult t : tests) {
            max += t.maxScore();
            sum += t.score();
        }
        StringBuilder contents = new StringBuilder();
        for (String n : extracted.notes()) {
            contents.append("Not graded: ").append(n).append('\n');
        }
        String summary = summary(sub, tests, rulesLine) + (contents.isEmpty() ? "" : "\n" + contents) + "\n"
                + isolation + "\n" + output;
        return new GradeReport(sub.name(), sub.sha256(), round(Math.max(0, sum)), round(max), elapsed(started),
                summary, tests, leaderboard, notes);
    }

    /** Returns the points ({@code max} false) or the maximum of the visible tests only. */
    static double visible(List<TestResult> tests, boolean max) {
        double total = 0;
        for (TestResult t : tests) {
            if (t.visibility() == Rubric.Visibility.VISIBLE) {
                total += max ? t.maxScore() : t.score();
            }
        }
        return total;
    }

    private static TestResult noProvider(Discovery found, GradeOptions options) {
        StringBuilder why = new StringBuilder("**CRASHED**: no allocator provider was found in the submission");
        why.append(options.onlySpi() == null ? "" : " for the " + options.onlySpi().key() + " SPI").append(".\n\n")
                .append("A provider is a public class with a public no-argument constructor that implements"
                        + " PageAllocatorProvider, ObjectAllocatorProvider, ZoneAllocatorProvider or SlabCacheProvider, named in"
                        + " `META-INF/services/org.kmemlab.api.spi.<Interface>` (or `provides … with …` in"
                        + " module-info.java).");
        if (!found.errors().isEmpty()) {
            why.append("\n\nLoading providers failed:\n\n").append(Feedback.code(String.join("\n", found.errors())));
        }
        if (!found.answered()) {
            Status s = GroupRunner.classify(found.run());
            why.append("\n\nThe JVM that looked for providers ended early: ").append(s.label()).append('.');
        }
        if (!found.run().output().isBlank()) {
            why.append("\n\n").append(Feedback.code(GroupRunner.head(found.run().output(), 4000)));
        }
        return new TestResult("providers", "0.1", 0, 0, Status.CRASHED, why.toString(), Rubric.Visibility.VISIBLE,
                List.of("discovery"), 0);
    }

    /**
     * The summary a student reads first. It states the points of the visible tests only: a total that
     * included hidden tests (or their maximum) would give their results away before they are released.
     */
    private static String summary(Submission sub, List<TestResult> tests, String rules) {
        Map<Status, Integer> counts = new LinkedHashMap<>();
        boolean hidden = false;
        for (TestResult t : tests) {
            if (t.visibility() == Rubric.Visibility.VISIBLE) {
                counts.merge(t.status(), 1, Integer::sum);
            } else {
                hidden = true;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("## kmemlab grade: ").append(sub.name()).append("\n\n");
        out.append("**Visible score: ").append(format(Math.max(0, visible(tests, false)))).append(" / ")
                .append(format(visible(tests, true))).append("**\n\n");
        if (hidden) {
            out.append("Hidden tests are graded too; their results and points appear when your instructor releases"
                    + " them.\n\n");
        }
        out.append("Visible tests: ");
        List<String> parts = new ArrayList<>();
        counts.forEach((s, n) -> parts.add(n + " " + s.label().toLowerCase(java.util.Locale.ROOT)));
        out.append(String.join(", ", parts)).append(".\n\n");
        if (!rules.isEmpty()) {
            out.append(rules).append("\n\n");
        }
        out.append("Submission SHA-256: `").append(sub.sha256())
                .append("` (hidden tests derive their seeds from it).\n");
        return out.toString();
    }

    /**
     * Returns how long the whole run may take: the longest {@code runTimeoutSeconds} of the rubrics that
     * can apply (the one SPI's with {@code --spi}; else the instructor's own rubrics when given; else the
     * shipped ones). The build counts, so it is known before the SPI the submission provides.
     */
    private static java.time.Duration runBudget(GradeOptions options) {
        java.time.Duration most = java.time.Duration.ZERO;
        java.util.Collection<Spi> spis = options.onlySpi() != null ? List.of(options.onlySpi())
                : !options.rubrics().isEmpty() ? options.rubrics().keySet() : List.of(Spi.values());
        for (Spi spi : spis) {
            java.time.Duration d = options.rubricFor(spi).runTimeout();
            most = d.compareTo(most) > 0 ? d : most;
        }
        return most;
    }

    static String format(double points) {
        return points == Math.rint(points) ? Long.toString((long) points)
                : String.format(java.util.Locale.ROOT, "%.2f", points);
    }

    static double round(double points) {
        return Math.round(points * 1000) / 1000.0;
    }

    private static double elapsed(long started) {
        return round((System.nanoTime() - started) / 1e9);
    }

    /**
     * Returns the one provider of {@code spi} that is graded: the one the rubric names (its {@code provider}
     * field), else the only one, else (several without a name, as when one allocator is registered under
     * several names) the first by name, with a note that says so. Grading every name would count one
     * allocator several times.
     */
    static Discovery.Found chooseProvider(Spi spi, List<Discovery.Found> providers, Rubric rubric, List<String> notes) {
        List<Discovery.Found> mine = new ArrayList<>();
        for (Discovery.Found f : providers) {
            if (f.spi() == spi) {
                mine.add(f);
            }
        }
        mine.sort(java.util.Comparator.comparing(Discovery.Found::name));
        List<String> names = new ArrayList<>();
        for (Discovery.Found f : mine) {
            names.add("\"" + f.name() + "\"");
        }
        if (!rubric.provider().isEmpty() && !mine.isEmpty()) {
            for (Discovery.Found f : mine) {
                if (f.name().equals(rubric.provider())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("the rubric grades the " + spi.type().getSimpleName() + " named \""
                    + rubric.provider() + "\", but the submission provides none of that name; it provides "
                    + String.join(", ", names) + " (the names their name() methods return). Students: name your"
                    + " provider as the assignment says. Instructors: correct the rubric's provider field, or leave"
                    + " it out to grade the only provider.");
        }
        if (mine.size() <= 1) {
            return mine.isEmpty() ? null : mine.get(0);
        }
        notes.add("The submission provides " + mine.size() + " " + spi.type().getSimpleName() + "s (" + String.join(", ",
                names) + "); exactly one per SPI is graded: " + mine.get(0).name() + ", the first by name (a rubric's"
                + " provider field names the one to grade).");
        return mine.get(0);
    }

    static List<String> strings(List<Path> paths) {
        List<String> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(p.toString());
        }
        return out;
    }
}
