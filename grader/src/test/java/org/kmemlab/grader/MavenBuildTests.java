package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile fixtures for class 4 of issue 14: building a Maven submission runs the student's code. Each
 * fixture is the student buddy as a Maven project (the api jar inside it, as a system dependency, so it
 * builds offline without kmemlab installed) with something that runs code at build time. Each test asserts
 * the honest score, a results file, nothing left running and nothing written outside the work folder
 * (the handed-in folder stays as it was: the build runs in a copy).
 */
class MavenBuildTests {

    private static final String RUBRIC = """
            spi: page
            seed: 7
            effort: { tries: 2, steps: 10 }
            runTimeoutSeconds: %d
            limits: { propertyTimeoutSeconds: 15, groupTimeoutSeconds: 60, groupCpuSeconds: 60 }
            groups:
              - name: contract
                properties:
                  - { id: page.range-alignment, weight: 5 }
            rules: { onViolation: report }
            """;

    @TempDir
    Path dir;

    @Test
    void theProjectsMvnFolderAndWrapperAreNotHonoured() throws Exception {
        String mark = "kmemlab-escape-mvnw-" + ProcessHandle.current().pid();
        Path project = project("dotmvn", "");
        // Each of these, if honoured, breaks the build or skips the compiler.
        write(project, ".mvn/extensions.xml", """
                <extensions>
                  <extension><groupId>edu.evil</groupId><artifactId>build-hook</artifactId><version>6.6.6</version></extension>
                </extensions>
                """);
        write(project, ".mvn/jvm.config", "-javaagent:/nonexistent/evil-agent.jar\n");
        write(project, ".mvn/maven.config", "-Dmaven.main.skip=true\n");
        write(project, "mvnw", "#!/bin/sh\necho ran > /tmp/" + mark + "\n");
        executable(project.resolve("mvnw"));
        List<String> before = listing(project);
        JsonNode results = grade("dotmvn", project, 240);
        assertEquals(5, results.get("score").asDouble(), results.toString());
        assertEquals(before, listing(project), "the handed-in folder is unchanged (no target/)");
        assertFalse(Files.exists(Path.of("/tmp", mark)), "the wrapper never ran");
    }

    @Test
    void aPluginThatRunsCodeAtBuildTimeRunsInsideTheSandbox() throws Exception {
        Sandbox sandbox = Sandbox.choose("auto");
        Assumptions.assumeTrue(sandbox.level() == Sandbox.Level.BUBBLEWRAP,
                "bubblewrap is not usable on this machine (" + sandbox.describe() + "): sandbox test skipped");
        String mark = "kmemlab-escape-build-" + ProcessHandle.current().pid();
        Path project = project("plugin", "<fork>true</fork><executable>${project.basedir}/tools/javac.sh</executable>");
        // The compiler plugin runs any program as the "compiler": this one tries to escape, then compiles.
        write(project, "tools/javac.sh", """
                #!/bin/sh
                echo built > /tmp/%1$s
                echo built > %2$s/%1$s
                mkdir -p target && cat /proc/1/environ > target/environ-of-pid-1 2>/dev/null
                (setsid sleep 3175.25 > /dev/null 2>&1 < /dev/null &)
                exec javac "$@"
                """.formatted(mark, project));
        executable(project.resolve("tools/javac.sh"));
        List<String> before = listing(project);
        Path work = dir.resolve("work-plugin");
        JsonNode results = grade("plugin", project, 240, work);
        assertEquals(5, results.get("score").asDouble(), results.toString());
        assertEquals(before, listing(project), "nothing was written into the handed-in folder");
        assertFalse(Files.exists(Path.of("/tmp", mark)), "nothing reached the real /tmp");
        ContainmentTests.assertNothingRunning("sleep 3175");
        Path environ = work.resolve("build/maven/project/target/environ-of-pid-1");
        assertTrue(Files.exists(environ), "the script ran (in the sandbox's copy)");
        String seen = Files.readString(environ, StandardCharsets.ISO_8859_1);
        // bwrap's init is pid 1 inside: it holds exactly the environment the sandbox set, nothing of ours.
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        for (String entry : seen.split("\0")) {
            if (!entry.isEmpty()) {
                env.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
            }
        }
        assertEquals(java.util.Set.of("HOME", "JAVA_HOME", "LANG", "PATH"), env.keySet(),
                "the build saw only an emptied environment: " + seen);
        assertEquals(System.getProperty("java.home"), env.get("JAVA_HOME"), "the build runs on the grader's JDK");
    }

