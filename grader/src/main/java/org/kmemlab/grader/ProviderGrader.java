package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kmemlab.grader.child.Wire;

/**
 * Grades one provider of a submission with its SPI's rubric: each group's properties (with their
 * weights, visibility and seeds), then the performance test, gated on correctness.
 */
final class ProviderGrader {

    /**
     * What grading one provider produced.
     *
     * @param tests the tests, groups first, performance last
     * @param leaderboard the performance ratio, when measured
     * @param notes notes for instructors
     * @param output the submission's output over all its children
     * @param warnings SHOULD warnings for the student (no points)
     */
    record Result(List<TestResult> tests, List<GradeReport.LeaderboardEntry> leaderboard, List<String> notes,
                  String output, List<String> warnings) {
    }

    private ProviderGrader() {
    }

    /**
     * The successful allocations a property must have seen the submission serve to earn its points: a
     * property that holds while nothing was allocated (the untouched template, an allocator that always
     * fails) tested nothing.
     */
    static final int MIN_EXERCISED = 2;

    static Result grade(Discovery.Found provider, Rubric rubric, Submission sub,
                        GradeOptions options, String numberPrefix, long runDeadline, Path work) throws IOException {
        CallCounts calls = new CallCounts();
        List<String> warnings = new ArrayList<>();
        List<TestResult> tests = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        Map<String, Boolean> groupPassed = new LinkedHashMap<>();
        String pageProvider = provider.spi() == Spi.ZONE ? pageProviderFor(options) : "";
        int groupNumber = 0;
        for (Rubric.Group group : rubric.groups()) {
            groupNumber++;
            List<Path> hidden = new ArrayList<>();
            for (String h : group.hiddenTests()) {
                Path p = Path.of(h);
                if (Files.exists(p)) {
                    hidden.add(p);
                } else {
                    notes.add("rubric group " + group.name() + ": hidden tests " + h + " do not exist");
                }
            }
            List<PropertySet> sets = Suites.load(hidden);
            Map<String, String> groupListed = new LinkedHashMap<>(Suites.listing(provider.spi(), sets));
            Map<String, PropertyRun> runs = new LinkedHashMap<>();
            Map<String, Double> weights = new LinkedHashMap<>();
            for (String id : groupListed.keySet()) {
                Rubric.Item item = group.itemFor(id);
                if (item == null || (options.onlyProperty() != null && !options.onlyProperty().equals(id))) {
                    continue;
                }
                long seed = options.seed() != null ? options.seed()
                        : Seeds.forProperty(rubric, group, sub.sha256(), id);
                int tries = options.tries() > 0 ? options.tries() : group.tries();
                int steps = options.steps() > 0 ? options.steps() : group.steps();
                runs.put(id, new PropertyRun(id, tries, steps, seed));
                weights.put(id, item.weight());
            }
            for (Rubric.Item item : group.items()) {
                if (!item.id().contains("*") && !groupListed.containsKey(item.id())) {
                    notes.add("rubric group " + group.name() + " names " + item.id() + ", which the "
                            + provider.spi().key() + " suite does not have");
                }
            }
            if (runs.isEmpty()) {
                continue;
            }
            GroupRunner.GroupResult result = GroupRunner.run(new GroupRunner.Subject(provider, pageProvider, sets,
                            warnings.isEmpty() && groupNumber == 1 && options.onlyProperty() == null),
                    runs, options.path(), sub, group.limits(), runDeadline, work.resolve("g" + groupNumber));
            calls.add(result.calls());
            warnings.addAll(result.warnings());
            appendOutput(output, notes, group.visibility(), "group " + group.name(), result.output());
            boolean allPassed = true;
            int i = 0;
            for (Map.Entry<String, GroupRunner.Outcome> e : result.outcomes().entrySet()) {
                i++;
                String id = e.getKey();
                GroupRunner.Outcome o = e.getValue();
                allPassed &= o.status().passed();
                double weight = weights.get(id);
                PropertyRun run = runs.get(id);
                String title = groupListed.getOrDefault(id, id);
                boolean vacuous = o.status().passed() && o.exercised() < MIN_EXERCISED;
                double points = o.status().passed() && !vacuous ? weight : 0;
                String text = Feedback.property(o, run, provider, sub);
                if (vacuous) {
                    text += "\n**No points**: this property held, but the allocator served only " + o.exercised()
                            + " allocations while it ran (at least " + MIN_EXERCISED + " are needed), so it did not"
                            + " test what the property checks. An allocator that serves nothing passes it vacuously.\n";
                }
                tests.add(new TestResult(provider.name() + " / " + group.name() + " / " + id + ": " + title,
                        numberPrefix + groupNumber + "." + i, points, weight, o.status(), text, group.visibility(),
                        List.of(provider.spi().key(), group.name(), o.status().key()), o.seconds()));
            }
            groupPassed.put(group.name(), allPassed);
        }
        List<GradeReport.LeaderboardEntry> leaderboard = new ArrayList<>();
        Rubric.Performance perf = rubric.performance();
        if (perf != null && !options.skipPerformance() && options.onlyProperty() == null) {
            tests.add(performance(provider, rubric, perf, groupPassed, sub, options, pageProvider,
                    numberPrefix + (groupNumber + 1) + ".1", runDeadline, work.resolve("perf"), leaderboard, output,
                    notes));
        }
        notes.add(provider.name() + ", the properties' channel to the submission's JVM: " + calls.describe());
        return new Result(tests, leaderboard, notes, output.toString(), warnings);
    }

