package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kmemlab.grader.child.ChildJob;

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
     */
    record Result(List<TestResult> tests, List<GradeReport.LeaderboardEntry> leaderboard, List<String> notes,
                  String output) {
    }

    private ProviderGrader() {
    }

    static Result grade(Discovery.Found provider, Rubric rubric, Map<String, String> listed, Submission sub,
                        GradeOptions options, String numberPrefix, long runDeadline, Path work) throws IOException {
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
            Map<String, ChildJob.PropertyRun> runs = new LinkedHashMap<>();
            Map<String, Double> weights = new LinkedHashMap<>();
            for (String id : listed.keySet()) {
                Rubric.Item item = group.itemFor(id);
                if (item == null || (options.onlyProperty() != null && !options.onlyProperty().equals(id))) {
                    continue;
                }
                long seed = options.seed() != null ? options.seed()
                        : Seeds.forProperty(rubric, group, sub.sha256(), id);
                int tries = options.tries() > 0 ? options.tries() : group.tries();
                int steps = options.steps() > 0 ? options.steps() : group.steps();
                runs.put(id, new ChildJob.PropertyRun(id, tries, steps, seed));
                weights.put(id, item.weight());
            }
            for (Rubric.Item item : group.items()) {
                if (!item.id().contains("*") && !listed.containsKey(item.id()) && hidden.isEmpty()) {
                    notes.add("rubric group " + group.name() + " names " + item.id() + ", which the "
                            + provider.spi().key() + " suite does not have");
                }
            }
            if (runs.isEmpty()) {
                continue;
            }
            GroupRunner.GroupResult result = GroupRunner.run(new ArrayList<>(runs.keySet()),
                    pending -> Grader.propertiesJob(provider, pageProvider, sub, options.path(),
                            pending.stream().map(runs::get).toList()),
                    options.path(), sub.classes(), hidden, group.limits(), runDeadline,
                    work.resolve("g" + groupNumber));
            if (result.rejectedLines() > 0) {
                notes.add(provider.name() + " / " + group.name() + ": " + result.rejectedLines()
                        + " unauthenticated lines on the record channel (a submission writing to it?)");
            }
            output.append(result.output());
            boolean allPassed = true;
            int i = 0;
            for (Map.Entry<String, GroupRunner.Outcome> e : result.outcomes().entrySet()) {
                i++;
                String id = e.getKey();
                GroupRunner.Outcome o = e.getValue();
                allPassed &= o.status().passed();
                double weight = weights.get(id);
                ChildJob.PropertyRun run = runs.get(id);
                String title = listed.getOrDefault(id, id);
                tests.add(new TestResult(provider.name() + " / " + group.name() + " / " + id + ": " + title,
                        numberPrefix + groupNumber + "." + i, o.status().passed() ? weight : 0, weight, o.status(),
                        Feedback.property(o, run, provider, sub), group.visibility(),
                        List.of(provider.spi().key(), group.name(), o.status().key()), o.seconds()));
            }
            groupPassed.put(group.name(), allPassed);
        }
        List<GradeReport.LeaderboardEntry> leaderboard = new ArrayList<>();
        Rubric.Performance perf = rubric.performance();
        if (perf != null && !options.skipPerformance() && options.onlyProperty() == null) {
            tests.add(performance(provider, rubric, perf, groupPassed, sub, options, pageProvider,
                    numberPrefix + (groupNumber + 1) + ".1", runDeadline, work.resolve("perf"), leaderboard, output));
        }
        return new Result(tests, leaderboard, notes, output.toString());
    }

    private static TestResult performance(Discovery.Found provider, Rubric rubric, Rubric.Performance perf,
                                          Map<String, Boolean> groupPassed, Submission sub, GradeOptions options,
                                          String pageProvider, String number, long runDeadline, Path work,
                                          List<GradeReport.LeaderboardEntry> leaderboard, StringBuilder output)
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
        List<String> keys = new ArrayList<>();
        List<ChildJob.WorkloadRun> workloads = new ArrayList<>();
        for (Rubric.Workload w : perf.workloads()) {
            keys.add("perf:" + w.name());
            workloads.add(new ChildJob.WorkloadRun(w.name(), w.ops(), perf.warmups(), perf.rounds(), w.seed()));
        }
        GroupRunner.GroupResult result = GroupRunner.run(keys, pending -> new ChildJob(ChildJob.Mode.PERF,
                        provider.spi(), provider.name(), pageProvider, rubric.reference(),
                        Grader.strings(sub.classes()), Grader.strings(options.path().references()), List.of(),
                        workloads.stream().filter(w -> pending.contains("perf:" + w.name())).toList()),
                options.path(), sub.classes(), List.of(), perf.limits(), runDeadline, work);
        output.append(result.output());
        StringBuilder text = new StringBuilder();
        double logSum = 0;
        for (Map.Entry<String, GroupRunner.Outcome> e : result.outcomes().entrySet()) {
            GroupRunner.Outcome o = e.getValue();
            if (!o.status().passed()) {
                return new TestResult(name, number, 0, perf.maxScore(), o.status(), "**" + o.status().label()
                        + "** while measuring " + e.getKey().substring(5) + ".\n\n" + o.detail(), perf.visibility(),
                        tags, o.seconds());
            }
            int ops = Integer.parseInt(o.record().field(1));
            long subjectNanos = Long.parseLong(o.record().field(2));
            long referenceNanos = Long.parseLong(o.record().field(3));
            double ratio = (double) referenceNanos / Math.max(1, subjectNanos);
            logSum += Math.log(ratio);
            text.append(String.format(Locale.ROOT, "| %s | %d | %.2f ms | %.2f ms | %.3f |%n", e.getKey().substring(5),
                    ops, subjectNanos / 1e6, referenceNanos / 1e6, ratio));
        }
        double ratio = Math.exp(logSum / result.outcomes().size());
        double points = perf.pointsFor(ratio);
        leaderboard.add(new GradeReport.LeaderboardEntry(provider.spi().key() + " speed vs reference",
                Grader.round(ratio), "desc"));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "**PASSED**: speed ratio **%.3f** (1.0 = as fast as %s; higher is"
                + " faster): %s of %s points.%n%n", ratio, rubric.reference(), Grader.format(points),
                Grader.format(perf.maxScore())));
        out.append("| workload | ops | yours (best of ").append(perf.rounds()).append(") | reference | ratio |\n");
        out.append("|---|---|---|---|---|\n").append(text).append('\n');
        out.append("Both implementations ran the same seeded operation sequence in the same JVM, after ")
                .append(perf.warmups()).append(" warm-up rounds, in alternating order; the best round counts.\n\n");
        out.append("Scale: ");
        List<String> steps = new ArrayList<>();
        for (Rubric.Threshold t : perf.thresholds()) {
            steps.add(String.format(Locale.ROOT, "ratio ≥ %.2f → %s", t.ratio(), Grader.format(t.points())));
        }
        out.append(String.join(", ", steps)).append(".\n");
        return new TestResult(name, number, points, perf.maxScore(), Status.PASSED, out.toString(), perf.visibility(),
                tags, 0);
    }

    /** Zones are graded on the reference buddy when it is available, so a buddy bug costs buddy points only. */
    private static String pageProviderFor(GradeOptions options) {
        return options.rubricFor(Spi.PAGE).reference();
    }
}
