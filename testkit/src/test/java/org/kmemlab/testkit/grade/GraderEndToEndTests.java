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
 * rubric's default effort, with hidden tests and performance; and a batch of mutants, each with one
 * seeded bug, at the tests' low effort ({@link GradeFixtures#TRIES} x {@link GradeFixtures#STEPS}).
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
    void eachMutantLosesThePointsOfThePropertiesItBreaksAndTheFeedbackNamesTheSymptom() throws Exception {
        Path batch = Files.createDirectories(dir.resolve("submissions"));
        GradeFixtures.studentBuddy(batch, "a-correct", UnaryOperator.identity());
        // The mutants have no self-check (checkInvariants), as most students' first versions: the
        // contract alone must find the bug, and only the properties that see it cost points.
        GradeFixtures.studentBuddy(batch, "b-never-merges", text -> withoutSelfCheck(text,
                "while (current < maxOrder) {", "while (current < 0) {"));
        GradeFixtures.studentBuddy(batch, "c-leaks-frames", text -> withoutSelfCheck(text,
                "freeFrames -= 1L << order;", "freeFrames -= (1L << order) + (order == 1 ? 1 : 0);"));
        GradeFixtures.studentBuddy(batch, "d-silent-double-free", text -> withoutSelfCheck(text,
                "throw BadFrees.explain(this, pfn, order);", "return;"));
        GradeFixtures.studentBuddy(batch, "e-misaligned", text -> withoutSelfCheck(text,
                "return startPfn + block;", "return startPfn + block + (order == 2 ? 1 : 0);"));
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "r.yaml", GradeFixtures.contractRubric("")));
        Path out = dir.resolve("results");
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        List<GradeReport> reports = BatchGrader.gradeAll(batch, out, GradeFixtures.options(dir.resolve("work"),
                Map.of(Spi.PAGE, rubric), List.of()), new java.io.PrintStream(progress, true, StandardCharsets.UTF_8));

        assertEquals(5, reports.size());
        GradeReport correct = reports.get(0);
        assertEquals(correct.maxScore(), correct.score(), MarkdownReport.toMarkdown(correct, false));
        // Blocks that never merge still never overlap; a silent double free breaks no accounting of its own.
        assertMutant(reports.get(1), "page.free-all-restores", "buddyinfo", "page.no-overlap", "page.range-alignment");
        assertMutant(reports.get(2), "page.accounting", "freeFrames", "page.no-overlap", "page.range-alignment");
        assertMutant(reports.get(3), "page.misuse", "KernelBug", "page.no-overlap", "page.accounting");
        assertMutant(reports.get(4), "page.range-alignment", "aligned");

        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(BatchGrader.CSV_HEADER, csv.get(0));
        assertEquals(6, csv.size());
        assertTrue(csv.get(1).startsWith("a-correct.jar,"), csv.get(1));
        for (String name : List.of("a-correct.jar", "b-never-merges.jar", "e-misaligned.jar")) {
            assertTrue(Files.isRegularFile(out.resolve(name).resolve("results.json")), name);
            assertTrue(Files.isRegularFile(out.resolve(name).resolve("junit.xml")), name);
            assertTrue(Files.isRegularFile(out.resolve(name).resolve("report.md")), name);
        }
        String bar = progress.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("] 5/5 e-misaligned.jar"), bar);
    }

    private static String withoutSelfCheck(String text, String from, String to) {
        return FixtureJars.replace(FixtureJars.replace(text, from, to), "new BuddyInvariants(this).check();", "");
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
