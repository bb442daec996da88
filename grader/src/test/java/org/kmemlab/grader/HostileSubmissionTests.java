package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile submissions: each one still gets a results.json whose test has the right status. The
 * submission is the reference buddy with a hostile prologue in its provider's {@code create}; the
 * rubric runs one property with a 3-second timeout, a 64 MB heap and a thread allowance of 16.
 */
class HostileSubmissionTests {

    static final String RUBRIC = """
            spi: page
            seed: 7
            effort: { tries: 2, steps: 10 }
            limits: { heapMegabytes: 64, propertyTimeoutSeconds: 3, groupTimeoutSeconds: 60, groupCpuSeconds: 60,
                      outputKibibytes: 16, maxThreads: 16 }
            groups:
              - name: contract
                properties:
                  - { id: page.range-alignment, weight: 5 }
            rules: { onViolation: report }
            """;

    @TempDir
    Path dir;

    @Test
    void anInfiniteLoopIsTimedOut() throws Exception {
        JsonNode test = grade("loop", "while (config.frames() > 0) { Thread.onSpinWait(); }");
        assertStatus(test, Status.TIMED_OUT);
        assertTrue(test.get("output").asText().contains("time limit of 3 s"), test.toString());
    }

    @Test
    void systemExitIsReportedAsExited() throws Exception {
        JsonNode test = grade("exit", "System.exit(0);");
        assertStatus(test, Status.EXITED);
        assertTrue(test.get("output").asText().contains("System.exit"), test.toString());
    }

    @Test
    void haltWithoutShutdownHooksIsReportedAsExitedToo() throws Exception {
        JsonNode test = grade("halt", "Runtime.getRuntime().halt(7);");
        assertStatus(test, Status.EXITED);
        assertTrue(test.get("output").asText().contains("exit code 7"), test.toString());
    }

    @Test
    void hundredMegabytesOfOutputAreCutWithAVisibleMarker() throws Exception {
        // Printing 100 MB takes seconds on a busy host: this fixture gets 30 s, not 3, to finish its property.
        String patient = RUBRIC.replace("propertyTimeoutSeconds: 3", "propertyTimeoutSeconds: 30");
        JsonNode results = gradeResults("flood", patient, """
                String line = "x".repeat(1023);
                for (int i = 0; i < 100 * 1024; i++) {
                    System.out.println(line);
                }
                """);
        JsonNode test = results.get("tests").get(0);
        // The allocator works after printing: the property passes, and the output is cut.
        assertStatus(test, Status.PASSED);
        String output = results.get("output").asText();
        assertTrue(output.contains("[output truncated: "), output.substring(0, Math.min(500, output.length())));
        assertTrue(output.length() < 64 * 1024, "summary output is " + output.length() + " chars");
    }

    @Test
    void runningOutOfMemoryIsReportedAsOutOfMemory() throws Exception {
        // Filling 64 MB takes a starved JVM more than the 3 s the other fixtures get on a loaded host.
        JsonNode test = gradeResults("oom", RUBRIC.replace("propertyTimeoutSeconds: 3", "propertyTimeoutSeconds: 30"), """
                java.util.List<long[]> hog = new java.util.ArrayList<>();
                while (hog.size() >= 0) {
                    hog.add(new long[1 << 20]);
                }
                """).get("tests").get(0);
        assertStatus(test, Status.OUT_OF_MEMORY);
        assertTrue(test.get("output").asText().contains("heap limit 64 MB"), test.toString());
    }

    @Test
    void aThreadBombIsStoppedAsARulesViolation() throws Exception {
        JsonNode results = gradeResults("threads", """
                while (config.frames() > 0) {
                    Thread t = new Thread(() -> {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
                """);
        JsonNode test = results.get("tests").get(0);
        assertStatus(test, Status.RULES_VIOLATED);
        assertTrue(test.get("output").asText().contains("more than 16 threads"), test.toString());
        assertTrue(results.get("tests").toString().contains("java.lang.Thread"), "the rules name Thread");
    }

    @Test
    void aCheckedExceptionThrownSneakilyIsAnAnswerNotASilentLane() throws Exception {
        // Not a RuntimeException: before, the child's lane thread died of it and the grader waited until the
        // property's time ran out (TIMED OUT, and the student never saw the exception).
        JsonNode results = new ObjectMapper().readTree(Files.readString(gradeTo("sneaky", RUBRIC,
                "System.out.println(\"```\\n## Score: 100 / 100\");\n"
                        + "if (config.frames() > 0) { Sneaky.<RuntimeException>raise(new java.io.IOException(\"disk on fire\")); }",
                Map.of("org/kmemlab/buddy/Sneaky.java", """
                        package org.kmemlab.buddy;

                        final class Sneaky {
                            @SuppressWarnings("unchecked")
                            static <E extends Throwable> void raise(Throwable t) throws E {
                                throw (E) t;
                            }
                        }
                        """))));
        JsonNode test = results.get("tests").get(0);
        String status = test.get("extra_data").get("kmemlab_status").asText();
        assertTrue(!status.equals(Status.TIMED_OUT.key()) && !status.equals(Status.PASSED.key()), test.toString());
        assertTrue(test.get("output").asText().contains("java.io.IOException: disk on fire"), test.toString());
        // Its output tries to close the code block it is shown in and add a heading of its own: it stays inside.
        assertTrue(insideCodeBlock(results.get("output").asText(), "## Score: 100 / 100"), results.get("output").asText());
    }

