package org.kmemlab.grader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.kmemlab.api.Checks;

/**
 * Makes what runs exactly what was checked: every jar or class folder of a submission is copied once,
 * with limits, into one read-only folder of the work folder; the submission rules then read that folder
 * and the child JVM gets that folder (and nothing else of the submission) on its path.
 *
 * <h2>Why a folder, and why once</h2>
 * A jar can make the JVM load bytes that a rules check reading the jar's plain entries never saw: a
 * manifest {@code Class-Path} names other jars beside it, a multi-release jar holds other versions of a
 * class under {@code META-INF/versions/N/} (the JVM picks them, a rules check usually does not), and a
 * jar inside the jar may be unpacked by the submission's own code. A class folder has none of these
 * mechanisms: the JVM reads {@code pkg/Name.class} from it and nothing else, ignores any manifest in it,
 * and never looks inside a nested archive. So the extractor leaves out what a folder would ignore anyway
 * (the versions, nested archives, the manifest's {@code Class-Path} and {@code Multi-Release}), says so in
 * its notes, and refuses what would be dangerous to write at all:
 * <ul>
 *   <li>a name that leaves the folder ({@code ..}, an absolute path, a backslash or drive letter) or has
 *       a NUL character;</li>
 *   <li>two entries with the same name (a jar reader and an unzip tool may pick different ones);</li>
 *   <li>a symbolic link in a class folder (it would point outside what was checked);</li>
 *   <li>more than {@link Limits#entries} entries, an entry larger than {@link Limits#entryBytes}, more than
 *       {@link Limits#totalBytes} in all, or an archive that inflates more than {@link Limits#ratio} times
 *       its own size (a zip bomb). Sizes are counted while inflating, never taken from the headers.</li>
 * </ul>
 * The folder is made read-only afterwards, and the sandbox binds it read-only too, so nothing can change
 * the checked classes between the check and the run.
 */
final class SubmissionExtractor {

    /** Attributes a class folder would ignore, removed from a copied manifest so nobody reads them as real. */
    private static final List<String> DROPPED_ATTRIBUTES = List.of("Class-Path", "Multi-Release",
            "Launcher-Agent-Class", "Add-Opens", "Add-Exports", "Enable-Native-Access");
    private static final Set<String> ARCHIVES = Set.of(".jar", ".zip", ".war", ".ear", ".jmod");

    private SubmissionExtractor() {
    }

    /**
     * How much a submission may hold.
     *
     * @param entries files and folders in all
     * @param entryBytes the largest one file
     * @param totalBytes all files together
     * @param ratio the most an archive may inflate, as bytes written per byte of the archive (for archives
     *              over 1 MiB inflated; a small archive of text compresses well and harms nobody)
     */
    record Limits(int entries, long entryBytes, long totalBytes, int ratio) {

        /** Checks that every limit is positive. */
        Limits {
            Checks.requireArgument(entries > 0 && entryBytes > 0 && totalBytes > 0 && ratio > 0,
                    "submission limits must be positive: %s", List.of(entries, entryBytes, totalBytes, ratio));
        }

        /** The limits the grader uses: far above any allocator assignment, far below a harmful archive. */
        static Limits defaults() {
            return new Limits(10_000, 16L << 20, 64L << 20, 100);
        }
    }

    /**
     * The extracted submission.
     *
     * @param classes the read-only folders to put on the child's path, one per jar or class folder
     * @param notes what was left out and why, one sentence each (shown to the student)
     */
    record Extracted(List<Path> classes, List<String> notes) {

        /** Copies the lists. */
        Extracted {
            classes = List.copyOf(classes);
            notes = List.copyOf(notes);
        }
    }

