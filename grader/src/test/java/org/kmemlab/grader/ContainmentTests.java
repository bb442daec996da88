package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile fixtures for the containment classes of issue 14: the JVM loading bytes the rules never saw
 * (class 2) and the child escaping the operating system's reach (class 3). Every fixture is the student
 * buddy with a hostile prologue in its provider's {@code create} or a doctored jar; every test asserts the
 * honest score, a results file, nothing left running (by process listing) and nothing written outside
 * the work folder. The class 3 tests need bubblewrap (or root, for the user level) and are skipped with
 * the reason where it is missing.
 */
class ContainmentTests {

    /** The hostile fixtures' rubric (one property worth 5), with time for a sandbox on a busy host. */
    private static final String RUBRIC = HostileSubmissionTests.RUBRIC
            .replace("propertyTimeoutSeconds: 3", "propertyTimeoutSeconds: 15");
    private static final String HELPER = """
            package org.kmemlab.buddy;

            public final class Helper {
                public static void touch() {
                }
            }
            """;

    @TempDir
    Path dir;

    // ---- class 2: what runs is what was checked -------------------------------------------------------

    @Test
    void aManifestClassPathToAnUncheckedJarIsNotFollowed() throws Exception {
        Path whole = GradeFixtures.hostile(dir, "classpath-whole", "edu.student.buddy.Helper.touch();",
                Map.of("org/kmemlab/buddy/Helper.java", HELPER));
        // Control: with its helper inside, the submission earns the property.
        assertEquals(5, grade("classpath-control", whole, Sandbox.choose("auto")).get("score").asDouble());
        // The helper moves to a jar beside it that the manifest names: the rules never see it.
        Path main = rewrite(whole, dir.resolve("sub/main.jar"), n -> !n.endsWith("/Helper.class"), Map.of(),
                "Manifest-Version: 1.0\r\nClass-Path: helper.jar\r\n\r\n");
        rewrite(whole, dir.resolve("sub/helper.jar"), n -> n.endsWith("/Helper.class"), Map.of(), null);
        JsonNode results = grade("classpath", main, Sandbox.choose("auto"));
        assertEquals(0, results.get("score").asDouble(), results.toString());
        assertFalse(results.get("tests").get(0).get("status").asText().equals("passed"), results.toString());
        assertTrue(results.get("output").asText().contains("Class-Path (helper.jar) was ignored"), results.toString());
    }

    @Test
    void aMultiReleaseClassThatDiffersFromTheCheckedOneNeverRuns() throws Exception {
        Path base = GradeFixtures.hostile(dir, "mr-base", "");
        Path other = GradeFixtures.hostile(dir, "mr-other", """
                if (config.frames() > 0) {
                    throw new IllegalStateException("THE UNCHECKED VERSION RAN");
                }
                """);
        String provider = "edu/student/buddy/BuddyAllocatorProvider.class";
        Path jar = rewrite(base, dir.resolve("mr.jar"), n -> true,
                Map.of("META-INF/versions/17/" + provider, entry(other, provider)),
                "Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n");
        JsonNode results = grade("mr", jar, Sandbox.choose("auto"));
        String all = results.toString();
        assertEquals(5, results.get("score").asDouble(), all);
        assertFalse(all.contains("THE UNCHECKED VERSION RAN"), all);
        assertTrue(results.get("output").asText().contains("files under META-INF/versions/ were left out"), all);
    }

