package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, end to end: what {@code kmemlab grade} does with its arguments. */
class GradeMainTests {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GradeMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitWith2AndSayWhatIsWrong() {
        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kmemlab grade: name a submission"), err.toString());
        err.reset();
        assertEquals(2, run("a.jar", "--seed", "many"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kmemlab grade: --seed many is not a whole number"));
        err.reset();
        assertEquals(2, run("a.jar", "--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kmemlab grade: unknown option --frobnicate"));
    }

    @Test
    void aBrokenRubricStillLeavesAResultsFile() throws Exception {
        Path rubric = Files.writeString(dir.resolve("bad.yaml"), "spi: page\ngroups: [{visibility: secret}]\n");
        Path results = dir.resolve("results.json");
        assertEquals(2, run("a.jar", "--rubric", rubric.toString(), "--results", results.toString()));
        JsonNode json = new ObjectMapper().readTree(results.toFile());
        assertEquals(0, json.get("score").asDouble());
        assertTrue(json.get("output").asText().contains("misconfigured"), json.toString());
        assertTrue(json.get("output").asText().contains("Isolation: none needed, nothing of the submission ran"),
                "every results file names the isolation: " + json);
    }

    @Test
    void theGradersOwnFailureLeavesAResultsFileThatSaysSoAndNamesTheIsolation() throws Exception {
        Path results = dir.resolve("results.json");
        GradeMain.writeFailure(results, "the autograder itself failed: java.lang.IllegalStateException: boom",
                "Isolation: --isolation auto was asked for; the grader failed outside the submission's sandboxed run.",
                new PrintStream(err, true, StandardCharsets.UTF_8));
        JsonNode json = new ObjectMapper().readTree(results.toFile());
        assertEquals(0, json.get("score").asDouble());
        String output = json.get("output").asText();
        assertTrue(output.startsWith("The autograder itself failed: java.lang.IllegalStateException: boom"), output);
        assertTrue(output.contains("Isolation: --isolation auto was asked for"), output);
        assertTrue(json.get("tests").get(0).get("output").asText().contains("not your fault"), json.toString());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printRubricShowsTheShippedRubric() {
        assertEquals(0, run("--print-rubric", "zone"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("spi: zone"));
    }

    @Test
    void bareJavaSourcesAreCompiledGradedAndReportedInThreeFormats() throws Exception {
        Path sources = dir.resolve("submission");
        for (Map.Entry<String, String> e : FixtureJars.moduleSources("buddy").entrySet()) {
            Path file = sources.resolve(GradeFixtures.STUDENT.apply(e.getKey()));
            Files.createDirectories(file.getParent());
            Files.writeString(file, GradeFixtures.STUDENT.apply(e.getValue()));
        }
        Path rubric = GradeFixtures.rubric(dir, "r.yaml", GradeFixtures.contractRubric(""));
        Path results = dir.resolve("out");
        int code = run(sources.toString(), "--rubric", rubric.toString(), "--only", "page.no-overlap", "--out",
                results.toString(), "--work", dir.resolve("work").toString(), "--fail-under", "100", "--quiet");
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Score: 8 / 8"), out.toString());
        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertEquals(8.0, json.get("score").asDouble());
        assertTrue(Files.readString(results.resolve("junit.xml")).contains("page.no-overlap"));
        assertTrue(Files.readString(results.resolve("report.md")).contains("**Visible score: 8 / 8**"));
    }

    @Test
    void aMavenProjectThatDoesNotCompileGetsTheCompilerErrorsAsItsResult() throws Exception {
        Path project = dir.resolve("broken");
        Files.createDirectories(project.resolve("src/main/java/edu/student"));
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>edu.student</groupId>
                  <artifactId>broken</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>3.5.0</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.16.0</version></plugin>
                    </plugins>
                  </build>
                </project>
                """);
        Files.writeString(project.resolve("src/main/java/edu/student/Buddy.java"),
                "package edu.student;\npublic class Buddy { int x = ; }\n");
        Path results = dir.resolve("results.json");
        int code = run(project.toString(), "--maven-args", "-o", "--results", results.toString(), "--out",
                dir.resolve("out").toString(), "--work", dir.resolve("work").toString(), "--quiet");
        assertEquals(0, code, err.toString());
        JsonNode json = new ObjectMapper().readTree(results.toFile());
        JsonNode build = json.get("tests").get(0);
        assertEquals("build", build.get("name").asText());
        assertEquals("failed", build.get("status").asText());
        assertTrue(build.get("output").asText().contains("Buddy.java"), build.toString());
        assertEquals(0, json.get("score").asDouble());
    }

    @Test
    void theGradescopeBundleHasItsScriptsLibrariesAndRubrics() throws Exception {
        Path bundle = dir.resolve("bundle");
        assertEquals(0, run("--gradescope-bundle", bundle.toString()), err.toString());
        String runScript = Files.readString(bundle.resolve("run_autograder"));
        assertTrue(runScript.contains("--results \"$RESULTS\""), runScript);
        assertTrue(runScript.contains("if [ ! -s \"$RESULTS\" ]"), "always writes a results file:\n" + runScript);
        assertTrue(runScript.contains("--rubric rubrics/page.yaml"), runScript);
        assertTrue(Files.readString(bundle.resolve("setup.sh")).contains("openjdk-17-jdk-headless"));
        List<String> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(bundle.resolve("autograder.zip").toFile())) {
            zip.stream().forEach(e -> entries.add(e.getName()));
        }
        assertTrue(entries.containsAll(List.of("setup.sh", "run_autograder", "rubrics/page.yaml",
                "rubrics/object.yaml", "rubrics/zone.yaml")), entries.toString());
        assertTrue(entries.contains("lib/org.kmemlab.grader.jar"), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("lib/") && e.contains("testkit")), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("lib/") && e.contains("jackson-databind")), entries.toString());
    }

    @Test
    void theClassroomWorkflowHasOneStepPerWeightedPropertyAndAReporter() throws Exception {
        Path workflow = dir.resolve("classroom.yml");
        assertEquals(0, run("--classroom-workflow", workflow.toString(), "--spi", "page"));
        String yaml = Files.readString(workflow);
        assertTrue(yaml.contains("uses: classroom-resources/autograding-command-grader@v1"), yaml);
        assertTrue(yaml.contains("--only page.no-overlap --quiet --fail-under 100"), yaml);
        assertTrue(yaml.contains("          max-score: 8\n"), yaml);
        assertTrue(yaml.contains("PAGE-NO-OVERLAP_RESULTS: \"${{ steps.page-no-overlap.outputs.result }}\""), yaml);
        assertTrue(yaml.contains("runners: page-range-alignment,page-no-overlap,"), yaml);
        // It is valid YAML, and every SPI gets one.
        new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
        for (Spi spi : Spi.values()) {
            String text = ClassroomWorkflow.text(spi, RubricLoader.defaultFor(spi));
            assertTrue(text.contains("--spi " + spi.key() + " --only " + spi.key() + "."), text);
        }
    }
}
