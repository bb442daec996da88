package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated GitHub Classroom workflow, run as a fresh runner would run it: its own shell commands in
 * a scratch folder whose home (and so whose local Maven repository, {@code ~/.m2}) is empty, on a copy
 * of the student template.
 */
class ClassroomWorkflowTests {

    @TempDir
    Path dir;

    @Test
    void theWorkflowGradesTheStudentTemplateOnARunnerWithAnEmptyLocalRepository() throws Exception {
        assumeTrue(onPath("bash") && onPath("curl") && onPath("unzip"),
                "skipped: the workflow's steps need bash, curl and unzip (apt-get install curl unzip)");
        Path zip = GradescopeBundle.write(dir.resolve("bundle"), ChildPath.fromCurrentJvm(), List.of(), List.of());
        JsonNode workflow = new ObjectMapper(new YAMLFactory()).readTree(
                ClassroomWorkflow.text(Spi.PAGE, RubricLoader.defaultFor(Spi.PAGE)));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path runnerTemp = Files.createDirectories(dir.resolve("runner-temp"));
        Path repo = copy(FixtureJars.repository().resolve("examples/templates/buddy"), dir.resolve("repo"));
        Map<String, String> env = Map.of("HOME", home.toString(), "RUNNER_TEMP", runnerTemp.toString(),
                "PATH", Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent() + ":/usr/bin:/bin");

        Set<Integer> exits = new HashSet<>();
        int ran = 0;
        boolean vacuous = false;
        for (JsonNode step : workflow.get("jobs").get("run-autograding-tests").get("steps")) {
            if (step.has("run")) {
                String run = step.get("run").asText().replace("${{ vars.KMEMLAB_GRADER_URL }}", zip.toUri().toString());
                assertEquals(0, bash(run, repo, env, dir.resolve("fetch.log")), Files.readString(dir.resolve("fetch.log")));
            } else if (step.path("with").has("command") && (ran < 2 || !vacuous)) {
                // Run steps until one property was found vacuous: the skeleton serves no allocation, so a
                // property either fails the contract's own vacuity check ("checked vacuously", issue 15) or,
                // where the contract lets it pass, earns no points in the grader ("passes it vacuously",
                // issue 14).
                String id = step.get("id").asText();
                int exit = bash(step.get("with").get("command").asText(), repo, env, dir.resolve(id + ".log"));
                String log = Files.readString(dir.resolve(id + ".log"));
                assertTrue(exit == 0 || exit == 1, "exit " + exit + " is not a grade:\n" + log);
                exits.add(exit);
                ran++;
                String results = Files.readString(runnerTemp.resolve("kmemlab-" + id).resolve("results.json"));
                assertFalse(results.contains("does not build"), results);
                assertTrue(results.contains("student-buddy / contract / " + step.get("name").asText()), results);
                vacuous |= results.contains("passes it vacuously") || results.contains("checked vacuously");
            }
        }
        assertTrue(vacuous, "no step of the skeleton was found vacuous (by the contract or by the grader)");
        assertEquals(Set.of(1), exits, "a step is a grade: the untouched skeleton earns no step's points");
        try (Stream<Path> s = Files.walk(home)) {
            assertFalse(s.anyMatch(p -> p.toString().contains(".m2")), "no Maven repository was needed");
        }
    }

    private static int bash(String script, Path cwd, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-eo", "pipefail", "-c", script).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start().waitFor();
    }

    private static boolean onPath(String tool) {
        return Stream.of("/usr/bin", "/bin").anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