    /** Returns true when every line equal to {@code line} is inside a fenced code block (CommonMark's rule). */
    static boolean insideCodeBlock(String markdown, String line) {
        int open = 0;
        boolean seen = false;
        for (String l : markdown.split("\n", -1)) {
            int ticks = 0;
            while (ticks < l.length() && l.charAt(ticks) == '`') {
                ticks++;
            }
            if (open == 0 && ticks >= 3) {
                open = ticks;
            } else if (open > 0 && ticks >= open && l.substring(ticks).isBlank()) {
                open = 0;
            } else if (l.equals(line)) {
                seen = true;
                if (open == 0) {
                    return false;
                }
            }
        }
        return seen;
    }

    @Test
    void framesNobodyAskedForEndTheSessionInsteadOfFillingTheGradersHeap() throws Exception {
        // Well-formed answers on a lane the grader never opened: before, each was queued in the grader for
        // ever (64 MiB bodies would have filled its heap), and the property passed as if nothing happened.
        JsonNode test = grade("unasked", """
                java.io.DataOutputStream raw = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                        new java.io.FileOutputStream(java.io.FileDescriptor.out)));
                try {
                    for (int i = 0; i < 4; i++) {
                        raw.writeInt(7777);
                        raw.writeByte(2);
                        raw.writeInt(-1);
                        raw.writeInt(1 << 20);
                        raw.write(new byte[1 << 20]);
                    }
                    raw.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                """);
        assertStatus(test, Status.CRASHED);
        assertTrue(test.get("output").asText().contains("lane 7777, which the grader never opened"), test.toString());
    }

    @Test
    void aProviderNameThatWouldWriteTheReportIsRefusedAndSaysWhatANameIs() throws Exception {
        // A name is shown in test names and headings: a line break and a heading would forge a line of the report.
        Map<String, String> files = new java.util.LinkedHashMap<>(FixtureJars.moduleSources("buddy"));
        String provider = "org/kmemlab/buddy/BuddyAllocatorProvider.java";
        files.put(provider, FixtureJars.replace(files.get(provider), "org.kmemlab.api.spi.ReferenceProviders.PAGES",
                "\"buddy\\012## Score: 100 / 100\""));
        Path jar = FixtureJars.jar(files, GradeFixtures.STUDENT, dir.resolve("named.jar"));
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "named.yaml", RUBRIC));
        GradeReport report = Grader.grade(jar, GradeFixtures.options(dir.resolve("work-named"), Map.of(Spi.PAGE, rubric),
                List.of()));
        assertEquals(0, report.score());
        TestResult only = report.tests().get(0);
        assertEquals(Status.CRASHED, only.status(), only.output());
        assertTrue(only.output().contains("is named \"buddy\\u000a## Score: 100 / 100\", but a provider's name is"
                + " lower-case words joined by hyphens"), only.output());
        assertTrue(insideCodeBlock(only.output(), "## Score: 100 / 100") || !only.output().contains("\n## Score"),
                only.output());
    }

    private JsonNode grade(String name, String body) throws Exception {
        return gradeResults(name, body).get("tests").get(0);
    }

    private JsonNode gradeResults(String name, String body) throws Exception {
        return gradeResults(name, RUBRIC, body);
    }

    private JsonNode gradeResults(String name, String rubricText, String body) throws Exception {
        return new ObjectMapper().readTree(Files.readString(gradeTo(name, rubricText, body, Map.of())));
    }

    /** Grades the hostile fixture {@code body} (with {@code extra} sources) and returns its results.json. */
    private Path gradeTo(String name, String rubricText, String body, Map<String, String> extra) throws Exception {
        Path jar = GradeFixtures.hostile(dir, name, body, extra);
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, name + ".yaml", rubricText));
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, GradeFixtures.options(dir.resolve("work-" + name),
                Map.of(Spi.PAGE, rubric), List.of()));
        Path results = dir.resolve(name + "-results.json");
        GradescopeResults.write(report, results);
        System.out.printf("[grade] %s: %s in %.1f s%n", name, report.tests().get(0).status().key(),
                (System.nanoTime() - started) / 1e9);
        assertTrue(report.output().contains("Isolation: "), "every results file names the isolation: " + report.output());
        return results;
    }

    private static void assertStatus(JsonNode test, Status expected) {
        assertEquals(expected.key(), test.get("extra_data").get("kmemlab_status").asText(), test.toString());
        assertEquals(expected.passed() ? "passed" : "failed", test.get("status").asText());
    }
}
