package org.kmemlab.testkit.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole grades of real submissions: the reference buddy allocator (as a student's copy) at the shipped
 * rubric's default effort, with hidden tests and performance; and a batch of the testkit's zoo (a correct
 * alternate and mutants with one bug each) at the tests' low effort ({@link GradeFixtures#TRIES} x {@link GradeFixtures#STEPS}).
 */
class GraderEndToEndTests {

    @TempDir
    Path dir;

    @Test
    void theReferenceGetsFullCorrectnessMarksAndPerformancePointsAtDefaultEffortInUnderAMinute() throws Exception {
        Path jar = GradeFixtures.studentBuddy(dir, "alice", UnaryOperator.identity());
        Path reference = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, GradeFixtures.options(dir.resolve("work"), Map.of(),
                List.of(reference)));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[grade] reference buddy, shipped rubric, default effort: %.1f s%n%s%n", seconds,
                MarkdownReport.toMarkdown(report, false));
        Rubric rubric = RubricLoader.defaultFor(Spi.PAGE);
        TestResult perf = report.tests().stream().filter(t -> t.tags().contains("performance")).findFirst()
                .orElseThrow();
        for (TestResult t : report.tests()) {
            if (t != perf) {
                assertEquals(Status.PASSED, t.status(), t.name() + "\n" + t.output());
                assertEquals(t.maxScore(), t.score(), t.name());
            }
        }
        assertEquals(Status.PASSED, perf.status(), perf.output());
        assertEquals(rubric.performance().maxScore(), perf.maxScore());
        // The same code on both sides: the ratio is about 1 (a loaded host can tilt it either way).
        double ratio = report.leaderboard().get(0).value();
        assertTrue(ratio > 0.5, "ratio " + ratio);
        assertTrue(perf.score() >= 7, perf.output());
        assertTrue(report.tests().stream().anyMatch(t -> t.visibility() == Rubric.Visibility.AFTER_DUE_DATE),
                "the hidden group is graded");
        assertTrue(seconds < 60, "a full grade took " + seconds + " s");
    }

    @Test
    void theReferenceZoneAllocatorGetsFullMarksOnTheReferenceBuddy() throws Exception {
        UnaryOperator<String> student = text -> text.replace("org.kmemlab.dmazone", "edu.student.zones")
                .replace("\"zones-reference\"", "\"student-zones\"");
        Path jar = FixtureJars.jar(FixtureJars.moduleSources("dma-zone"), student, dir.resolve("zones.jar"));
        Path buddy = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        Path zones = FixtureJars.jar(FixtureJars.moduleSources("dma-zone"), UnaryOperator.identity(),
                dir.resolve("ref").resolve("zones-reference.jar"));
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "zone.yaml", """
                spi: zone
                effort: { tries: 4, steps: 20 }
                groups:
                  - name: contract
                    properties: [{ id: "zone.*", weight: 2 }]
                performance:
                  maxScore: 5
                  gate: [contract]
                  workloads: [{ name: mixed, ops: 20000 }]
                  warmups: 1
                  rounds: 3
                  thresholds: [{ ratio: 0.2, points: 5 }]
                # The reference zone allocator waits for freed memory (Thread.currentThread, interrupt), which
                # the submission rules forbid today; reported, not deducted, until the rules allow waiting.
                rules: { onViolation: report }
                """));
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, GradeFixtures.options(dir.resolve("work"), Map.of(Spi.ZONE, rubric),
                List.of(buddy, zones)));
        System.out.printf("[grade] reference zones: %s / %s in %.1f s%n", Grader.format(report.score()),
                Grader.format(report.maxScore()), (System.nanoTime() - started) / 1e9);
        String md = MarkdownReport.toMarkdown(report, false);
        assertTrue(report.tests().size() > 5, md);
        assertEquals(report.maxScore(), report.score(), md);
        assertTrue(md.contains("student-zones / contract / zone.gfp-zones"), md);
    }

    @Test
    void eachMutantLosesThePointsOfThePropertiesItBreaksAndTheFeedbackNamesTheSymptom() throws Exception {
        Path batch = Files.createDirectories(dir.resolve("submissions"));
        // The testkit's zoo: a correct alternate and mutants with one bug each, as student submissions.
        GradeFixtures.zoo(batch, "a-list-buddy", "ListBuddy");
        GradeFixtures.zoo(batch, "b-never-merges", "BuddyMutants.NeverMerges");
        GradeFixtures.zoo(batch, "c-buddyinfo-miscount", "BuddyMutants.BuddyinfoMiscount");
        GradeFixtures.zoo(batch, "d-silent-double-free", "BuddyMutants.SilentDoubleFree");
        GradeFixtures.zoo(batch, "e-overlapping-split", "BuddyMutants.OverlappingSplit");
        GradeFixtures.zoo(batch, "f-aligned-to-zone-start", "BuddyMutants.RelativeAlignment");
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "r.yaml", GradeFixtures.contractRubric("")));
        Path out = dir.resolve("results");
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        List<GradeReport> reports = BatchGrader.gradeAll(batch, out, GradeFixtures.options(dir.resolve("work"),
                Map.of(Spi.PAGE, rubric), List.of()), new java.io.PrintStream(progress, true, StandardCharsets.UTF_8));

        assertEquals(6, reports.size());
        GradeReport correct = reports.get(0);
        assertEquals(correct.maxScore(), correct.score(), MarkdownReport.toMarkdown(correct, false));
        assertMutant(reports.get(1), "page.free-all-restores", "buddyinfo", "page.no-overlap", "page.range-alignment");
        assertMutant(reports.get(2), "page.accounting", "buddyinfo", "page.no-overlap", "page.range-alignment");
        assertMutant(reports.get(3), "page.misuse", "KernelBug", "page.no-overlap", "page.accounting");
        assertMutant(reports.get(4), "page.no-overlap", "overlap");
        assertMutant(reports.get(5), "page.range-alignment", "aligned");

        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(BatchGrader.CSV_HEADER, csv.get(0));
        assertEquals(7, csv.size());
        assertTrue(csv.get(1).startsWith("a-list-buddy.jar,"), csv.get(1));
        for (String name : List.of("a-list-buddy.jar", "b-never-merges.jar", "f-aligned-to-zone-start.jar")) {
            assertTrue(Files.isRegularFile(out.resolve(name).resolve("results.json")), name);
            assertTrue(Files.isRegularFile(out.resolve(name).resolve("junit.xml")), name);
            assertTrue(Files.isRegularFile(out.resolve(name).resolve("report.md")), name);
        }
        String bar = progress.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("] 6/6 f-aligned-to-zone-start.jar"), bar);
    }

    /**
     * Checks that {@code report} failed {@code property} (among others perhaps), lost exactly the weights
     * of the properties it failed, still passes {@code stillPassing}, and says {@code symptom} and how to
     * replay in the failed feedback.
     */
    private static void assertMutant(GradeReport report, String property, String symptom, String... stillPassing) {
        String md = MarkdownReport.toMarkdown(report, false);
        System.out.printf("[grade] %s: %s / %s, failed %s%n", report.submission(), Grader.format(report.score()),
                Grader.format(report.maxScore()), report.tests().stream().filter(t -> !t.status().passed())
                        .map(t -> t.name().replaceAll(".* / ([a-z.-]+):.*", "$1")).toList());
        Set<String> failed = new TreeSet<>();
        double lost = 0;
        List<String> feedback = new ArrayList<>();
        for (TestResult t : report.tests()) {
            if (!t.status().passed()) {
                assertEquals(Status.FAILED, t.status(), t.output());
                failed.add(t.name().replaceAll(".* / ([a-z.-]+):.*", "$1"));
                lost += t.maxScore();
                feedback.add(t.output());
            }
        }
        assertTrue(failed.contains(property), report.submission() + " should fail " + property + " but failed "
                + failed + "\n" + md);
        assertEquals(report.maxScore() - lost, report.score(), 1e-9, md);
        for (String passing : stillPassing) {
            assertTrue(!failed.contains(passing), report.submission() + " should still pass " + passing + "\n" + md);
        }
        String text = String.join("\n", feedback);
        assertTrue(text.contains(symptom), "feedback of " + report.submission() + " should name " + symptom + "\n"
                + text);
        assertTrue(text.contains("broken invariant:"), text);
        assertTrue(text.contains("--only " + property + " --seed 42 --tries " + GradeFixtures.TRIES), text);
    }
}