    @Test
    void aBuildThatNeverEndsIsStoppedWithinTheRunsDeadlineAndStillGetsAResultsFile() throws Exception {
        Path project = project("slow", "<fork>true</fork><executable>${project.basedir}/tools/javac.sh</executable>");
        write(project, "tools/javac.sh", "#!/bin/sh\nsleep 3176.25\nexec javac \"$@\"\n");
        executable(project.resolve("tools/javac.sh"));
        long started = System.nanoTime();
        JsonNode results = grade("slow", project, 20);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds < 40, "the 20 s run deadline held: " + seconds + " s");
        JsonNode build = results.get("tests").get(0);
        assertEquals("build", build.get("name").asText(), results.toString());
        assertTrue(build.get("output").asText().contains("and was stopped"), build.toString());
        assertEquals(0, results.get("score").asDouble());
        ContainmentTests.assertNothingRunning("sleep 3176");
    }

    @Test
    void aCompileErrorInTheProjectIsShownWithTheCompilersMessageAndWhatToDo() throws Exception {
        // A well-meaning student's mistake: the build test shows javac's own message (file, line, what), and
        // nothing else is graded.
        Path project = project("typo", "");
        Path allocator = project.resolve("src/main/java/edu/student/buddy/BuddyAllocator.java");
        Files.writeString(allocator, FixtureJars.replace(Files.readString(allocator), "public long allocate(int order) {",
                "public long allocate(int order) { int missing = undefinedHelper(order);"));
        JsonNode results = grade("typo", project, 240);
        JsonNode build = results.get("tests").get(0);
        assertEquals("build", build.get("name").asText(), results.toString());
        assertEquals(1, results.get("tests").size(), "nothing else is graded: " + results);
        String output = build.get("output").asText();
        assertTrue(output.contains("your submission does not build"), output);
        assertTrue(output.contains("BuddyAllocator.java") && output.contains("cannot find symbol")
                && output.contains("undefinedHelper"), output);
        assertTrue(results.get("output").asText().contains("see the **build** test for the compiler's messages"),
                results.toString());
    }

    @Test
    void aBuildThatWritesWithoutEndIsStoppedBeforeItFillsTheGradersDisk() throws Exception {
        // The build's copy lies on the grader's disk; this "compiler" writes 700 MiB there (a sparse file, so
        // the test itself writes nothing), then would wait for ever. The grader stops it at 512 MiB.
        Path project = project("filler", "<fork>true</fork><executable>${project.basedir}/tools/javac.sh</executable>");
        write(project, "tools/javac.sh", "#!/bin/sh\nmkdir -p target\ntruncate -s 700M target/fill\nsleep 3177.25\n"
                + "exec javac \"$@\"\n");
        executable(project.resolve("tools/javac.sh"));
        JsonNode results = grade("filler", project, 120);
        JsonNode build = results.get("tests").get(0);
        assertEquals("build", build.get("name").asText(), results.toString());
        assertTrue(build.get("output").asText().contains("The build wrote more than 512 MiB into its folders and was"
                + " stopped"), build.toString());
        assertEquals(0, results.get("score").asDouble());
        ContainmentTests.assertNothingRunning("sleep 3177");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private JsonNode grade(String name, Path project, int runSeconds) throws Exception {
        return grade(name, project, runSeconds, dir.resolve("work-" + name));
    }

    private JsonNode grade(String name, Path project, int runSeconds, Path work) throws Exception {
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, name + ".yaml", RUBRIC.formatted(runSeconds)));
        long started = System.nanoTime();
        GradeReport report = Grader.grade(project, GradeFixtures.options(work, Map.of(Spi.PAGE, rubric), List.of()));
        Path results = dir.resolve(name + "-results.json");
        GradescopeResults.write(report, results);
        System.out.printf("[grade] maven %s: %s, %s / %s in %.1f s%n", name, report.tests().get(0).status().key(),
                report.score(), report.maxScore(), (System.nanoTime() - started) / 1e9);
        return new ObjectMapper().readTree(Files.readString(results));
    }

    /**
     * Writes the student buddy as a Maven project whose compiler plugin gets {@code compilerConfig}; the
     * api jar is inside it ({@code lib/}) as a system dependency.
     */
    private Path project(String name, String compilerConfig) throws IOException {
        Path project = dir.resolve(name);
        for (Map.Entry<String, String> e : FixtureJars.moduleSources("buddy").entrySet()) {
            String text = GradeFixtures.STUDENT.apply(e.getValue());
            String file = e.getKey().endsWith(".java")
                    ? "src/main/java/edu/student/buddy/" + Path.of(e.getKey()).getFileName()
                    : "src/main/resources/" + e.getKey();
            write(project, file, text);
        }
        Files.createDirectories(project.resolve("lib"));
        Path api = FixtureJars.apiPath();
        if (Files.isDirectory(api)) {
            jarFolder(api, project.resolve("lib/kmemlab-api.jar"));
        } else {
            Files.copy(api, project.resolve("lib/kmemlab-api.jar"));
        }
        write(project, "pom.xml", """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>edu.student</groupId>
                  <artifactId>%s</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>org.kmemlab</groupId><artifactId>kmemlab-api</artifactId><version>0</version>
                      <scope>system</scope><systemPath>${project.basedir}/lib/kmemlab-api.jar</systemPath>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>3.5.0</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.16.0</version>
                        <configuration>%s</configuration></plugin>
                      <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
                      <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(name, compilerConfig));
        return project;
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static void jarFolder(Path folder, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(folder.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