    /** A submission the grader refuses to run; the message says what and why, for the results file. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    /**
     * Extracts {@code classes} (jars and class folders) into {@code target}, which MUST not exist yet or be
     * empty, and makes the result read-only.
     *
     * @throws Rejected when an entry breaks a rule above; nothing of the submission runs then
     */
    static Extracted extract(List<Path> classes, Path target, Limits limits) throws IOException, Rejected {
        Checks.requireNonNull(classes, "classes");
        Checks.requireNonNull(target, "target");
        Checks.requireNonNull(limits, "limits");
        Files.createDirectories(target);
        Budget budget = new Budget(limits);
        List<Path> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int n = 0;
        for (Path source : classes) {
            Path folder = target.resolve(Integer.toString(n++));
            Files.createDirectories(folder);
            if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                copyFolder(source, folder, budget, notes);
            } else {
                extractJar(source, folder, budget, notes);
            }
            out.add(folder);
        }
        makeReadOnly(target);
        return new Extracted(out, notes);
    }

    /** Counts what has been written, across every jar and folder of one submission. */
    private static final class Budget {
        final Limits limits;
        int entries;
        long total;

        Budget(Limits limits) {
            this.limits = limits;
        }

        void entry(String name) throws Rejected {
            if (++entries > limits.entries()) {
                throw new Rejected("the submission holds more than " + limits.entries() + " files (at " + name
                        + "); hand in only your classes and service files");
            }
        }
    }

    private static void extractJar(Path jar, Path folder, Budget budget, List<String> notes)
            throws IOException, Rejected {
        String jarName = jar.getFileName().toString();
        long archiveBytes = Math.max(1, Files.size(jar));
        long inflated = 0;
        Set<String> seen = new HashSet<>();
        int versions = 0;
        List<String> nested = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                checkName(name, jarName);
                budget.entry(name);
                if (!seen.add(name)) {
                    throw new Rejected(jarName + " has two entries named " + name + " (a jar reader and the JVM may"
                            + " pick different ones); build the jar again with your build tool");
                }
                if (name.startsWith("META-INF/versions/")) {
                    versions += e.isDirectory() ? 0 : 1;
                    continue;
                }
                if (!e.isDirectory() && isArchive(name)) {
                    nested.add(name);
                    continue;
                }
                Path file = folder.resolve(name);
                if (e.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                if (name.equals("META-INF/MANIFEST.MF")) {
                    inflated += writeManifest(zip, e, file, jarName, budget, notes);
                } else {
                    try (InputStream in = zip.getInputStream(e)) {
                        inflated += copyCounted(in, file, name, budget);
                    }
                }
                if (inflated > (1L << 20) && inflated / archiveBytes > budget.limits.ratio()) {
                    throw new Rejected(jarName + " inflates more than " + budget.limits.ratio() + " times its size"
                            + " (a zip bomb?); hand in the jar your build tool made");
                }
            }
        } catch (ZipException e) {
            throw new Rejected(jarName + " is not a readable jar: " + e.getMessage());
        }
        if (versions > 0) {
            notes.add(jarName + ": " + versions + " files under META-INF/versions/ were left out; the grader runs"
                    + " and checks only the base classes of a multi-release jar.");
        }
        if (!nested.isEmpty()) {
            notes.add(jarName + ": nested archives were left out (" + String.join(", ", nested) + "); only classes"
                    + " directly in the jar are graded.");
        }
    }

    /** Copies the manifest without the attributes a class folder ignores, and notes a dropped class path. */
    private static long writeManifest(ZipFile zip, ZipEntry e, Path file, String jarName, Budget budget,
                                      List<String> notes) throws IOException, Rejected {
        Path raw = file.resolveSibling("MANIFEST.MF.raw");
        long n;
        try (InputStream in = zip.getInputStream(e)) {
            n = copyCounted(in, raw, e.getName(), budget);
        }
        Manifest manifest;
        try (InputStream in = Files.newInputStream(raw)) {
            manifest = new Manifest(in);
        } catch (IOException bad) {
            throw new Rejected(jarName + " has a manifest that cannot be read: " + bad.getMessage());
        } finally {
            Files.delete(raw);
        }
        Attributes main = manifest.getMainAttributes();
        String classPath = main.getValue(Attributes.Name.CLASS_PATH);
        if (classPath != null && !classPath.isBlank()) {
            notes.add(jarName + ": the manifest's Class-Path (" + classPath.strip() + ") was ignored; everything"
                    + " graded must be inside the jar.");
        }
        for (String a : DROPPED_ATTRIBUTES) {
            main.remove(new Attributes.Name(a));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            manifest.write(out);
        }
        return n;
    }

    private static void copyFolder(Path source, Path folder, Budget budget, List<String> notes)
            throws IOException, Rejected {
        List<Path> files = new ArrayList<>();
        List<Path> links = new ArrayList<>();
        try (Stream<Path> s = Files.walk(source)) {
            s.forEach(p -> {
                if (Files.isSymbolicLink(p)) {
                    links.add(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                }
            });
        }
        if (!links.isEmpty()) {
            throw new Rejected("the submission holds a symbolic link (" + source.relativize(links.get(0))
                    + "); hand in real files only");
        }
        List<String> nested = new ArrayList<>();
        int versions = 0;
        for (Path p : files.stream().sorted().toList()) {
            String name = source.relativize(p).toString().replace('\\', '/');
            budget.entry(name);
            if (name.startsWith("META-INF/versions/")) {
                versions++;
                continue;
            }
            if (isArchive(name)) {
                nested.add(name);
                continue;
            }
            Path file = folder.resolve(name);
            Files.createDirectories(file.getParent());
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                copyCounted(in, file, name, budget);
            }
        }
        if (versions > 0) {
            notes.add(versions + " files under META-INF/versions/ were left out; the grader runs only base classes.");
        }
        if (!nested.isEmpty()) {
            notes.add("archives in the class folder were left out (" + String.join(", ", nested) + ").");
        }
    }

    /** Refuses names that would leave the folder or mean different files on different systems. */
    static void checkName(String name, String jarName) throws Rejected {
        boolean bad = name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':');
        for (String part : name.split("/")) {
            bad |= part.equals("..") || part.equals(".");
        }
        if (bad) {
            throw new Rejected(jarName + " has an entry named \"" + name.replace("\0", "\\0") + "\" that would be"
                    + " written outside the submission's folder; the grader does not unpack it. Build the jar"
                    + " again with your build tool");
        }
    }

    private static boolean isArchive(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && ARCHIVES.contains(name.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** Copies {@code in} to {@code file}, counting real bytes against the per-entry and total limits. */
    private static long copyCounted(InputStream in, Path file, String name, Budget budget)
            throws IOException, Rejected {
        long written = 0;
        byte[] buffer = new byte[65536];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                written += n;
                budget.total += n;
                if (written > budget.limits.entryBytes()) {
                    throw new Rejected(name + " is larger than " + (budget.limits.entryBytes() >> 20) + " MiB;"
                            + " no class of an allocator needs that");
                }
                if (budget.total > budget.limits.totalBytes()) {
                    throw new Rejected("the submission unpacks to more than " + (budget.limits.totalBytes() >> 20)
                            + " MiB (at " + name + "); hand in only your classes");
                }
                out.write(buffer, 0, n);
            }
        }
        return written;
    }

    /** Makes every folder 0555 and every file 0444 (where the file system has POSIX permissions). */
    static void makeReadOnly(Path root) throws IOException {
        setPermissions(root, "r-xr-xr-x", "r--r--r--");
    }

    /** Gives the owner write access again, so the work folder can be removed. */
    static void makeWritable(Path root) throws IOException {
        setPermissions(root, "rwxr-xr-x", "rw-r--r--");
    }

    private static void setPermissions(Path root, String folders, String files) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)
                || !root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> dirPerms = PosixFilePermissions.fromString(folders);
        Set<PosixFilePermission> filePerms = PosixFilePermissions.fromString(files);
        boolean opening = folders.startsWith("rwx");
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (opening) {
                    Files.setPosixFilePermissions(dir, dirPerms);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.setPosixFilePermissions(file, filePerms);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (!opening) {
                    Files.setPosixFilePermissions(dir, dirPerms);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