    private static TestResult performance(Discovery.Found provider, Rubric rubric, Rubric.Performance perf,
                                          Map<String, Boolean> groupPassed, Submission sub, GradeOptions options,
                                          String pageProvider, String number, long runDeadline, Path work,
                                          List<GradeReport.LeaderboardEntry> leaderboard, StringBuilder output,
                                          List<String> notes)
            throws IOException {
        String name = provider.name() + " / performance: speed relative to " + rubric.reference();
        List<String> tags = List.of(provider.spi().key(), "performance");
        List<String> failedGates = new ArrayList<>();
        for (String g : perf.gate()) {
            if (!groupPassed.getOrDefault(g, Boolean.FALSE)) {
                failedGates.add(g);
            }
        }
        if (!failedGates.isEmpty()) {
            return new TestResult(name, number, 0, perf.maxScore(), Status.FAILED, "**FAILED**: performance earns"
                    + " points only when every property of " + String.join(", ", failedGates) + " passes. Make it"
                    + " correct first; then make it fast.", perf.visibility(), tags, 0);
        }
        if (options.path().references().isEmpty()) {
            return new TestResult(name, number, 0, perf.maxScore(), Status.CRASHED, "**CRASHED**: performance was"
                    + " not measured: the grader has no reference implementation to compare with. This is not your"
                    + " fault; instructors: run the grader with the reference on its path (kmemlab grade has it) or"
                    + " pass --reference.", perf.visibility(), tags, 0);
        }
        Limits limits = perf.limits();
        long deadline = System.nanoTime() + limits.groupTimeout().toNanos();
        ChildSession session = ChildSession.start(options.path(), sub.classes(), limits, 0, deadline, runDeadline,
                work.resolve("child-1"));
        ChildSession clean = null;
        StringBuilder text = new StringBuilder();
        double logSum = 0;
        String failure = null;
        Status failureStatus = null;
        try {
            List<ChildSession.Listed> listed = session.hello(sub.classes(), options.path().references());
            int subject = session.provider(provider.spi(), provider.name(), false);
            // The reference runs in a JVM with nothing of the submission in it: see Performance.
            clean = ChildSession.start(options.path(), List.of(), limits, 0, deadline, runDeadline,
                    work.resolve("child-reference"));
            List<ChildSession.Listed> cleanListed = clean.hello(List.of(), options.path().references());
            int reference = clean.provider(provider.spi(), rubric.reference(), true);
            int pages = -1;
            int referencePages = -1;
            if (provider.spi() == Spi.ZONE) {
                pages = ((RemoteProviders.Pages) GroupRunner.pageProvider(session, listed, pageProvider)).handle;
                referencePages = ((RemoteProviders.Pages) GroupRunner.pageProvider(clean, cleanListed, pageProvider))
                        .handle;
            }
            for (Rubric.Workload w : perf.workloads()) {
                Performance.Timing t = Performance.measure(provider.spi(),
                        new Performance.Side(session, subject, pages, true),
                        new Performance.Side(clean, reference, referencePages, false), w, perf.warmups(),
                        perf.rounds());
                double ratio = (double) t.referenceNanos() / Math.max(1, t.subjectNanos());
                logSum += Math.log(ratio);
                text.append(String.format(Locale.ROOT, "| %s | %d | %.2f ms | %.2f ms | %.3f |%n", w.name(), w.ops(),
                        t.subjectNanos() / 1e6, t.referenceNanos() / 1e6, ratio));
            }
        } catch (Performance.WrongResult e) {
            failureStatus = Status.FAILED;
            failure = "**FAILED**: a result of your allocator during the measured workload was wrong, so the"
                    + " performance points are void:\n\n" + Feedback.code(e.getMessage());
        } catch (Wire.Gone | RuntimeException e) {
            failureStatus = null;
            failure = e.getMessage();
        } finally {
            if (clean != null) {
                clean.close();
            }
        }
        ChildRun run = session.close();
        appendOutput(output, notes, perf.visibility(), "performance", run.output());
        if (failure != null) {
            if (failureStatus == null) {
                failureStatus = session.alive() || run.kill() == null && !run.exiting() && !run.outOfMemory()
                        && run.exitCode() == 0 ? Status.CRASHED : GroupRunner.classify(run);
                failure = "**" + failureStatus.label() + "** while measuring performance.\n\n"
                        + (failureStatus == Status.CRASHED ? Feedback.code(failure) + "\n\n" : "")
                        + GroupRunner.explain(failureStatus, run, limits);
            }
            return new TestResult(name, number, 0, perf.maxScore(), failureStatus, failure, perf.visibility(), tags,
                    run.wallMillis() / 1000.0);
        }
        double ratio = Math.exp(logSum / perf.workloads().size());
        double points = perf.pointsFor(ratio);
        if (perf.visibility() == Rubric.Visibility.VISIBLE) {
            // Gradescope shows the leaderboard at once: a hidden performance test's ratio would give it away.
            leaderboard.add(new GradeReport.LeaderboardEntry(provider.spi().key() + " speed vs reference",
                    Grader.round(ratio), "desc"));
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "**PASSED**: speed ratio **%.3f** (1.0 = as fast as %s; higher is"
                + " faster): %s of %s points.%n%n", ratio, rubric.reference(), Grader.format(points),
                Grader.format(perf.maxScore())));
        out.append("| workload | ops | yours (best of ").append(perf.rounds()).append(") | reference | ratio |\n");
        out.append("|---|---|---|---|---|\n").append(text).append('\n');
        out.append("Both implementations ran the same seeded operation sequences (a new one for each pair of rounds),"
                + " each in a JVM of its own, after ").append(perf.warmups()).append(" warm-up rounds, in alternating"
                + " order; the time is the CPU time of each JVM, read by the grader, and the best round counts. Every"
                + " result of your allocator was checked.\n\n");
        out.append("Scale: ");
        List<String> steps = new ArrayList<>();
        for (Rubric.Threshold t : perf.thresholds()) {
            steps.add(String.format(Locale.ROOT, "ratio ≥ %.2f → %s", t.ratio(), Grader.format(t.points())));
        }
        out.append(String.join(", ", steps)).append(".\n");
        return new TestResult(name, number, points, perf.maxScore(), Status.PASSED, out.toString(), perf.visibility(),
                tags, 0);
    }

    /**
     * Adds what the submission printed while {@code part} ran to the visible output when {@code part} is
     * visible, else to the instructors' notes: a submission that prints the calls it receives would
     * otherwise show the hidden tests (their steps, and so what they check) before they are released.
     */
    private static void appendOutput(StringBuilder output, List<String> notes, Rubric.Visibility visibility,
                                     String part, String printed) {
        if (printed.isBlank()) {
            return;
        }
        if (visibility == Rubric.Visibility.VISIBLE) {
            output.append(printed);
        } else {
            notes.add("what the submission printed during " + part + " (" + visibility.key() + ", not shown to the"
                    + " student):\n" + GroupRunner.head(printed, 4000));
        }
    }

    /** Zones are graded on the reference buddy when it is available, so a buddy bug costs buddy points only. */
    private static String pageProviderFor(GradeOptions options) {
        return options.rubricFor(Spi.PAGE).reference();
    }
}
