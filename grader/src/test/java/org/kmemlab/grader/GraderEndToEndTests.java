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
 * Whole grades of real submissions: the reference of each SPI (buddy, bucket, slab cache, zones, as a
 * student's copy) with its shipped rubric at default effort, hidden group and performance included, one
 * grade each; and a batch of the testkit's zoo (a correct alternate and mutants with one bug each) with
 * a small rubric at the tests' low effort ({@link GradeFixtures#TRIES} x {@link GradeFixtures#STEPS}).
 */
class GraderEndToEndTests {

    @TempDir
    Path dir;

    // One grade per SPI of its reference (as a student's copy) with the shipped rubric at default effort,
    // hidden group and performance included: what an instructor's run does. Every other test of the grader
    // grades with small rubrics at low effort, since what it checks is a mechanism, not the effort.

    @Test
    void theReferenceBuddyGetsFullMarksWithTheShippedRubric() throws Exception {
        Path jar = GradeFixtures.studentBuddy(dir, "alice", UnaryOperator.identity());
        Path reference = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        assertFullMarksWithTheShippedRubric("buddy", Spi.PAGE, jar, List.of(reference),
                "student-buddy / contract / page.no-overlap");
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
        assertFullMarksWithTheShippedRubric("slab", Spi.SLAB, jar, List.of(reference),
                "student-slab / contract / slab.constructor-once");
    }

    @Test
    void theReferenceBucketAllocatorGetsFullMarksWithTheShippedRubric() throws Exception {
        UnaryOperator<String> student = GradeFixtures.asStudent("org.kmemlab.bucket", "edu.student.bucket",
                "OBJECTS", "student-bucket");
        Path jar = FixtureJars.jar(FixtureJars.moduleSources("bucket"), student, dir.resolve("bucket.jar"));
        Path reference = FixtureJars.jar(FixtureJars.moduleSources("bucket"), UnaryOperator.identity(),
                dir.resolve("ref").resolve("bucket-reference.jar"));
        assertFullMarksWithTheShippedRubric("bucket", Spi.OBJECT, jar, List.of(reference),
                "student-bucket / contract / object.no-overlap");
    }

    @Test
    void theReferenceZoneAllocatorGetsFullMarksOnTheReferenceBuddyWithTheShippedRubric() throws Exception {
        UnaryOperator<String> student = GradeFixtures.asStudent("org.kmemlab.dmazone", "edu.student.zones",
                "ZONES", "student-zones");
        Path jar = FixtureJars.jar(FixtureJars.moduleSources("dma-zone"), student, dir.resolve("zones.jar"));
        Path buddy = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        Path zones = FixtureJars.jar(FixtureJars.moduleSources("dma-zone"), UnaryOperator.identity(),
                dir.resolve("ref").resolve("dma-zone-reference.jar"));
        assertFullMarksWithTheShippedRubric("zones", Spi.ZONE, jar, List.of(buddy, zones),
                "student-zones / contract / zone.gfp-zones");
    }

    /**
     * Grades {@code jar} with the shipped rubric of {@code spi} at its default effort and checks full marks:
     * every property and the submission rules earn their points, the hidden group was graded, and the
     * performance test (the same code timed against itself, ratio about 1) passes and earns points, how
     * many depending on how quiet the machine is. Prints the time and the channel's calls; the time is not
     * asserted: a speed target is a measured figure (GRADING.md), and a timed assertion fails on a shared,
     * loaded machine whatever the code does. For the same reason the rubric's clocks are raised
     * ({@link #withRoomyClocks}).
     */
    private void assertFullMarksWithTheShippedRubric(String what, Spi spi, Path jar, List<Path> references,
                                                     String aTestName) {
        GradeOptions options = GradeFixtures.options(dir.resolve("work"), Map.of(spi, withRoomyClocks(spi)),
                references);
        options = new GradeOptions(options.rubrics(), spi, null, null, 0, 0, false, options.path(), options.builder(),
                options.workDir());
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, options);
        double seconds = (System.nanoTime() - started) / 1e9;
        String md = MarkdownReport.toMarkdown(report, false);
        System.out.printf("[grade] reference %s, shipped rubric (clocks x10), default effort: %s / %s in %.1f s,"
                        + " ratio %s%n",
                what, Grader.format(report.score()), Grader.format(report.maxScore()), seconds,
                report.leaderboard().isEmpty() ? "-" : report.leaderboard().get(0).value());
        for (String note : report.instructorNotes()) {
            if (note.contains("channel")) {
                System.out.println("[grade]   " + note);
            }
        }
        assertTrue(md.contains(aTestName), md);
        TestResult perf = report.tests().stream().filter(t -> t.tags().contains("performance")).findFirst()
                .orElseThrow(() -> new AssertionError(md));
        for (TestResult t : report.tests()) {
            assertEquals(Status.PASSED, t.status(), t.name() + "\n" + t.output());
            if (t != perf) {
                assertEquals(t.maxScore(), t.score(), t.name());
            }
        }
        assertEquals(RubricLoader.defaultFor(spi).performance().maxScore(), perf.maxScore());
        assertTrue(perf.score() > 0, perf.output());
        // The same code on both sides: the ratio is about 1 (0.98-1.05 in repeated runs). A test machine
        // shared with other work can skew one timing round, so only a gross error fails here.
        double ratio = report.leaderboard().get(0).value();
        assertTrue(ratio > 0.5 && ratio < 2.0, "ratio " + ratio);
        assertTrue(report.tests().stream().anyMatch(t -> t.visibility() == Rubric.Visibility.AFTER_DUE_DATE),
                "the hidden group is graded: " + md);
        assertTrue(report.tests().stream().anyMatch(t -> t.tags().contains("rules") && t.status().passed()),
                "the reference keeps the submission rules: " + md);
        assertFalse(md.contains("no-garbage"), "the reference allocates no Java objects in allocate and free: " + md);
    }

    /**
     * Returns the shipped rubric of {@code spi} with its properties, weights, effort, seeds, hidden group
     * and performance unchanged and its wall-clock limits ten times as long. Those limits stop a runaway
     * submission; on a test machine shared with other builds (we saw load averages of 25 on 2 cores) they
     * would stop the reference's properties too, which would make them a timed assertion.
     */
    private static Rubric withRoomyClocks(Spi spi) {
        Rubric r = RubricLoader.defaultFor(spi);
        List<Rubric.Group> groups = new ArrayList<>();
        for (Rubric.Group g : r.groups()) {
            groups.add(new Rubric.Group(g.name(), g.visibility(), g.seeds(), g.seed(), g.tries(), g.steps(), g.items(),
                    g.hiddenTests(), roomy(g.limits())));
        }
        Rubric.Performance p = r.performance();
        return new Rubric(r.name(), r.spi(), r.reference(), r.provider(), r.seed(), r.hiddenSalt(), r.tries(),
                r.steps(), roomy(r.limits()), r.runTimeout().multipliedBy(10), groups, new Rubric.Performance(
                        p.maxScore(), p.visibility(), p.gate(), p.workloads(), p.warmups(), p.rounds(), p.thresholds(),
                        roomy(p.limits())), r.rules());
    }

    private static Limits roomy(Limits l) {
        return new Limits(l.heapMegabytes(), l.propertyTimeout().multipliedBy(10), l.groupTimeout().multipliedBy(10),
                l.groupCpu().multipliedBy(10), l.outputKibibytes(), l.maxThreads());
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
        // The properties the mutants break or keep, not the whole contract: what is checked here is that a
        // grade charges exactly the broken properties' weights and says why.
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "r.yaml", """
                name: mutants
                spi: page
                seed: 42
                effort: { tries: %d, steps: %d }
                groups:
                  - name: contract
                    properties:
                      - { id: page.no-overlap, weight: 8 }
                      - { id: page.accounting, weight: 6 }
                      - { id: page.free-all-restores, weight: 6 }
                      - { id: page.misuse, weight: 6 }
                      - { id: page.range-alignment, weight: 3 }
                """.formatted(GradeFixtures.TRIES, GradeFixtures.STEPS)));
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
