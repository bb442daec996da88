package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trusted side holds: hostile fixtures of weakness classes 1 (trusted code sharing a JVM with the
 * submission) and 5 (scoring), each graded end to end with an honest score and a results file.
 */
class TrustTests {

    @TempDir
    Path dir;

    private static final String BUDDY = "org/kmemlab/buddy/BuddyAllocator.java";
    private static final String ALLOCATE = "public long allocate(int order) {";

    /** Grades {@code jar} with {@code rubricText}, writes results.json and returns it. */
    private JsonNode grade(String name, Path jar, String rubricText, List<Path> references) throws Exception {
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, name + ".yaml", rubricText));
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, GradeFixtures.options(dir.resolve("work-" + name),
                Map.of(Spi.PAGE, rubric), references));
        Path results = dir.resolve(name + "-results.json");
        GradescopeResults.write(report, results);
        System.out.printf("[grade] %s: %s / %s in %.1f s%n", name, Grader.format(report.score()),
                Grader.format(report.maxScore()), (System.nanoTime() - started) / 1e9);
        assertTrue(Files.size(results) > 0, "a results file is written");
        assertTrue(report.output().contains("Isolation: "), "every results file names the isolation: " + report.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(results));
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("kmemlab_total", report.score());
        return json;
    }

    /** Returns the performance test of {@code results}, failing when there is none. */
    private static JsonNode performanceTest(JsonNode results) {
        for (JsonNode t : results.get("tests")) {
            if (t.get("name").asText().contains("performance")) {
                return t;
            }
        }
        throw new AssertionError("no performance test: " + results);
    }

    private static double total(JsonNode results) {
        return results.get("kmemlab_total").asDouble();
    }

    /** A buddy whose provider's create() runs {@code body} first; it is otherwise the reference, renamed. */
    private Path hostile(String name, String body) throws Exception {
        return GradeFixtures.hostile(dir, name, body);
    }

    // ---------------------------------------------------------------- class 1: trusted code in the child

    @Test
    void aSubmissionThatReadsItsOwnProcessFindsNoSaltNoSeedAndNoVerdict() throws Exception {
        Path jar = hostile("snoop", """
                StringBuilder seen = new StringBuilder("SNOOPED ");
                for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    seen.append(e.getKey().getName()).append(java.util.Arrays.toString(e.getValue()));
                }
                try {
                    seen.append(new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/cmdline"))));
                    seen.append(new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/environ"))));
                } catch (java.io.IOException e) {
                    seen.append(e);
                }
                seen.append(System.getProperties());
                System.out.println(seen);
                """);
        String rubric = """
                spi: page
                hiddenSalt: s3cret-salt-4711
                effort: { tries: 4, steps: 20 }
                groups:
                  - name: contract
                    properties: [{ id: page.no-overlap, weight: 2 }]
                  - name: hidden
                    visibility: after_due_date
                    seeds: submission
                    properties: [{ id: page.accounting, weight: 3 }]
                """;
        JsonNode results = grade("snoop", jar, rubric, List.of());
        String all = results.toString();
        assertTrue(all.contains("SNOOPED") && all.contains("kmemlab-lane"), "the fixture did look around: " + all);
        assertFalse(all.contains("s3cret-salt-4711"), "the salt never reaches the child");
        long hiddenSeed = Seeds.derived("s3cret-salt-4711", Submission.sha256(jar), "hidden", "page.accounting");
        String output = results.get("output").asText();
        assertTrue(output.contains("SNOOPED"), output);
        String snooped = output.substring(output.indexOf("SNOOPED"));
        assertFalse(snooped.contains(Long.toString(hiddenSeed)), "hidden seeds never reach the child");
        assertFalse(snooped.contains("page.accounting"), "nor do the property ids or the rubric");
        // Its honest score: the 5 points its working allocator earns, less the rules' deduction of 2 for
        // reading files and dumping threads (taken from the visible points only).
        assertEquals(3, total(results), "a working allocator keeps its honest score: " + all);
    }

    @Test
    void forgedFramesOnTheRealStandardOutputGainNothing() throws Exception {
        Path jar = hostile("forger", """
                java.io.PrintStream raw = new java.io.PrintStream(
                        new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
                raw.println("KMEMLAB 0 result page.range-alignment true " + "00".repeat(32));
                byte[] frame = {0, 0, 0, 0, 2, -1, -1, -1, -1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0};
                raw.write(frame, 0, frame.length);
                raw.flush();
                if (config.frames() > 0) {
                    throw new IllegalStateException("this allocator cannot be made");
                }
                """);
        JsonNode results = grade("forger", jar, GradeFixtures.contractRubric(""), List.of());
        assertEquals(0, total(results), results.toString());
        JsonNode first = results.get("tests").get(0);
        assertEquals("crashed", first.get("extra_data").get("kmemlab_status").asText(), first.toString());
        assertTrue(first.get("output").asText().contains("channel"), first.toString());
    }

    @Test
    void aPropertySetShippedInTheSubmissionCannotAddOrShadowAProperty() throws Exception {
        Map<String, String> files = new LinkedHashMap<>(FixtureJars.moduleSources("buddy"));
        files.put(BUDDY, files.get(BUDDY).replace(ALLOCATE, ALLOCATE + " if (order >= 0) { return NO_PAGE; }"));
        files.put("org/kmemlab/buddy/FreePoints.java", """
                package org.kmemlab.buddy;

                import java.util.List;
                import org.kmemlab.api.spi.PageAllocatorProvider;
                import org.kmemlab.api.spi.Provider;
                import org.kmemlab.grader.CustomResult;
                import org.kmemlab.grader.PropertySet;
                import org.kmemlab.grader.Spi;
                import org.kmemlab.testkit.contract.ContractProperty;
                import org.kmemlab.testkit.contract.PropertyResult;
                import org.kmemlab.testkit.property.Effort;

                public final class FreePoints implements PropertySet {
                    public Spi spi() {
                        return Spi.PAGE;
                    }

                    public List<ContractProperty> properties(Provider provider, PageAllocatorProvider pages) {
                        return List.of(always("page.no-overlap"), always("page.accounting"), always("page.free-points"));
                    }

                    private static ContractProperty always(String id) {
                        return new ContractProperty() {
                            public String id() {
                                return id;
                            }

                            public String title() {
                                return "always holds";
                            }

                            public PropertyResult check(Effort effort) {
                                return CustomResult.of(this, () -> "x", effort).passed();
                            }
                        };
                    }
                }
                """);
        files.put("META-INF/services/org.kmemlab.grader.PropertySet", "org.kmemlab.buddy.FreePoints\n");
        Path jar = FixtureJars.jar(files, GradeFixtures.STUDENT, dir.resolve("shadow.jar"));
        JsonNode results = grade("shadow", jar, GradeFixtures.contractRubric(""), List.of());
        String all = results.toString();
        assertFalse(all.contains("page.free-points"), "no property comes from the submission: " + all);
        assertEquals(0, total(results), all);
    }

    @Test
    void aSubmissionThatNoticesTheTimedWorkloadLosesThePerformancePoints() throws Exception {
        Path jar = GradeFixtures.studentBuddy(dir, "sprinter", text -> text.replace(ALLOCATE, ALLOCATE + """

                        for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
                            if (frame.getClassName().endsWith("WorkloadDriver")) {
                                return startPfn;
                            }
                        }
                """));
        Path reference = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        JsonNode results = grade("sprinter", jar, """
                spi: page
                effort: { tries: 4, steps: 20 }
                groups:
                  - name: contract
                    properties: [{ id: page.no-overlap, weight: 2 }, { id: page.accounting, weight: 2 }]
                performance:
                  maxScore: 10
                  gate: [contract]
                  workloads: [{ name: mixed, ops: 20000 }]
                  warmups: 1
                  rounds: 2
                  thresholds: [{ ratio: 0.1, points: 10 }]
                rules: { onViolation: report }
                """, List.of(reference));
        JsonNode perf = performanceTest(results);
        assertEquals(0, perf.get("score").asDouble(), perf.toString());
        assertTrue(perf.get("output").asText().contains("void"), perf.toString());
        assertEquals(4, total(results), "the contract's points stay, the performance points go: " + results);
    }

    /**
     * The performance ratio cannot be raised by what the submission does around the measurement: this
     * buddy (the reference's code, renamed, made slow: 250 ns more per allocation) replays the answers it recorded in its first measured round
     * whenever a round repeats its calls (catching its real allocator up the moment the calls differ, so
     * every answer stays right), and starts threads that spin whenever the reference's allocator is on
     * some thread's stack, to charge the reference's rounds with CPU time. Each pair of rounds runs a
     * sequence of its own and the reference runs in a JVM of its own, so its honest ratio (some 0.2)
     * stays below the rubric's only threshold, 0.5. Before either rule, a round that repeated the first
     * took this buddy as long as the reference's, and it earned all 10 points.
     */
    @Test
    void aSubmissionThatReplaysRecordedAnswersOrSlowsTheReferenceDownGainsNoSpeed() throws Exception {
        Map<String, String> files = new LinkedHashMap<>(FixtureJars.moduleSources("buddy"));
        String buddy = files.get(BUDDY);
        buddy = FixtureJars.replace(buddy, ALLOCATE, ALLOCATE + " return Memo.allocate(this, order); }\n"
                + "    int memoStep;\n    int memoMode;\n    long realAllocate(int order) {"
                // An honest but slow allocator: a quarter of a microsecond more per allocation.
                + " for (long until = System.nanoTime() + 250; System.nanoTime() < until;) { Thread.onSpinWait(); }");
        buddy = FixtureJars.replace(buddy, "public void free(long pfn, int order) {", "public void free(long pfn, int order) {"
                + " Memo.free(this, pfn, order); }\n    void realFree(long pfn, int order) {");
        files.put(BUDDY, buddy);
        files.put("org/kmemlab/buddy/Memo.java", """
                package org.kmemlab.buddy;

                final class Memo {
                    private static final int CAP = 1 << 20;
                    private static final long[] ARG = new long[CAP];
                    private static final long[] RESULT = new long[CAP];
                    private static int count;
                    private static volatile boolean referenceRunning;
                    private static boolean spinners;

                    static synchronized int begin() {
                        startSpinners();
                        boolean measured = false;
                        for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
                            measured |= f.getClassName().endsWith("WorkloadDriver");
                        }
                        if (!measured) {
                            return 3;
                        }
                        return count == 0 ? 1 : 2;
                    }

                    static long allocate(BuddyAllocator a, int order) {
                        if (a.memoMode == 0) {
                            a.memoMode = begin();
                        }
                        if (a.memoMode == 2) {
                            if (a.memoStep < count && ARG[a.memoStep] == order) {
                                return RESULT[a.memoStep++];
                            }
                            catchUp(a);
                        }
                        long r = a.realAllocate(order);
                        if (a.memoMode == 1 && count < CAP) {
                            ARG[count] = order;
                            RESULT[count++] = r;
                        }
                        return r;
                    }

                    static void free(BuddyAllocator a, long pfn, int order) {
                        if (a.memoMode == 0) {
                            a.memoMode = begin();
                        }
                        long code = -1 - ((pfn << 8) | order);
                        if (a.memoMode == 2) {
                            if (a.memoStep < count && ARG[a.memoStep] == code) {
                                a.memoStep++;
                                return;
                            }
                            catchUp(a);
                        }
                        a.realFree(pfn, order);
                        if (a.memoMode == 1 && count < CAP) {
                            ARG[count++] = code;
                        }
                    }

                    /**
                     * The calls answered from memory so far, made on the real allocator: it gives the same answers.
                     * A sequence that differs from the start is a new one: it is recorded instead.
                     */
                    private static synchronized void catchUp(BuddyAllocator a) {
                        boolean fresh = a.memoStep < 16;
                        a.memoMode = fresh ? 1 : 3;
                        if (fresh) {
                            count = a.memoStep;
                        }
                        for (int i = 0; i < a.memoStep; i++) {
                            long c = ARG[i];
                            if (c >= 0) {
                                a.realAllocate((int) c);
                            } else {
                                long v = -1 - c;
                                a.realFree(v >>> 8, (int) (v & 0xff));
                            }
                        }
                    }

                    private static void startSpinners() {
                        if (spinners) {
                            return;
                        }
                        spinners = true;
                        String reference = "org.kmemlab." + "buddy.BuddyAllocator";
                        Thread watch = new Thread(() -> {
                            while (true) {
                                boolean seen = false;
                                for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                                    for (StackTraceElement f : stack) {
                                        seen |= f.getClassName().equals(reference);
                                    }
                                }
                                referenceRunning = seen;
                                try {
                                    Thread.sleep(1);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
                        watch.setDaemon(true);
                        watch.start();
                        for (int i = 0; i < 3; i++) {
                            Thread spin = new Thread(() -> {
                                long x = 0;
                                while (x >= 0) {
                                    if (referenceRunning) {
                                        x += System.nanoTime() & 1;
                                    } else {
                                        Thread.onSpinWait();
                                        try {
                                            Thread.sleep(1);
                                        } catch (InterruptedException e) {
                                            return;
                                        }
                                    }
                                }
                            });
                            spin.setDaemon(true);
                            spin.start();
                        }
                    }
                }
                """);
        Path jar = FixtureJars.jar(files, GradeFixtures.STUDENT, dir.resolve("replayer.jar"));
        Path reference = GradeFixtures.referenceBuddy(dir.resolve("ref"));
        // 100,000 operations a round: the warm-up asks for 0.3 s of the reference's CPU, so longer rounds mean
        // fewer round trips (each costs far more wall time than its CPU time on a busy host).
        JsonNode results = grade("replayer", jar, """
                spi: page
                effort: { tries: 3, steps: 20 }
                groups:
                  - name: contract
                    properties: [{ id: page.no-overlap, weight: 2 }, { id: page.free-all-restores, weight: 2 }]
                performance:
                  maxScore: 10
                  visibility: after_due_date
                  gate: [contract]
                  workloads: [{ name: mixed, ops: 100000 }]
                  warmups: 1
                  rounds: 3
                  thresholds: [{ ratio: 0.5, points: 10 }]
                rules: { onViolation: report }
                """, List.of(reference));
        JsonNode perf = performanceTest(results);
        System.out.println("[grade] replayer: " + perf.get("output").asText().lines()
                .filter(l -> l.startsWith("| mixed")).findFirst().orElse("no ratio line: " + perf));
        assertEquals("passed", perf.get("extra_data").get("kmemlab_status").asText(), "every answer was right: " + perf);
        assertEquals(0, perf.get("score").asDouble(), "its honest ratio is far below 0.5: " + perf);
        assertEquals(4, total(results), "the contract's points stay: " + results);
        assertEquals(0, results.get("leaderboard").size(), "a hidden performance test's ratio is not on Gradescope's"
                + " leaderboard, which students see at once: " + results.get("leaderboard"));
    }

    @Test
    void aServicesFileThatNamesTheReferenceGradesNothingOfIt() throws Exception {
        // The submission's only provider is the reference's own class, named in its services file: the
        // reference is on the child's path (for the performance ratio), but only classes loaded from the
        // submission count as its providers.
        Path jar = FixtureJars.jar(Map.of("edu/student/Empty.java", "package edu.student;\n\npublic final class Empty {\n}\n",
                "META-INF/services/org.kmemlab.api.spi.PageAllocatorProvider", "org.kmemlab.buddy.BuddyAllocatorProvider\n"),
                UnaryOperator.identity(), dir.resolve("borrowed.jar"));
        JsonNode results = grade("borrowed", jar, GradeFixtures.smallRubric(),
                List.of(GradeFixtures.referenceBuddy(dir.resolve("ref"))));
        assertEquals(0, total(results), results.toString());
        JsonNode first = results.get("tests").get(0);
        assertEquals("crashed", first.get("extra_data").get("kmemlab_status").asText(), first.toString());
        assertTrue(first.get("output").asText().contains("no allocator provider was found"), first.toString());
    }

    // ---------------------------------------------------------------- class 5: scoring

    @Test
    void oneAllocatorRegisteredUnderSeveralNamesIsGradedOnce() throws Exception {
        Path jar = threeNames();
        String rubric = """
                spi: page
                effort: { tries: 3, steps: 20 }
                groups:
                  - name: contract
                    properties: [{ id: page.no-overlap, weight: 5 }]
                """;
        JsonNode results = grade("many", jar, rubric, List.of());
        assertEquals(5, total(results), "graded once, not once per name: " + results);
        String notes = results.get("extra_data").get("instructor_notes").toString();
        assertTrue(notes.contains("exactly one per SPI is graded: buddy-three"), notes);
    }

    @Test
    void aRubricNamesTheProviderToGradeAndAnUnknownNameListsWhatTheSubmissionProvides() throws Exception {
        Path jar = threeNames();
        JsonNode named = grade("named", jar, """
                spi: page
                provider: buddy-two
                effort: { tries: 2, steps: 10 }
                groups: [{ name: contract, properties: [{ id: page.no-overlap, weight: 5 }] }]
                """, List.of());
        assertEquals(5, total(named), named.toString());
        assertTrue(named.get("tests").get(0).get("name").asText().startsWith("buddy-two / contract"), named.toString());
        assertFalse(named.get("extra_data").get("instructor_notes").toString().contains("exactly one per SPI"),
                "a named provider is no choice to note: " + named);

        JsonNode unknown = grade("unknown", jar, """
                spi: page
                provider: buddy-four
                groups: [{ name: contract, properties: [{ id: page.no-overlap, weight: 5 }] }]
                """, List.of());
        assertEquals(0, total(unknown), unknown.toString());
        JsonNode first = unknown.get("tests").get(0);
        assertEquals("crashed", first.get("extra_data").get("kmemlab_status").asText(), first.toString());
        assertTrue(first.get("output").asText().contains("the rubric grades the PageAllocatorProvider named"
                + " \"buddy-four\", but the submission provides none of that name; it provides \"buddy-three\","
                + " \"buddy-two\", \"student-buddy\""), first.toString());
    }

    /** Returns the student buddy registered under three provider names: student-buddy, buddy-two, buddy-three. */
    private Path threeNames() throws Exception {
        Map<String, String> files = new LinkedHashMap<>(FixtureJars.moduleSources("buddy"));
        String provider = files.get("org/kmemlab/buddy/BuddyAllocatorProvider.java");
        for (String suffix : List.of("Two", "Three")) {
            files.put("org/kmemlab/buddy/BuddyAllocatorProvider" + suffix + ".java", GradeFixtures.asStudent(
                    "org.kmemlab.buddy", "org.kmemlab.buddy", "PAGES", "buddy-" + suffix.toLowerCase(java.util.Locale.ROOT))
                    .apply(provider
                            .replace("class BuddyAllocatorProvider", "class BuddyAllocatorProvider" + suffix)
                            .replace("public BuddyAllocatorProvider(", "public BuddyAllocatorProvider" + suffix + "(")));
        }
        files.put("META-INF/services/org.kmemlab.api.spi.PageAllocatorProvider", "org.kmemlab.buddy.BuddyAllocatorProvider\n"
                + "org.kmemlab.buddy.BuddyAllocatorProviderTwo\norg.kmemlab.buddy.BuddyAllocatorProviderThree\n");
        return FixtureJars.jar(files, GradeFixtures.STUDENT, dir.resolve("many.jar"));
    }

    @Test
    void anAllocatorThatAlwaysFailsEarnsNothingFromPropertiesThatHoldVacuously() throws Exception {
        Path jar = GradeFixtures.studentBuddy(dir, "never", text -> text.replace(ALLOCATE,
                ALLOCATE + " if (order >= 0) { return NO_PAGE; }"));
        JsonNode results = grade("never", jar, GradeFixtures.contractRubric(""), List.of());
        assertEquals(0, total(results), results.toString());
        // Either vacuity says why: the contract fails a property that exercised nothing ("checked vacuously",
        // issue 15), and the grader gives no points to one the contract lets pass ("passes it vacuously").
        String report = results.toString();
        assertTrue(report.contains("passes it vacuously") || report.contains("checked vacuously"),
                "the report says why: " + results);
    }

    @Test
    void theUntouchedStudentTemplateScoresZero() throws Exception {
        Path template = FixtureJars.repository().resolve("examples/templates/buddy/src/main/java/edu/example/buddy");
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : List.of("StudentBuddyAllocator.java", "StudentBuddyProvider.java")) {
            files.put("edu/example/buddy/" + f, Files.readString(template.resolve(f), StandardCharsets.UTF_8));
        }
        files.put("META-INF/services/org.kmemlab.api.spi.PageAllocatorProvider", "edu.example.buddy.StudentBuddyProvider\n");
        Path jar = FixtureJars.jar(files, UnaryOperator.identity(), dir.resolve("template.jar"));
        JsonNode results = grade("template", jar, GradeFixtures.contractRubric(""), List.of());
        assertEquals(0, total(results), results.toString());
    }

    /**
     * The other three templates, each as handed out (its own sources and services file) and graded with
     * its SPI's shipped rubric at a low effort, without performance: every property whose checks an
     * allocator that serves nothing cannot exercise must give nothing.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"bucket, OBJECT, ObjectAllocatorProvider", "zone, ZONE, ZoneAllocatorProvider",
            "slab, SLAB, SlabCacheProvider"})
    void everyOtherUntouchedTemplateScoresNearZeroWithItsShippedRubric(String name, Spi spi, String service)
            throws Exception {
        Path root = FixtureJars.repository().resolve("examples/templates/" + name + "/src/main");
        Map<String, String> files = new LinkedHashMap<>();
        try (java.util.stream.Stream<Path> sources = Files.list(root.resolve("java/edu/example/" + name))) {
            for (Path f : sources.sorted().toList()) {
                files.put("edu/example/" + name + "/" + f.getFileName(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        String services = "META-INF/services/org.kmemlab.api.spi." + service;
        files.put(services, Files.readString(root.resolve("resources").resolve(services), StandardCharsets.UTF_8));
        Path jar = FixtureJars.jar(files, UnaryOperator.identity(), dir.resolve(name + "-template.jar"));
        GradeOptions defaults = GradeFixtures.options(dir.resolve("work-" + name), Map.of(spi, RubricLoader.defaultFor(spi)),
                List.of(GradeFixtures.referenceBuddy(dir.resolve("ref"))));
        GradeOptions low = new GradeOptions(defaults.rubrics(), spi, null, null, 3, 10, true, defaults.path(),
                defaults.builder(), defaults.workDir());
        GradeReport report = Grader.grade(jar, low);
        System.out.printf("[grade] %s template: %s / %s%n", name, Grader.format(report.score()),
                Grader.format(report.maxScore()));
        StringBuilder earned = new StringBuilder();
        for (TestResult t : report.tests()) {
            if (t.score() > 0) {
                earned.append(t.name()).append(": ").append(t.score()).append('\n');
            }
        }
        assertTrue(report.score() <= 0.05 * report.maxScore(), "near zero, at most 5%: " + earned);
    }

    @Test
    void hiddenPointsAreNeverStatedInTheVisibleOutput() throws Exception {
        // The allocator prints from its 13th creation in a JVM on: only the hidden group (25 chains in its
        // child) gets there, so a line in the visible output would be the hidden tests showing through.
        Path jar = GradeFixtures.hostile(dir, "dora", """
                int made = Integer.getInteger("spy.made", 0) + 1;
                System.setProperty("spy.made", Integer.toString(made));
                if (made > 12) {
                    System.out.println("SPY-LATE creation " + made + " of " + config.frames() + " frames");
                }
                """);
        JsonNode results = grade("dora", jar, """
                spi: page
                effort: { tries: 3, steps: 20 }
                groups:
                  - name: contract
                    properties: [{ id: page.no-overlap, weight: 2 }]
                  - name: hidden
                    visibility: after_due_date
                    effort: { tries: 25, steps: 5 }
                    properties: [{ id: page.accounting, weight: 7 }]
                rules: { onViolation: report }
                """, List.of());
        assertFalse(results.toString().replace(results.get("extra_data").toString(), "").contains("SPY-LATE"),
                "what the submission printed during hidden tests is not in the visible output: " + results);
        assertTrue(results.get("extra_data").get("instructor_notes").toString().contains("SPY-LATE"),
                "instructors still see it: " + results.get("extra_data"));
        assertFalse(results.has("score"), "with hidden tests Gradescope adds up the tests itself: " + results);
        String output = results.get("output").asText();
        assertTrue(output.contains("Visible score: 2 / 2"), output);
        assertFalse(output.contains("/ 9") || output.contains(" 9 /"),
                "neither the total nor the maximum with hidden points: " + output);
        assertEquals(9, total(results));
        GradeReport report = new GradeReport("dora", "", 9, 9, 1, output, List.of(
                new TestResult("a", "1.1", 2, 2, Status.PASSED, "", Rubric.Visibility.VISIBLE, List.of(), 0),
                new TestResult("b", "2.1", 7, 7, Status.PASSED, "", Rubric.Visibility.AFTER_DUE_DATE, List.of(), 0)),
                List.of(), List.of());
        JsonNode pl = new ObjectMapper().readTree(PrairieLearnResults.toJson(report));
        assertEquals(1.0, pl.get("score").asDouble(), "PrairieLearn's score counts the listed tests only");
        assertEquals("Score: 2 / 2", pl.get("message").asText());
    }

    // ---------------------------------------------------------------- property sets

    @Test
    void aDuplicatePropertyIdInTheRubricsPropertySetsIsReportedBeforeGrading() throws Exception {
        Path instructor = FixtureJars.jar(Map.of("edu/instructor/Twice.java", """
                package edu.instructor;

                import java.util.List;
                import org.kmemlab.api.spi.PageAllocatorProvider;
                import org.kmemlab.api.spi.Provider;
                import org.kmemlab.grader.CustomResult;
                import org.kmemlab.grader.PropertySet;
                import org.kmemlab.grader.Spi;
                import org.kmemlab.testkit.contract.ContractProperty;
                import org.kmemlab.testkit.contract.PropertyResult;
                import org.kmemlab.testkit.property.Effort;

                public final class Twice implements PropertySet {
                    public Spi spi() {
                        return Spi.PAGE;
                    }

                    public List<ContractProperty> properties(Provider provider, PageAllocatorProvider pages) {
                        return List.of(new ContractProperty() {
                            public String id() {
                                return "page.no-overlap";
                            }

                            public String title() {
                                return "mine";
                            }

                            public PropertyResult check(Effort effort) {
                                return CustomResult.of(this, provider, effort).passed();
                            }
                        });
                    }
                }
                """, "META-INF/services/org.kmemlab.grader.PropertySet", "edu.instructor.Twice\n"),
                UnaryOperator.identity(), dir.resolve("twice.jar"));
        Path rubric = GradeFixtures.rubric(dir, "twice.yaml", """
                spi: page
                groups:
                  - name: hidden
                    hiddenTests: [twice.jar]
                    properties: [{ id: "page.*", weight: 1 }]
                """);
        assertTrue(Files.exists(instructor));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RubricLoader.load(rubric));
        assertTrue(e.getMessage().contains("page.no-overlap is defined twice")
                && e.getMessage().contains("edu.instructor.Twice"), e.getMessage());
    }

    @Test
    void theWorkedExampleInGradingMdCompilesAndGradesWithAReplayLine() throws Exception {
        String doc = Files.readString(FixtureJars.repository().resolve("grader/GRADING.md"), StandardCharsets.UTF_8);
        String java = between(doc, "<!-- worked-example: SplitStorm.java -->\n```java\n", "```");
        String yaml = between(doc, "<!-- worked-example: rubric -->\n```yaml\n", "```");
        Files.createDirectories(dir.resolve("course/hidden"));
        FixtureJars.jar(Map.of("edu/course/hidden/SplitStorm.java", java,
                "META-INF/services/org.kmemlab.grader.PropertySet", "edu.course.hidden.SplitStorm\n"),
                UnaryOperator.identity(), dir.resolve("course/hidden/split-storm.jar"));
        Path rubricFile = GradeFixtures.rubric(dir.resolve("course"), "page.yaml", yaml);
        Rubric rubric = RubricLoader.load(rubricFile);
        Path good = GradeFixtures.studentBuddy(dir, "erin", UnaryOperator.identity());
        // At the tests' low effort (the example's rubric says 20 x 40): what is checked is that the example
        // compiles, runs on the trusted side and reports, not how hard it looks.
        GradeOptions options = GradeFixtures.options(dir.resolve("w1"), Map.of(Spi.PAGE, rubric), List.of());
        options = new GradeOptions(options.rubrics(), null, null, null, GradeFixtures.TRIES, GradeFixtures.STEPS,
                false, options.path(), options.builder(), options.workDir());
        GradeReport passed = Grader.grade(good, options);
        TestResult storm = passed.tests().stream().filter(t -> t.name().contains("page.hidden.split-storm"))
                .findFirst().orElseThrow(() -> new AssertionError(MarkdownReport.toMarkdown(passed, false)));
        assertEquals(Status.PASSED, storm.status(), storm.output());
        assertEquals(storm.maxScore(), storm.score(), storm.output());
        Path broken = GradeFixtures.zoo(dir, "never-merges", "BuddyMutants.NeverMerges");
        GradeReport failed = Grader.grade(broken, new GradeOptions(options.rubrics(), null, null, null,
                GradeFixtures.TRIES, GradeFixtures.STEPS, false, options.path(), options.builder(), dir.resolve("w2")));
        TestResult bad = failed.tests().stream().filter(t -> t.name().contains("page.hidden.split-storm"))
                .findFirst().orElseThrow(() -> new AssertionError(MarkdownReport.toMarkdown(failed, false)));
        assertEquals(Status.FAILED, bad.status(), bad.output());
        assertTrue(bad.output().contains("replay: kmemlab grade <your submission> --spi page --only"
                + " page.hidden.split-storm --seed "), bad.output());
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "GRADING.md has no " + start.strip());
        from += start.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
