package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grade leaves no work folder behind unless {@code --keep-work} asks for it. The submission here is
 * refused at extraction (an entry outside its folder), so the test needs no child JVM and stays fast.
 */
class WorkFoldersTests {

    @TempDir
    Path dir;

    @Test
    void theWorkFolderIsRemovedAfterAGradeUnlessKeepWorkIsGiven() throws Exception {
        Path jar = dir.resolve("bad.jar");
        try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("a/A.class"));
            zip.write(new byte[] {1});
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("../A.class"));
            zip.write(new byte[] {1});
            zip.closeEntry();
        }
        Path work = dir.resolve("work");
        assertEquals(0, grade(jar.toString(), "--work", work.toString(), "--out", dir.resolve("out1").toString()));
        assertEquals(List.of(), list(work), "nothing is left in --work");
        assertTrue(Files.readString(dir.resolve("out1/results.json")).contains("refuses to run"));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, GradeMain.run(new String[] {jar.toString(), "--work", work.toString(), "--keep-work",
                "--out", dir.resolve("out2").toString(), "--quiet"}, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        List<Path> kept = list(work);
        assertEquals(1, kept.size(), kept.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("kept the work folder " + kept.get(0)), err.toString());
        assertTrue(Files.isDirectory(kept.get(0).resolve("submission")), "the extracted submission is kept");
    }

    private static int grade(String... args) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return GradeMain.run(args, quiet, quiet);
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }
}