    @Test
    void aNestedJarIsNotUnpackedNorPutOnThePath() throws Exception {
        Path helper = rewrite(GradeFixtures.hostile(dir, "nested-helper", "",
                Map.of("org/kmemlab/buddy/Helper.java", HELPER)), dir.resolve("helper.jar"),
                n -> n.endsWith("/Helper.class"), Map.of(), null);
        Path jar = rewrite(GradeFixtures.hostile(dir, "nested-base", ""), dir.resolve("nested.jar"), n -> true,
                Map.of("lib/helper.jar", Files.readAllBytes(helper)), null);
        Path work = dir.resolve("work-nested");
        JsonNode results = grade("nested", jar, Sandbox.choose("auto"), work);
        assertEquals(5, results.get("score").asDouble(), results.toString());
        assertTrue(results.get("output").asText().contains("nested archives were left out (lib/helper.jar)"),
                results.toString());
        try (Stream<Path> s = Files.walk(work.resolve("submission"))) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".jar")).toList());
        }
    }

    @Test
    void aZipBombOrAnEntryOutsideTheFolderGetsAResultsFileAndNothingRuns() throws Exception {
        Path base = GradeFixtures.hostile(dir, "bomb-base", "");
        Path bomb = rewrite(base, dir.resolve("bomb.jar"), n -> true,
                Map.of("edu/student/buddy/data.bin", new byte[20 << 20]), null);
        JsonNode results = grade("bomb", bomb, Sandbox.choose("auto"));
        assertEquals(0, results.get("score").asDouble());
        JsonNode test = results.get("tests").get(0);
        assertEquals("rules_violated", test.get("extra_data").get("kmemlab_status").asText(), test.toString());
        assertTrue(test.get("output").asText().contains("data.bin is larger than 16 MiB"), test.toString());

        String escape = "escape-" + ProcessHandle.current().pid() + ".class";
        Path traversal = rewrite(base, dir.resolve("deep/er/traversal.jar"), n -> true,
                Map.of("../../../" + escape, new byte[] {1, 2, 3}), null);
        results = grade("traversal", traversal, Sandbox.choose("auto"));
        assertEquals(0, results.get("score").asDouble());
        test = results.get("tests").get(0);
        assertTrue(test.get("output").asText().contains("would be written outside the submission's folder"),
                test.toString());
        assertEquals(List.of(), filesNamed(dir, escape));
        assertFalse(Files.exists(dir.getParent().resolve(escape)));
    }

    // ---- class 3: the operating system contains the child ---------------------------------------------

    @Test
    void aProcessTheSubmissionStartsDoesNotOutliveTheGrade() throws Exception {
        Sandbox sandbox = bubblewrapOrSkip();
        JsonNode results = grade("outlive", GradeFixtures.hostile(dir, "outlive", """
                try {
                    new ProcessBuilder("/bin/sh", "-c", "setsid sleep 3171.25 > /dev/null 2>&1 < /dev/null &")
                            .start().waitFor();
                    new ProcessBuilder("sleep", "3172.25").start();
                    System.out.println("SPAWNED");
                } catch (Exception e) {
                    System.out.println("spawn failed: " + e);
                }
                """), sandbox);
        assertEquals(5, results.get("score").asDouble(), results.toString());
        assertTrue(results.get("output").asText().contains("SPAWNED"), results.toString());
        assertNothingRunning("sleep 317");
    }

    @Test
    void theGradersProcFilesEnvironmentAndCommandLineAreOutOfReach() throws Exception {
        Sandbox sandbox = bubblewrapOrSkip();
        // A variable of this JVM (the grader's) that the child must not be able to read anywhere in /proc.
        String needle = System.getenv().entrySet().stream()
                .filter(e -> !List.of("PATH", "LANG", "HOME", "JAVA_HOME").contains(e.getKey()) && e.getValue().length() > 3)
                .map(e -> e.getKey() + "=" + e.getValue()).findFirst().orElse("PATH=" + System.getenv("PATH"));
        String encoded = java.util.Base64.getEncoder().encodeToString(needle.getBytes(StandardCharsets.UTF_8));
        JsonNode results = grade("proc", GradeFixtures.hostile(dir, "proc", """
                String needle = new String(java.util.Base64.getDecoder().decode("%s"));
                StringBuilder leaks = new StringBuilder();
                int visible = 0;
                java.io.File[] all = new java.io.File("/proc").listFiles();
                for (java.io.File p : all == null ? new java.io.File[0] : all) {
                    if (!p.getName().matches("[0-9]+")) {
                        continue;
                    }
                    visible++;
                    for (String f : new String[] {"cmdline", "environ"}) {
                        try {
                            String text = new String(java.nio.file.Files.readAllBytes(p.toPath().resolve(f)));
                            if (text.contains(needle) || text.contains("surefire")) {
                                leaks.append(" LEAK-").append(f).append('-').append(p.getName());
                            }
                        } catch (Exception unreadable) {
                            // Nothing learned from this one.
                        }
                    }
                }
                System.out.println("PROC-SCAN visible=" + visible + leaks);
                """.formatted(encoded)), sandbox);
        String output = results.get("output").asText();
        assertTrue(output.contains("PROC-SCAN visible="), output);
        assertFalse(output.contains("LEAK-"), output);
        assertEquals(5, results.get("score").asDouble(), results.toString());
    }

    @Test
    void filesWrittenToTmpTheWorkFolderOrTheSubmissionStayInsideTheSandbox() throws Exception {
        Sandbox sandbox = bubblewrapOrSkip();
        String mark = "kmemlab-escape-" + ProcessHandle.current().pid();
        Path work = dir.resolve("work-writes");
        JsonNode results = grade("writes", GradeFixtures.hostile(dir, "writes", """
                String mark = "%s";
                java.io.File cwd = new java.io.File(System.getProperty("user.dir"));
                java.io.File code = new java.io.File(getClass().getProtectionDomain().getCodeSource().getLocation()
                        .getPath());
                for (java.io.File f : new java.io.File[] {new java.io.File("/tmp", mark), new java.io.File(cwd, mark),
                        new java.io.File(cwd.getParentFile(), mark), new java.io.File(code, mark)}) {
                    try (java.io.FileOutputStream out = new java.io.FileOutputStream(f)) {
                        out.write(1);
                        System.out.println("WROTE " + f);
                    } catch (Exception e) {
                        System.out.println("REFUSED " + f);
                    }
                }
                """.formatted(mark)), sandbox, work);
        String output = results.get("output").asText();
        assertTrue(output.contains("WROTE /tmp/" + mark), "the sandbox's own /tmp is writable: " + output);
        assertTrue(output.contains("REFUSED " + work.resolve("submission")), "the submission is read-only: " + output);
        assertEquals(5, results.get("score").asDouble(), results.toString());
        assertFalse(Files.exists(Path.of("/tmp", mark)), "nothing reached the real /tmp");
        assertEquals(List.of(), filesNamed(dir, mark));
    }

    @Test
    void atTheUserLevelEscapedProcessesAndTmpFilesAreRemovedAndTheGradersEnvironmentIsUnreadable()
            throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the user level switches to " + Sandbox.USER + " and needs a grader running as root: skipped");
        Sandbox sandbox = Sandbox.choose("user");
        String mark = "kmemlab-escape-user-" + ProcessHandle.current().pid();
        JsonNode results = grade("user", GradeFixtures.hostile(dir, "user", """
                try {
                    new ProcessBuilder("/bin/sh", "-c", "setsid sleep 3174.25 > /dev/null 2>&1 < /dev/null &")
                            .start().waitFor();
                    new java.io.FileOutputStream("/tmp/%s").close();
                    System.out.println("SPAWNED AND WROTE");
                } catch (Exception e) {
                    System.out.println("spawn failed: " + e);
                }
                long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
                try {
                    java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + parent + "/environ"));
                    System.out.println("ENVIRON-READ");
                } catch (Exception e) {
                    System.out.println("ENVIRON-DENIED");
                }
                """.formatted(mark)), sandbox);
        String output = results.get("output").asText();
        assertTrue(output.contains("SPAWNED AND WROTE"), output);
        assertTrue(output.contains("ENVIRON-DENIED") && !output.contains("ENVIRON-READ"), output);
        assertTrue(output.contains("Isolation: dedicated unprivileged user"), output);
        assertEquals(5, results.get("score").asDouble(), results.toString());
        assertNothingRunning("sleep 3174");
        assertFalse(Files.exists(Path.of("/tmp", mark)), "the user's /tmp file was removed");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static Sandbox bubblewrapOrSkip() {
        Sandbox s = Sandbox.choose("auto");
        Assumptions.assumeTrue(s.level() == Sandbox.Level.BUBBLEWRAP,
                "bubblewrap is not usable on this machine (" + s.describe() + "): sandbox test skipped");
        return s;
    }

    private JsonNode grade(String name, Path jar, Sandbox sandbox) throws Exception {
        return grade(name, jar, sandbox, dir.resolve("work-" + name));
    }

    /** Grades {@code jar} with the one-property rubric, writes its results.json and returns it read back. */
    private JsonNode grade(String name, Path jar, Sandbox sandbox, Path work) throws Exception {
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, name + ".yaml", RUBRIC));
        GradeOptions options = GradeFixtures.options(work, Map.of(Spi.PAGE, rubric), List.of());
        options = options.withPath(options.path().withSandbox(sandbox));
        long started = System.nanoTime();
        GradeReport report = Grader.grade(jar, options);
        Path results = dir.resolve(name + "-results.json");
        GradescopeResults.write(report, results);
        System.out.printf("[grade] %s (%s): %s, %s / %s in %.1f s%n", name, sandbox.level().key(),
                report.tests().get(0).status().key(), report.score(), report.maxScore(),
                (System.nanoTime() - started) / 1e9);
        assertTrue(Files.size(results) > 0);
        // Every results file says how the submission was contained.
        String level = "Isolation: " + sandbox.level().description();
        assertTrue(report.output().contains(level), report.output());
        assertTrue(MarkdownReport.toMarkdown(report, false).contains(level));
        assertTrue(PrairieLearnResults.toJson(report).contains(level));
        return new ObjectMapper().readTree(Files.readString(results));
    }

    /** Fails when a process whose command line contains {@code marker} is still alive after 3 s. */
    static void assertNothingRunning(String marker) throws InterruptedException {
        List<String> left = List.of();
        for (int i = 0; i < 30; i++) {
            left = ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                    .filter(c -> c.contains(marker) && !c.contains("/bin/sh -c")).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("still running after the grade: " + left);
    }

    static List<Path> filesNamed(Path root, String name) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(name)).toList();
        }
    }

    /** Returns the bytes of entry {@code name} of {@code jar}. */
    private static byte[] entry(Path jar, String name) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile()); InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes {@code out} with the entries of {@code jar} that {@code keep} accepts, then {@code add}, and
     * {@code manifest} (text) as its manifest when not null.
     */
    private static Path rewrite(Path jar, Path out, Predicate<String> keep, Map<String, byte[]> add, String manifest)
            throws IOException {
        Files.createDirectories(out.getParent());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (manifest != null) {
            entries.put("META-INF/MANIFEST.MF", manifest.getBytes(StandardCharsets.UTF_8));
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                if (!e.isDirectory() && keep.test(e.getName()) && !entries.containsKey(e.getName())) {
                    try (InputStream in = zip.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        entries.putAll(add);
        List<String> names = new ArrayList<>(entries.keySet());
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (String n : names) {
                zip.putNextEntry(new ZipEntry(n));
                zip.write(entries.get(n));
                zip.closeEntry();
            }
        }
        return out;
    }
}
