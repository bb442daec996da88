package org.kmemlab.grader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.kmemlab.api.Checks;

/**
 * A submission ready to grade: the jars or class directories that hold its classes, and the SHA-256 of
 * what the student handed in.
 *
 * <p>{@link #resolve} accepts what students hand in:
 * <ul>
 *   <li>a jar;</li>
 *   <li>a directory of compiled classes ({@code target/classes});</li>
 *   <li>a Maven project (a directory with {@code pom.xml}), built in a sandboxed copy with
 *       {@code mvn -B -q -o -DskipTests package} (see {@link SubmissionBuilder});</li>
 *   <li>a directory of {@code .java} files without a build file, compiled with the JDK's {@code javac}
 *       against the api (resource files such as {@code META-INF/services} are copied along);</li>
 *   <li>a directory that holds exactly one of those, as Gradescope's upload of a repository does.</li>
 * </ul>
 * A build that fails is not an exception: {@link #buildFailed()} is true and {@link #buildOutput()} has
 * the compiler's messages for the student.
 *
 * @param name the name shown in reports (the file or folder name)
 * @param input what was handed in
 * @param kind what it was
 * @param classes the jars or directories holding the classes; empty when the build failed
 * @param sha256 the SHA-256 of what was handed in, in hex: a jar's bytes; for a folder, every file's path and
 *               bytes in path order, only the files that are the submission (see {@link #sha256})
 * @param buildFailed true when building it failed
 * @param buildOutput what the build printed (cut at 64 KiB), empty when nothing was built
 */
public record Submission(String name, Path input, Kind kind, List<Path> classes, String sha256, boolean buildFailed,
                         String buildOutput) {

    /** What a student handed in. */
    public enum Kind {
        /** A jar file. */
        JAR,
        /** A directory of class files. */
        CLASSES,
        /** A Maven project. */
        MAVEN,
        /** Java sources without a build file. */
        SOURCES
    }

    /** Copies the list. */
    public Submission {
        Checks.requireNonNull(name, "name");
        Checks.requireNonNull(input, "input");
        Checks.requireNonNull(kind, "kind");
        classes = List.copyOf(classes);
        Checks.requireNonNull(sha256, "sha256");
        Checks.requireNonNull(buildOutput, "build output");
    }

    /**
     * Resolves {@code input}, building it when it is a project or sources.
     *
     * @param workDir where sources are compiled to
     * @param build how to run Maven and javac
     * @throws IllegalArgumentException when the input is none of the accepted kinds
     */
    public static Submission resolve(Path input, Path workDir, SubmissionBuilder build) throws IOException {
        return resolve(input, workDir, build, System.nanoTime() + build.timeout().toNanos());
    }

    /**
     * Resolves {@code input} as {@link #resolve(Path, Path, SubmissionBuilder)} does, with a build that ends
     * by {@code deadline} ({@link System#nanoTime()}) at the latest.
     */
    public static Submission resolve(Path input, Path workDir, SubmissionBuilder build, long deadline)
            throws IOException {
        Checks.requireNonNull(input, "submission");
        Checks.requireArgument(Files.exists(input), "submission %s does not exist", input);
        Checks.requireArgument(Files.isReadable(input), "submission %s cannot be read", input);
        Path in = unwrap(input.toAbsolutePath().normalize());
        String name = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        if (Files.isRegularFile(in)) {
            Checks.requireArgument(in.toString().toLowerCase(Locale.ROOT).endsWith(".jar"),
                    "submission %s is a file but not a jar", input);
            return new Submission(name, in, Kind.JAR, List.of(in), sha256(in), false, "");
        }
        String hash = sha256(in);
        if (Files.isRegularFile(in.resolve("pom.xml"))) {
            SubmissionBuilder.Result r = build.maven(in, workDir.resolve("maven"), deadline);
            return new Submission(name, in, Kind.MAVEN, r.classes(), hash, !r.succeeded(), r.output());
        }
        if (contains(in, ".class")) {
            return new Submission(name, in, Kind.CLASSES, List.of(in), hash, false, "");
        }
        if (contains(in, ".java")) {
            SubmissionBuilder.Result r = build.javac(in, workDir.resolve("classes"));
            return new Submission(name, in, Kind.SOURCES, r.classes(), hash, !r.succeeded(), r.output());
        }
        throw new IllegalArgumentException("submission " + input + " holds no jar, pom.xml, class or java file");
    }

    /** Returns the one jar or project inside a folder that holds nothing else of interest. */
    private static Path unwrap(Path in) throws IOException {
        if (!Files.isDirectory(in) || Files.isRegularFile(in.resolve("pom.xml")) || hasDirect(in, ".class")
                || hasDirect(in, ".java")) {
            return in;
        }
        List<Path> children = new ArrayList<>();
        try (Stream<Path> s = Files.list(in)) {
            s.filter(p -> !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().equals("submission_metadata.json")).forEach(children::add);
        }
        List<Path> jars = children.stream().filter(p -> p.toString().endsWith(".jar")).toList();
        List<Path> dirs = children.stream().filter(Files::isDirectory).toList();
        if (jars.size() == 1 && dirs.isEmpty()) {
            return jars.get(0);
        }
        if (dirs.size() == 1 && jars.isEmpty()) {
            return unwrap(dirs.get(0));
        }
        return in;
    }

    private static boolean hasDirect(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(suffix));
        }
    }

    private static boolean contains(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p));
        }
    }

    /**
     * Returns the SHA-256 of a file's bytes, or of a folder's files (path and bytes, in path order), in hex.
     * For a folder only what the student wrote counts, so a regrade gives the same hash (and so the same
     * hidden seeds) however often the folder was built or graded in place:
     * <ul>
     *   <li>never {@code target/} or {@code grade-results/} (what builds and the grader write), nor hidden
     *       files and folders ({@code .git/}, {@code .mvn/}, {@code .idea/}: the grader does not honour
     *       them either);</li>
     *   <li>for a Maven project, only the build files ({@code pom.xml} at any depth) and the files under
     *       {@code src/} folders: everything else (notes, IDE files, outputs of other tools) is not built.</li>
     * </ul>
     */
    public static String sha256(Path path) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        try {
            if (Files.isRegularFile(path)) {
                update(digest, path);
            } else {
                boolean maven = Files.isRegularFile(path.resolve("pom.xml"));
                List<Path> files;
                try (Stream<Path> s = Files.walk(path)) {
                    files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                            .filter(p -> !ignored(path.relativize(p)))
                            .filter(p -> !maven || declared(path.relativize(p))).sorted().toList();
                }
                for (Path f : files) {
                    digest.update(path.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    update(digest, f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Returns true for what is never the student's work: build and grader output, hidden files. */
    static boolean ignored(Path relative) {
        for (Path part : relative) {
            String s = part.toString();
            if (s.equals("target") || s.equals("grade-results") || s.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Returns true for the files of a Maven project that its build reads: {@code pom.xml} and {@code src/}. */
    private static boolean declared(Path relative) {
        if (relative.getFileName().toString().equals("pom.xml")) {
            return true;
        }
        for (Path part : relative) {
            if (part.toString().equals("src")) {
                return true;
            }
        }
        return false;
    }

    private static void update(MessageDigest digest, Path file) throws IOException {
        byte[] buffer = new byte[65536];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
    }
}
