package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submission's hash covers what the student wrote and nothing a build or the grader leaves in the
 * folder (issue 21, item 4), and a submission that is not there is a usage error (item 13).
 */
class SubmissionTests {

    @TempDir
    Path dir;

    @Test
    void aMavenProjectHashesTheSameAfterItWasBuiltAndGradedInPlace() throws Exception {
        Path project = dir.resolve("alice-buddy");
        Files.createDirectories(project.resolve("src/main/java/edu/alice"));
        Files.writeString(project.resolve("pom.xml"), "<project/>\n");
        Files.writeString(project.resolve("src/main/java/edu/alice/Buddy.java"), "class Buddy {}\n");
        String before = Submission.sha256(project);
        // What `mvn package`, `kmemlab grade .`, git and an IDE leave behind.
        for (String f : List.of("target/classes/edu/alice/Buddy.class", "grade-results/results.json",
                ".git/HEAD", ".idea/workspace.xml", ".mvn/jvm.config", "notes.txt", "buddy.iml")) {
            Path p = project.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "changes every run " + System.nanoTime());
        }
        assertEquals(before, Submission.sha256(project));
        Files.writeString(project.resolve("src/main/java/edu/alice/Buddy.java"), "class Buddy { int x; }\n");
        assertNotEquals(before, Submission.sha256(project), "a change to the sources is a new submission");
        String changedSources = Submission.sha256(project);
        Files.writeString(project.resolve("pom.xml"), "<project><!-- changed --></project>\n");
        assertNotEquals(changedSources, Submission.sha256(project), "a change to the build file is too");
    }

    @Test
    void aFolderOfSourcesIgnoresGraderOutputAndHiddenFiles() throws Exception {
        Path sources = dir.resolve("bob");
        Files.createDirectories(sources.resolve("edu/bob"));
        Files.writeString(sources.resolve("edu/bob/Buddy.java"), "class Buddy {}\n");
        String before = Submission.sha256(sources);
        Files.createDirectories(sources.resolve("grade-results"));
        Files.writeString(sources.resolve("grade-results/report.md"), "x");
        Files.writeString(sources.resolve(".DS_Store"), "x");
        assertEquals(before, Submission.sha256(sources));
    }

    @Test
    void gradingAMissingSubmissionIsAUsageErrorOfOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path missing = dir.resolve("missing.jar");
        int code = GradeMain.run(new String[] {missing.toString(), "--out", dir.resolve("out").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals("kmemlab grade: submission " + missing + " does not exist (check the path)\n", text);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(!Files.exists(dir.resolve("out")), "no results folder for a usage error");
    }
}
