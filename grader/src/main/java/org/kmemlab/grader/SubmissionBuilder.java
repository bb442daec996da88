package org.kmemlab.grader;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.kmemlab.api.Checks;

/**
 * Builds a submission that arrives as source: a Maven project with {@code mvn}, or bare {@code .java}
 * files with the JDK's {@code javac}. What the build prints (the compile errors) is kept for the results,
 * cut at 64 KiB.
 *
 * <h2>A Maven build runs the student's code</h2>
 * A project's {@code .mvn/} folder can load extensions ({@code extensions.xml}), pass any option to Maven
 * ({@code maven.config}) or to its JVM ({@code jvm.config}, e.g. a {@code -javaagent}); its wrapper
 * ({@code mvnw}) downloads and runs whatever it names; and its plugins run code by design (a forked
 * compiler's {@code <executable>} is any program). So the grader never builds the handed-in folder
 * itself:
 * <ol>
 *   <li>it copies the project into the work folder, leaving out {@code .mvn/} and every other hidden
 *       folder, {@code mvnw}, {@code target/} and {@code grade-results/} (nothing of them is honoured);</li>
 *   <li>it runs the grader's own {@code mvn} (never the wrapper) offline ({@code -o}) against the grader's
 *       local repository, inside the {@link Sandbox}: the repository read-only, the copy the only writable
 *       folder, no network, an empty environment and home;</li>
 *   <li>within {@link #timeout} and the run's deadline, whichever comes first; a build that is still
 *       running then is killed with everything it started, and the results say so.</li>
 * </ol>
 *
 * @param mavenCommand the Maven executable ({@code mvn}), looked up on {@code PATH} when not a path
 * @param mavenArgs extra Maven arguments from the instructor, e.g. {@code -q}
 * @param apiPath the api jar or directory {@code javac} compiles bare sources against
 * @param timeout how long a build may take at most
 * @param sandbox how the Maven build is contained
 * @param localRepository the grader's local Maven repository, which builds read (never write)
 */
