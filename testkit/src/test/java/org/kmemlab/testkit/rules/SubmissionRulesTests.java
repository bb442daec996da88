package org.kmemlab.testkit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The submission rules against small fixture submissions, one package per rule. Each fixture marks the
 * lines that must be reported with {@code // EXPECT rule-id} (or {@code (no line)} when the class file
 * records none), so the expected violations sit beside the code that causes them and the test checks both
 * directions: everything marked is reported, and nothing else is.
 */
class SubmissionRulesTests {

    private static final String FIXTURES = "org.kmemlab.testkit.rules.fixtures";
    private static final Path FIXTURE_SOURCES = Path.of("src/test/java/org/kmemlab/testkit/rules/fixtures");
    private static final Pattern EXPECT = Pattern.compile("// EXPECT ([a-z-]+)( \\(no line\\))?");

    @ParameterizedTest(name = "fixture {0}")
    @ValueSource(strings = {"clean", "reflection", "threads", "io", "exit", "processes", "foreign", "statics"})
    void reportsExactlyTheMarkedLines(String fixture) throws IOException {
        List<Violation> violations = SubmissionRules.checkPackages(FIXTURES + "." + fixture);

        assertEquals(expected(fixture), found(violations), () -> SubmissionRules.report(violations));
    }

    @Test
    void cleanSubmissionPasses() {
        List<Violation> violations = SubmissionRules.checkPackages(FIXTURES + ".clean");

        assertTrue(violations.isEmpty(), () -> SubmissionRules.report(violations));
        assertEquals("The submission keeps to the rules: it uses only org.kmemlab.api and java.base.\n",
                SubmissionRules.report(violations));
    }

    @Test
    void threadReportNamesClassLineCallAndAdvice() throws IOException {
        List<Violation> violations = SubmissionRules.checkPackages(FIXTURES + ".threads");
        int line = lineContaining("threads/BusyAllocator.java", "new Thread(compaction)");

        assertTrue(violations.stream().map(Violation::report).anyMatch(("Submission class " + FIXTURES
                + ".threads.BusyAllocator line " + line + " calls java.lang.Thread.<init>(java.lang.Runnable):"
                + " submissions may not start threads; the kernel's zone lock serialises calls for you")::equals),
                () -> SubmissionRules.report(violations));
    }

    @Test
    void staticFieldReportsNameTheFieldAndItsType() {
        List<String> reports = SubmissionRules.checkPackages(FIXTURES + ".statics").stream()
                .map(Violation::report).toList();

        assertTrue(reports.stream().anyMatch(r -> r.contains("declares static final field BLOCK_SIZES of mutable"
                + " type [I: submissions may not keep mutable state in static fields")), reports::toString);
        assertTrue(reports.stream().anyMatch(r -> r.contains("declares static final field FREE_LIST of mutable type"
                + " java.util.List not assigned from an unmodifiable factory")), reports::toString);
        assertTrue(reports.stream().anyMatch(r -> r.startsWith("Submission class " + FIXTURES
                + ".statics.LeakyAllocator$Pool declares field handedOut that is not final in an enum")),
                reports::toString);
    }

    @Test
    void reportCountsViolationsAndIndentsEachLine() {
        List<Violation> violations = SubmissionRules.checkPackages(FIXTURES + ".exit");
        String report = SubmissionRules.report(violations);

        assertTrue(report.startsWith("3 violations of the submission rules:\n  Submission class "), report);
        assertEquals(4, report.lines().count(), report);
    }

    @Test
    void violationWithoutLineLeavesTheLineOut() {
        Violation v = new Violation(SubmissionRule.NO_THREADS, "com.alice.MyBuddy", 0, "extends java.lang.Thread");

        assertEquals("Submission class com.alice.MyBuddy extends java.lang.Thread: submissions may not start"
                + " threads; the kernel's zone lock serialises calls for you", v.report());
    }

    @Test
    void checkDirectoryReadsCompiledClasses() {
        Path classes = Path.of("target/test-classes/org/kmemlab/testkit/rules/fixtures/exit");

        assertEquals(SubmissionRules.checkPackages(FIXTURES + ".exit"), SubmissionRules.checkDirectory(classes));
    }

    @Test
    void checkJarReadsAJar(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path jar = dir.resolve("alice.jar");
        Path root = Path.of("target/test-classes");
        Path fixture = root.resolve("org/kmemlab/testkit/rules/fixtures/processes");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             var files = Files.list(fixture)) {
            for (Path file : files.toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(root.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }

        assertEquals(SubmissionRules.checkPackages(FIXTURES + ".processes"), SubmissionRules.checkJar(jar));
    }

    @Test
    void missingInputsAreReportedByName(@org.junit.jupiter.api.io.TempDir Path dir) {
        IllegalArgumentException noJar = assertThrows(IllegalArgumentException.class,
                () -> SubmissionRules.checkJar(dir.resolve("missing.jar")));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> SubmissionRules.checkDirectory(dir));

        assertEquals("submission jar " + dir.resolve("missing.jar") + " does not exist", noJar.getMessage());
        assertEquals("no class files found in " + dir, empty.getMessage());
    }

    @Test
    void archRuleFailsWithTheSameReports() {
        JavaClasses classes = new ClassFileImporter().importPackages(FIXTURES + ".exit");
        AssertionError failure = assertThrows(AssertionError.class, () -> SubmissionRules.archRule().check(classes));

        for (Violation v : SubmissionRules.check(classes)) {
            assertTrue(failure.getMessage().contains(v.report()), failure::getMessage);
        }
        SubmissionRules.archRule().check(new ClassFileImporter().importPackages(FIXTURES + ".clean"));
    }

    @Test
    void submissionClassesMayUseEachOther() {
        JavaClasses both = new ClassFileImporter().importPackages(FIXTURES + ".clean", FIXTURES + ".exit");

        assertFalse(SubmissionRules.check(both).isEmpty());
        assertTrue(SubmissionRules.check(both).stream().allMatch(v -> v.rule() == SubmissionRule.NO_EXIT));
    }

    private static Set<String> found(List<Violation> violations) {
        return violations.stream().map(v -> v.rule().id() + " line " + v.line())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> expected(String fixture) throws IOException {
        Set<String> expected = new TreeSet<>();
        try (var files = Files.list(FIXTURE_SOURCES.resolve(fixture))) {
            for (Path file : files.toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = EXPECT.matcher(lines.get(i));
                    if (m.find()) {
                        expected.add(m.group(1) + " line " + (m.group(2) == null ? i + 1 : 0));
                    }
                }
            }
        }
        return expected;
    }

    private static int lineContaining(String file, String text) throws IOException {
        List<String> lines = Files.readAllLines(FIXTURE_SOURCES.resolve(file));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not found in " + file);
    }
}
