package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void theReferenceGetsFullMarksAtDefaultEffortAndPrintsTheTime() throws Exception {
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
        // The same code on both sides: the ratio is about 1 (0.994-1.003 in repeated quiet runs). A test
        // machine shared with other work can skew one timing round, so only a gross error fails here.
        double ratio = report.leaderboard().get(0).value();
        assertTrue(ratio > 0.5 && ratio < 2.0, "ratio " + ratio);
        assertTrue(perf.score() > 0, perf.output());
        assertTrue(report.tests().stream().anyMatch(t -> t.visibility() == Rubric.Visibility.AFTER_DUE_DATE),
                "the hidden group is graded");
        // The time is printed above, not asserted: a speed target is a measured figure (GRADING.md), and a
        // timed assertion fails on a shared, loaded machine whatever the code does.
    }

    @Test
    void withoutAReferenceThePerformanceTestSaysSoAndBlamesNobody() throws Exception {
        Path jar = GradeFixtures.studentBuddy(dir, "dave", UnaryOperator.identity());
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "r.yaml", """
                spi: page
                effort: { tries: 2, steps: 10 }
                groups: [{ name: contract, properties: [{ id: page.range-alignment, weight: 3 }] }]
                performance: { maxScore: 5, gate: [contract], thresholds: [{ ratio: 0.5, points: 5 }] }
                """));
        GradeOptions options = GradeFixtures.options(dir.resolve("work"), Map.of(Spi.PAGE, rubric), List.of());
        options = options.withPath(new ChildPath(options.path().libraries(), List.of(), options.path().encapsulated(),
                options.path().sandbox()));
        GradeReport report = Grader.grade(jar, options);
        TestResult perf = report.tests().stream().filter(t -> t.tags().contains("performance")).findFirst()
                .orElseThrow();
        assertEquals(Status.CRASHED, perf.status());
        assertTrue(perf.output().contains("This is not your fault"), perf.output());
        assertEquals(3, report.score());
        assertEquals(8, report.maxScore());
    }

    @Test
    void theReferenceSlabCacheGetsFullMarksWithTheShippedRubric() throws Exception {
        UnaryOperator<String> student = GradeFixtures.asStudent("org.kmemlab.slab", "edu.student.slab",
                "SLABS", "student-slab");
        Path jar = FixtureJars.jar(FixtureJars.moduleSources("slab"), student, dir.resolve("slab.jar"));
        Path reference = FixtureJars.jar(FixtureJars.moduleSources("slab"), UnaryOperator.identity(),
                dir.resolve("ref").resolve("slab-reference.jar"));
        GradeOptions options = GradeFixtures.options(dir.resolve("work"), Map.of(), List.of(reference));
        options = new GradeOptions(options.rubrics(), Spi.SLAB, null, null, GradeFixtures.TRIES, GradeFixtures.STEPS,
                false, options.path(), options.builder(), options.workDir());
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, options);
        String md = MarkdownReport.toMarkdown(report, false);
        System.out.printf("[grade] reference slab: %s / %s in %.1f s, ratio %s%n", Grader.format(report.score()),
                Grader.format(report.maxScore()), (System.nanoTime() - started) / 1e9,
                report.leaderboard().isEmpty() ? "-" : report.leaderboard().get(0).value());
        assertTrue(md.contains("student-slab / contract / slab.constructor-once"), md);
        for (TestResult t : report.tests()) {
            assertEquals(Status.PASSED, t.status(), t.name() + "\n" + t.output());
            if (t.tags().contains("performance")) {
                assertTrue(t.score() > 0, t.output());
            } else {
                assertEquals(t.maxScore(), t.score(), t.name());
            }
        }
    }

    @Test
    void theReferenceBucketAllocatorGetsFullMarksWithTheShippedRubric() throws Exception {
        UnaryOperator<String> student = GradeFixtures.asStudent("org.kmemlab.bucket", "edu.student.bucket",
                "OBJECTS", "student-bucket");
        Path jar = FixtureJars.jar(FixtureJars.moduleSources("bucket"), student, dir.resolve("bucket.jar"));
        Path reference = FixtureJars.jar(FixtureJars.moduleSources("bucket"), UnaryOperator.identity(),
                dir.resolve("ref").resolve("bucket-reference.jar"));
        GradeOptions options = GradeFixtures.options(dir.resolve("work"), Map.of(), List.of(reference));
        // The shipped rubric at the tests' low effort (--tries/--steps), performance included.
        options = new GradeOptions(options.rubrics(), Spi.OBJECT, null, null, GradeFixtures.TRIES, GradeFixtures.STEPS,
                false, options.path(), options.builder(), options.workDir());
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, options);
        String md = MarkdownReport.toMarkdown(report, false);
        System.out.printf("[grade] reference bucket: %s / %s in %.1f s, ratio %s%n", Grader.format(report.score()),
                Grader.format(report.maxScore()), (System.nanoTime() - started) / 1e9,
                report.leaderboard().isEmpty() ? "-" : report.leaderboard().get(0).value());
        assertTrue(md.contains("student-bucket / contract / object.no-overlap"), md);
        // Every property and the submission rules earn full points; the performance test (the same code
        // timed against itself, ratio about 1) earns points, how many depending on how quiet the machine is.
        for (TestResult t : report.tests()) {
            assertEquals(Status.PASSED, t.status(), t.name() + "\n" + t.output());
            if (t.tags().contains("performance")) {
                assertTrue(t.score() > 0, t.output());
            } else {
                assertEquals(t.maxScore(), t.score(), t.name());
            }
        }
        assertTrue(report.tests().stream().anyMatch(t -> t.tags().contains("performance")), md);
    }

    @Test
    void theDmaZoneAllocatorGetsFullMarksOnTheReferenceBuddy() throws Exception {
        UnaryOperator<String> student = GradeFixtures.asStudent("org.kmemlab.dmazone", "edu.student.zones",
                "ZONES", "student-zones");
        Path jar = FixtureJars.jar(FixtureJars.moduleSources("dma-zone"), student, dir.resolve("zones.jar"));
        Path buddy = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        Path zones = FixtureJars.jar(FixtureJars.moduleSources("dma-zone"), UnaryOperator.identity(),
                dir.resolve("ref").resolve("dma-zone-reference.jar"));
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
        assertTrue(report.tests().stream().anyMatch(t -> t.tags().contains("rules") && t.status().passed()),
                "the reference keeps the submission rules: " + md);
    }

    @Test
    void anInstructorsHiddenPropertySetIsGradedHiddenWithSeedsFromTheSubmissionsHash() throws Exception {
        Path instructor = GradeFixtures.hiddenTwoLargestBlocks(dir.resolve("rubric").resolve("instructor.jar"));
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir.resolve("rubric"), "r.yaml", """
                spi: page
                hiddenSalt: s3cret
                effort: { tries: 2, steps: 10 }
                groups:
                  - name: contract
                    properties: [{ id: page.range-alignment, weight: 1 }]
                  - name: hidden
                    visibility: hidden
                    seeds: submission
                    hiddenTests: [instructor.jar]
                    properties: [{ id: "page.hidden.*", weight: 4 }]
                """));
        assertEquals(instructor.toString(), rubric.groups().get(1).hiddenTests().get(0));
        Path jar = GradeFixtures.studentBuddy(dir, "carol", UnaryOperator.identity());
        GradeReport report = Grader.grade(jar, GradeFixtures.options(dir.resolve("work"), Map.of(Spi.PAGE, rubric),
                List.of()));
        String md = MarkdownReport.toMarkdown(report, false);
        assertEquals(5, report.score(), md);
        TestResult hidden = report.tests().stream().filter(t -> t.name().contains("page.hidden.two-largest-blocks"))
                .findFirst().orElseThrow(() -> new AssertionError(md));
        assertEquals(Rubric.Visibility.HIDDEN, hidden.visibility());
        long seed = Seeds.derived("s3cret", Submission.sha256(jar), "hidden", "page.hidden.two-largest-blocks");
        assertTrue(hidden.output().contains("seed " + seed + ","), hidden.output());
        assertFalse(MarkdownReport.toMarkdown(report, true).contains("two-largest-blocks"), "students do not see it");
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