public record SubmissionBuilder(String mavenCommand, List<String> mavenArgs, Path apiPath, Duration timeout,
                                Sandbox sandbox, Path localRepository) {

    private static final int OUTPUT_LIMIT = 64 * 1024;
    private static final long PROJECT_BYTES = 64L << 20;
    private static final int PROJECT_FILES = 10_000;
    /**
     * What a build may write into its copy and its home folder: the copy sits on the grader's disk (its
     * classes must come back), so a build step that writes without end (an annotation processor, a
     * "compiler" of the student's) would fill that disk. Far above any honest build of an allocator.
     */
    static final long BUILD_BYTES = 512L << 20;
    static final int BUILD_FILES = 50_000;

    /** Copies the list. */
    public SubmissionBuilder {
        Checks.requireNonNull(mavenCommand, "maven command");
        mavenArgs = List.copyOf(mavenArgs);
        Checks.requireNonNull(timeout, "timeout");
        Checks.requireNonNull(sandbox, "sandbox");
        Checks.requireNonNull(localRepository, "local repository");
    }

    /**
     * A builder with the strongest sandbox that works here and the grader's default local repository
     * ({@code ~/.m2/repository}).
     */
    public SubmissionBuilder(String mavenCommand, List<String> mavenArgs, Path apiPath, Duration timeout) {
        this(mavenCommand, mavenArgs, apiPath, timeout, Sandbox.choose("auto"), defaultRepository());
    }

    /** Returns {@code ~/.m2/repository} of the user the grader runs as. */
    public static Path defaultRepository() {
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Returns this builder with another sandbox (the {@code --isolation} option). */
    public SubmissionBuilder withSandbox(Sandbox other) {
        return new SubmissionBuilder(mavenCommand, mavenArgs, apiPath, timeout, other, localRepository);
    }

    /**
     * The outcome of a build.
     *
     * @param succeeded true when it built
     * @param classes the built jars or class directories
     * @param output what the build printed
     */
    public record Result(boolean succeeded, List<Path> classes, String output) {

        /** Copies the list and takes terminal colour codes out of the output (it ends up in result files). */
        public Result {
            classes = List.copyOf(classes);
            output = Terminal.stripEscapes(output);
        }
    }

    /**
     * Builds a copy of {@code project} in {@code workDir} with {@code mvn -B -q -o -DskipTests package}
     * (see the class comment) and finds its classes there.
     *
     * @param deadline {@link System#nanoTime()} by which the build MUST have ended (the run's deadline)
     */
    public Result maven(Path project, Path workDir, long deadline) throws IOException {
        Path copy = workDir.resolve("project");
        String refused = copyProject(project, copy);
        if (refused != null) {
            return new Result(false, List.of(), refused);
        }
        Path mvn = executable(mavenCommand);
        if (mvn == null) {
            return new Result(false, List.of(), "The grader cannot build Maven projects: `" + mavenCommand
                    + "` is not installed. Tell your instructor; this is not your fault.\n");
        }
        if (sandbox.level() == Sandbox.Level.UNPRIVILEGED_USER && !readableByOthers(localRepository)) {
            return new Result(false, List.of(), "The grader's local Maven repository " + localRepository + " cannot be"
                    + " read by the sandbox user " + Sandbox.USER + ", so nothing can be built. Tell your instructor"
                    + " (grade with --maven-repo DIR, a repository every user can read); this is not your fault.\n");
        }
        List<String> cmd = new ArrayList<>(List.of(mvn.toString(), "-B", "-q", "-o", "-DskipTests",
                "-Dmaven.repo.local=" + localRepository));
        cmd.addAll(mavenArgs);
        cmd.add("package");
        // Maven's home (bin/mvn's folder's parent) holds links into /etc (m2.conf, conf/).
        Path mavenHome = mvn.toRealPath().getParent().getParent();
        List<Path> readOnly = new ArrayList<>(List.of(localRepository, mavenHome));
        readOnly.addAll(Sandbox.systemPaths(mavenHome));
        Sandbox.View view = new Sandbox.View(readOnly, List.of(copy), workDir.resolve("home"), copy);
        Result run = run(sandbox.builder(cmd, view), deadline, List.of(copy, workDir.resolve("home")));
        if (!run.succeeded()) {
            return run;
        }
        Path classes = copy.resolve("target").resolve("classes");
        if (Files.isDirectory(classes) && hasClasses(classes)) {
            return new Result(true, List.of(classes), run.output());
        }
        Path target = copy.resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                List<Path> jars = s.filter(p -> p.toString().endsWith(".jar") && !p.toString().endsWith("-sources.jar")
                        && !p.toString().endsWith("-javadoc.jar")).toList();
                if (!jars.isEmpty()) {
                    return new Result(true, jars, run.output());
                }
            }
        }
        return new Result(false, List.of(), run.output() + "\nThe build succeeded but produced no classes in target/.\n");
    }

    /**
     * Copies what Maven needs of {@code project} to {@code copy}: everything but hidden files and folders
     * ({@code .mvn/}, {@code .git/}), the wrapper, {@code target/} and {@code grade-results/}; symbolic links
     * are not followed. Returns null, or why the project is refused (too large).
     */
    static String copyProject(Path project, Path copy) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(project)) {
            s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !Submission.ignored(project.relativize(p)))
                    .filter(p -> !List.of("mvnw", "mvnw.cmd").contains(project.relativize(p).toString()))
                    .forEach(files::add);
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        if (files.size() > PROJECT_FILES || bytes > PROJECT_BYTES) {
            return "The project is too large to build: " + files.size() + " files, " + (bytes >> 20) + " MiB (at most "
                    + PROJECT_FILES + " files and " + (PROJECT_BYTES >> 20) + " MiB). Hand in sources only.\n";
        }
        for (Path f : files) {
            Path t = copy.resolve(project.relativize(f).toString());
            Files.createDirectories(t.getParent());
            Files.copy(f, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createDirectories(copy);
        return null;
    }

    /** Returns true when every user may enter each folder above {@code folder} and read {@code folder}. */
    static boolean readableByOthers(Path folder) {
        try {
            Path real = folder.toRealPath();
            if (!Files.getPosixFilePermissions(real).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                return false;
            }
            for (Path p = real; p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(
                        java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Returns {@code command} as an absolute path (looked up on {@code PATH}), or null when not found. */
    static Path executable(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command).toAbsolutePath();
            return Files.isExecutable(p) ? p : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    /**
     * Compiles every {@code .java} file under {@code sources} into {@code out} with {@code javac}
     * ({@code --release 17}, against the api) and copies the other files (service registrations) along.
     */
    public Result javac(Path sources, Path out) throws IOException {
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        if (!Files.isExecutable(javac)) {
            return new Result(false, List.of(), "The grader runs on a JRE without javac; hand in a jar or a Maven"
                    + " project instead.\n");
        }
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of(javac.toString(), "--release", "17", "-encoding", "UTF-8",
                "-d", out.toString()));
        if (apiPath != null) {
            cmd.add("-cp");
            cmd.add(apiPath.toString());
        }
        List<Path> resources = new ArrayList<>();
        try (Stream<Path> s = Files.walk(sources)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = sources.relativize(p).toString().replace(File.separatorChar, '/');
                if (rel.endsWith(".java") && !rel.endsWith("module-info.java")) {
                    cmd.add(p.toString());
                } else if (rel.contains("META-INF/")) {
                    resources.add(p);
                }
            }
        }
        Result run = run(new ProcessBuilder(cmd).directory(sources.toFile()), System.nanoTime() + timeout.toNanos(),
                List.of(out));
        if (!run.succeeded()) {
            return run;
        }
        for (Path r : resources) {
            String rel = sources.relativize(r).toString().replace(File.separatorChar, '/');
            Path target = out.resolve(rel.substring(rel.indexOf("META-INF/")));
            Files.createDirectories(target.getParent());
            Files.copy(r, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return new Result(true, List.of(out), run.output());
    }

    /** Runs a build to its end or until {@link #timeout} or {@code deadline}, keeping what it prints. */
    private Result run(ProcessBuilder builder, long deadline, List<Path> watched) throws IOException {
        builder.redirectErrorStream(true);
        String what = builder.command().get(0);
        long allowed = Math.min(timeout.toNanos(), deadline - System.nanoTime());
        if (allowed <= 0) {
            return new Result(false, List.of(), "The run's time limit was used up before the build could start.\n");
        }
        Process p;
        try {
            p = sandbox.start(builder);
        } catch (IOException e) {
            return new Result(false, List.of(), "Could not start `" + what + "`: " + e.getMessage() + "\n");
        }
        BoundedOutput output = new BoundedOutput(OUTPUT_LIMIT);
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The build was killed.
            }
        }, "kmemlab-build-output");
        reader.setDaemon(true);
        reader.start();
        long until = System.nanoTime() + allowed;
        try {
            // Every quarter of a second: the deadline, and what the build wrote so far.
            while (!p.waitFor(Math.max(1, Math.min(250_000_000L, until - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                String tooMuch = System.nanoTime() - until >= 0 ? null : tooMuchWritten(watched);
                if (System.nanoTime() - until >= 0 || tooMuch != null) {
                    sandbox.cleanUp(p);
                    reader.join(2000);
                    return new Result(false, List.of(), output + (tooMuch != null ? "\n" + tooMuch
                            : "\nThe build took longer than " + (allowed / 1_000_000_000L)
                                    + " s (the time left for it) and was stopped.\n"));
                }
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sandbox.cleanUp(p);
            return new Result(false, List.of(), output + "\nThe build was interrupted.\n");
        }
        sandbox.cleanUp(p);
        return new Result(p.exitValue() == 0, List.of(), output.toString());
    }

    /**
     * Returns why the build must stop because of what it wrote into {@code folders} (more than
     * {@link #BUILD_BYTES} or {@link #BUILD_FILES}), or null. Sizes are the files' own (a sparse file counts
     * whole); the walk stops as soon as a limit is passed.
     */
    static String tooMuchWritten(List<Path> folders) {
        long bytes = 0;
        long files = 0;
        for (Path folder : folders) {
            if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(folder)) {
                java.util.Iterator<Path> it = s.iterator();
                while (it.hasNext() && bytes <= BUILD_BYTES && files <= BUILD_FILES) {
                    Path f = it.next();
                    try {
                        if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            bytes += Files.size(f);
                        }
                    } catch (IOException e) {
                        // Removed while we looked.
                    }
                    files++;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // A folder that changes while it is walked: the next look counts it.
            }
        }
        if (bytes > BUILD_BYTES || files > BUILD_FILES) {
            return "The build wrote more than " + (bytes > BUILD_BYTES ? (BUILD_BYTES >> 20) + " MiB" : BUILD_FILES
                    + " files") + " into its folders and was stopped: a build of an allocator writes a few MiB of"
                    + " classes. Look for a build step or plugin in your pom.xml that writes files without end.\n";
        }
        return null;
    }

    private static boolean hasClasses(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".class"));
        }
    }
}
