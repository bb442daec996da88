package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Gradescope bundle carries every file its rubrics name, or refuses to be written. */
class GradescopeBundleTests {

    @TempDir
    Path dir;

    private static final String RUBRIC = """
            spi: page
            hiddenSalt: s3cret
            effort: { tries: 2, steps: 10 }
            groups:
              - name: contract
                properties: [{ id: page.range-alignment, weight: 1 }]
              - name: hidden
                visibility: hidden
                hiddenTests: [%s]
                properties: [{ id: "page.hidden.*", weight: 4 }]
            """;

    @Test
    void anUnzippedBundleGradesToTheSameMaximumAsTheInstructorsRubric() throws Exception {
        Path rubricDir = Files.createDirectories(dir.resolve("course"));
        GradeFixtures.hiddenTwoLargestBlocks(Files.createDirectories(rubricDir.resolve("hidden")).resolve("two.jar"));
        Path rubric = GradeFixtures.rubric(rubricDir, "buddy-rubric.yaml", RUBRIC.formatted("hidden/two.jar"));
        Path zip = GradescopeBundle.write(dir.resolve("bundle"), ChildPath.fromCurrentJvm(), List.of(rubric), List.of());

        Path elsewhere = Files.createDirectories(dir.resolve("gradescope/source"));
        unzip(zip, elsewhere);
        assertTrue(Files.isRegularFile(elsewhere.resolve("rubrics/hidden/two.jar")), "the hidden tests travel");
        Path jar = GradeFixtures.studentBuddy(dir, "dave", UnaryOperator.identity());
        GradeReport original = Grader.grade(jar, GradeFixtures.options(dir.resolve("w1"),
                Map.of(Spi.PAGE, RubricLoader.load(rubric)), List.of()));
        GradeReport bundled = Grader.grade(jar, GradeFixtures.options(dir.resolve("w2"),
                Map.of(Spi.PAGE, RubricLoader.load(elsewhere.resolve("rubrics/page.yaml"))), List.of()));
        assertEquals(5, original.maxScore(), MarkdownReport.toMarkdown(original, false));
        assertEquals(original.maxScore(), bundled.maxScore(), MarkdownReport.toMarkdown(bundled, false));
        assertEquals(original.score(), bundled.score());
    }

    @Test
    void aRubricNamingHiddenTestsThatCannotTravelIsRefused() throws Exception {
        Path rubricDir = Files.createDirectories(dir.resolve("course"));
        Path missing = GradeFixtures.rubric(rubricDir, "missing.yaml", RUBRIC.formatted("hidden/none.jar"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradescopeBundle.write(
                dir.resolve("b1"), ChildPath.fromCurrentJvm(), List.of(missing), List.of()));
        assertTrue(e.getMessage().contains("names hidden tests hidden/none.jar, but ")
                && e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("b1/autograder.zip")), "no bundle that grades to less");

        Path jar = GradeFixtures.hiddenTwoLargestBlocks(dir.resolve("two.jar"));
        Path outside = GradeFixtures.rubric(rubricDir, "outside.yaml", RUBRIC.formatted("../two.jar"));
        e = assertThrows(IllegalArgumentException.class, () -> GradescopeBundle.write(dir.resolve("b2"),
                ChildPath.fromCurrentJvm(), List.of(outside), List.of()));
        assertTrue(e.getMessage().contains("cannot travel with the rubric"), e.getMessage());
        Path absolute = GradeFixtures.rubric(rubricDir, "absolute.yaml", RUBRIC.formatted(jar.toString()));
        e = assertThrows(IllegalArgumentException.class, () -> GradescopeBundle.write(dir.resolve("b3"),
                ChildPath.fromCurrentJvm(), List.of(absolute), List.of()));
        assertTrue(e.getMessage().contains("name them by a relative path"), e.getMessage());
    }

    @Test
    void setupInstallsTheApiAndTestkitThatAreInTheBundleAndPromisesNoOfflineBuild() throws Exception {
        Path bundle = dir.resolve("bundle");
        GradescopeBundle.write(bundle, ChildPath.fromCurrentJvm(), List.of(), List.of());
        String setup = Files.readString(bundle.resolve("setup.sh"));
        assertFalse(setup.contains("nothing from the network"), "Maven downloads its plugins:\n" + setup);
        assertTrue(setup.contains("downloads from Maven Central"), setup);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "-Dfile=/autograder/source/lib/(\\S+) -DgroupId=org.kmemlab -DartifactId=(kmemlab-\\w+)").matcher(setup);
        java.util.Set<String> installed = new java.util.TreeSet<>();
        while (m.find()) {
            assertTrue(Files.isRegularFile(bundle.resolve("lib").resolve(m.group(1))), m.group(1) + " is in lib/");
            installed.add(m.group(2));
        }
        assertEquals(java.util.Set.of("kmemlab-api", "kmemlab-testkit"), installed, setup);
    }

    private static void unzip(Path zip, Path to) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                Path target = to.resolve(e.getName()).normalize();
                assertTrue(target.startsWith(to), e.getName());
                Files.createDirectories(target.getParent());
                try (var in = z.getInputStream(e)) {
                    Files.copy(in, target);
                }
            }
        }
    }
}
