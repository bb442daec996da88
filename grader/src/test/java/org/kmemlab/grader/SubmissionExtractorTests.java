package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What runs is what was checked: the extractor's refusals (names leaving the folder, links, zip bombs,
 * too many or too large entries) and normalisations (manifest class path, multi-release versions, nested
 * archives), each on a small archive written by the test.
 */
class SubmissionExtractorTests {

    private static final SubmissionExtractor.Limits SMALL = new SubmissionExtractor.Limits(20, 4L << 20, 8L << 20, 100);

    @TempDir
    Path dir;

    @Test
    void plainClassesAndServiceFilesAreCopiedIntoAReadOnlyFolder() throws Exception {
        Path jar = zip("ok.jar", Map.of("a/A.class", "cafe", "META-INF/services/x.Y", "a.A\n"));
        SubmissionExtractor.Extracted e = SubmissionExtractor.extract(List.of(jar), dir.resolve("out"), SMALL);
        Path folder = e.classes().get(0);
        assertEquals("cafe", Files.readString(folder.resolve("a/A.class")));
        assertEquals("a.A\n", Files.readString(folder.resolve("META-INF/services/x.Y")));
        assertTrue(e.notes().isEmpty(), e.notes().toString());
        assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(folder.resolve("a/A.class"))));
        assertEquals("r-xr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(folder.resolve("a"))));
    }

    @Test
    void anEntryThatClimbsOutOfTheFolderIsRefusedAndNothingIsWrittenThere() throws Exception {
        for (String name : List.of("../escape.class", "a/../../escape.class", "/tmp/escape.class", "a\\..\\x.class",
                "C:/x.class")) {
            Path jar = zip("bad.jar", Map.of("a/A.class", "cafe", name, "evil"));
            SubmissionExtractor.Rejected r = assertThrows(SubmissionExtractor.Rejected.class,
                    () -> SubmissionExtractor.extract(List.of(jar), dir.resolve("out-" + name.hashCode()), SMALL));
            assertTrue(r.getMessage().contains("would be written outside the submission's folder"), r.getMessage());
            assertTrue(r.getMessage().contains(name), r.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("escape.class")));
        assertFalse(Files.exists(Path.of("/tmp/escape.class")));
    }

    @Test
    void aZipBombIsRefusedByTheBytesReallyInflatedNotByItsHeaders() throws Exception {
        // 6 MiB of zeros compresses to a few KiB: over the 4 MiB per-entry limit and over 100 times its size.
        Path big = zip("bomb.jar", Map.of("data.bin", "\0".repeat(6 << 20)));
        SubmissionExtractor.Rejected r = assertThrows(SubmissionExtractor.Rejected.class,
                () -> SubmissionExtractor.extract(List.of(big), dir.resolve("out1"), SMALL));
        assertTrue(r.getMessage().contains("data.bin is larger than 4 MiB"), r.getMessage());
        // Under the per-entry limit but far over the ratio: 3 MiB of zeros from a few KiB.
        Path ratio = zip("ratio.jar", Map.of("data.bin", "\0".repeat(3 << 20)));
        r = assertThrows(SubmissionExtractor.Rejected.class,
                () -> SubmissionExtractor.extract(List.of(ratio), dir.resolve("out2"), SMALL));
        assertTrue(r.getMessage().contains("inflates more than 100 times its size (a zip bomb?)"), r.getMessage());
    }

    @Test
    void tooManyEntriesAndTooManyBytesInAllAreRefused() throws Exception {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            many.put("a/C" + i + ".class", "x");
        }
        SubmissionExtractor.Rejected r = assertThrows(SubmissionExtractor.Rejected.class,
                () -> SubmissionExtractor.extract(List.of(zip("many.jar", many)), dir.resolve("out1"), SMALL));
        assertTrue(r.getMessage().contains("more than 20 files"), r.getMessage());
        // Three random (incompressible) 3 MiB entries: 9 MiB in all, over the 8 MiB total.
        java.util.Random random = new java.util.Random(1);
        Map<String, byte[]> large = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            byte[] bytes = new byte[3 << 20];
            random.nextBytes(bytes);
            large.put("r" + i + ".bin", bytes);
        }
        r = assertThrows(SubmissionExtractor.Rejected.class, () -> SubmissionExtractor.extract(
                List.of(zipBytes("large.jar", large, null)), dir.resolve("out2"), SMALL));
        assertTrue(r.getMessage().contains("unpacks to more than 8 MiB"), r.getMessage());
    }

    @Test
    void theManifestClassPathMultiReleaseVersionsAndNestedJarsAreLeftOutWithANote() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a/A.class", bytes("base"));
        entries.put("META-INF/versions/17/a/A.class", bytes("other"));
        entries.put("lib/inner.jar", bytes("PK-not-really"));
        String manifest = "Manifest-Version: 1.0\r\nClass-Path: unchecked.jar\r\nMulti-Release: true\r\n"
                + "Created-By: test\r\n\r\n";
        Path jar = zipBytes("mixed.jar", entries, manifest);
        SubmissionExtractor.Extracted e = SubmissionExtractor.extract(List.of(jar), dir.resolve("out"), SMALL);
        Path folder = e.classes().get(0);
        assertEquals("base", Files.readString(folder.resolve("a/A.class")));
        assertFalse(Files.exists(folder.resolve("META-INF/versions")));
        assertFalse(Files.exists(folder.resolve("lib/inner.jar")));
        String written = Files.readString(folder.resolve("META-INF/MANIFEST.MF"));
        assertFalse(written.contains("Class-Path") || written.contains("Multi-Release"), written);
        assertTrue(written.contains("Created-By: test"), written);
        String notes = String.join("\n", e.notes());
        assertTrue(notes.contains("Class-Path (unchecked.jar) was ignored"), notes);
        assertTrue(notes.contains("1 files under META-INF/versions/ were left out"), notes);
        assertTrue(notes.contains("nested archives were left out (lib/inner.jar)"), notes);
    }

    @Test
    void aClassFolderWithASymbolicLinkIsRefused() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/a"));
        Files.writeString(classes.resolve("A.class"), "cafe");
        Files.createSymbolicLink(classes.resolve("B.class"), Path.of("/etc/hostname"));
        SubmissionExtractor.Rejected r = assertThrows(SubmissionExtractor.Rejected.class,
                () -> SubmissionExtractor.extract(List.of(dir.resolve("classes")), dir.resolve("out"), SMALL));
        assertTrue(r.getMessage().contains("symbolic link (a/B.class)"), r.getMessage());
    }

    @Test
    void theWorkFolderIsRemovedEvenWithItsReadOnlyParts() throws Exception {
        Path jar = zip("ok.jar", Map.of("a/A.class", "cafe"));
        Path out = dir.resolve("work/submission");
        SubmissionExtractor.extract(List.of(jar), out, SMALL);
        WorkFolders.delete(dir.resolve("work"));
        assertFalse(Files.exists(dir.resolve("work")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("ok.jar"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private Path zip(String name, Map<String, String> entries) throws IOException {
        Map<String, byte[]> b = new LinkedHashMap<>();
        entries.forEach((k, v) -> b.put(k, bytes(v)));
        return zipBytes(name, b, null);
    }

    private Path zipBytes(String name, Map<String, byte[]> entries, String manifest) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            if (manifest != null) {
                zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
                zip.write(bytes(manifest));
                zip.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
