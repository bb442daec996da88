package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch grading as an instructor runs it: every output option in batch mode, the same files whatever
 * {@code --jobs}, files others can read, and a progress bar only for a person at a terminal.
 */
class BatchGraderTests {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(boolean interactive, String... args) {
        return GradeMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), interactive);
    }

    private Path batchOfThree() throws IOException {
        Path batch = Files.createDirectories(dir.resolve("submissions"));
        GradeFixtures.zoo(batch, "a-list-buddy", "ListBuddy");
        GradeFixtures.zoo(batch, "b-never-merges", "BuddyMutants.NeverMerges");
        GradeFixtures.zoo(batch, "c-silent-double-free", "BuddyMutants.SilentDoubleFree");
        return batch;
    }

    @Test
    void everyOutputOptionWritesOneFilePerSubmissionNamedAfterIt() throws Exception {
        Path batch = batchOfThree();
        Path rubric = GradeFixtures.rubric(dir, "r.yaml", GradeFixtures.smallRubric());
        Path pl = dir.resolve("pl");
        int code = run(false, "--batch", batch.toString(), "--rubric", rubric.toString(), "--out",
                dir.resolve("out").toString(), "--work", dir.resolve("work").toString(), "--jobs", "2",
                "--prairielearn", pl.toString(), "--results", dir.resolve("gs").toString(), "--junit",
                dir.resolve("junit").toString(), "--markdown", dir.resolve("md").toString());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        for (String name : List.of("a-list-buddy.jar", "b-never-merges.jar", "c-silent-double-free.jar")) {
            assertTrue(Files.readString(pl.resolve(name + ".json")).contains("\"gradable\""), name);
            assertTrue(Files.readString(dir.resolve("gs").resolve(name + ".json")).contains("\"tests\""), name);
            assertTrue(Files.readString(dir.resolve("junit").resolve(name + ".xml")).contains("<testsuite"), name);
            assertTrue(Files.readString(dir.resolve("md").resolve(name + ".md")).contains("**Visible score:"), name);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no progress bar when stderr is not a terminal");
    }

    @Test
    void theResultsAreTheSameWhateverTheNumberOfJobs() throws Exception {
        Path batch = batchOfThree();
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "r.yaml", GradeFixtures.smallRubric()));
        GradeOptions options = GradeFixtures.options(dir.resolve("work"), Map.of(Spi.PAGE, rubric), List.of());
        long t1 = System.nanoTime();
        List<GradeReport> one = BatchGrader.gradeAll(batch, dir.resolve("one"), options, BatchGrader.Outputs.NONE, 1,
                null);
        long t2 = System.nanoTime();
        List<GradeReport> three = BatchGrader.gradeAll(batch, dir.resolve("three"), options.withPath(options.path()),
                BatchGrader.Outputs.NONE, 3, null);
        long t3 = System.nanoTime();
        System.out.printf("[batch] 3 submissions: 1 job %.1f s, 3 jobs %.1f s%n", (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        assertEquals(3, three.size());
        for (int i = 0; i < one.size(); i++) {
            assertEquals(one.get(i).submission(), three.get(i).submission(), "file-name order");
            assertEquals(one.get(i).score(), three.get(i).score(), one.get(i).submission());
        }
        assertTrue(one.get(0).score() > one.get(1).score(), "the never-merging mutant loses points");
        assertTrue(one.get(0).score() > one.get(2).score(), "the silently double-freeing mutant loses points");
        Map<String, String> a = withoutTimes(dir.resolve("one"));
        Map<String, String> b = withoutTimes(dir.resolve("three"));
        assertEquals(a.keySet(), b.keySet());
        for (String file : a.keySet()) {
            assertEquals(a.get(file), b.get(file), file);
        }
    }

    @Test
    void resultFilesAreReadableByOthers() throws Exception {
        Path file = dir.resolve("x/results.json");
        GradescopeResults.writeAtomically(file, "{}\n");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void theProgressBarIsDrawnOnlyOnATerminalAndNeverWithQuiet() throws Exception {
        Path batch = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, run(true, "--batch", batch.toString(), "--out", dir.resolve("o1").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("] 0/0"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(0, run(true, "--batch", batch.toString(), "--out", dir.resolve("o2").toString(), "--quiet"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run(false, "--batch", batch.toString(), "--out", dir.resolve("o3").toString()));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void optionsThatMeanNothingInTheirModeAreRefused() {
        assertEquals(2, run(false, "--batch", "b", "--fail-under", "50"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kmemlab grade: --fail-under applies to one"
                + " submission"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run(false, "a.jar", "--jobs", "2"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kmemlab grade: --jobs applies to --batch only"));
        err.reset();
        assertEquals(2, run(false, "--batch", "b", "--jobs", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kmemlab grade: --jobs 0 must be at least 1"));
    }

    /** Every file under {@code root}, with the fields that measure time blanked. */
    private static Map<String, String> withoutTimes(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(p)
                        .replaceAll("\"execution_time\" : [0-9.]+", "\"execution_time\" : T")
                        .replaceAll("time=\"[0-9.]+\"", "time=\"T\"")
                        .replaceAll("\\(\\d+(\\.\\d+)? s\\)", "(T s)")
                        .replaceAll(",[0-9]+\\.[0-9]\\n", ",T\n")
                        .replaceAll("[0-9]+\\.[0-9] s", "T s")
                        // The no-garbage warning reports what the JIT left allocating in the submission's JVM
                        // (escape analysis differs from run to run); that it warns is fixed, the byte count is not.
                        .replaceAll("[0-9]+ bytes of Java objects", "N bytes of Java objects");
                files.put(root.relativize(p).toString(), text);
            }
        }
        return files;
    }
}
