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
 * files with the JDK's {@code javac}. The student's build runs in a process of its own with a time
 * limit, and what it prints (the compile errors) is kept for the results, cut at 64 KiB.
 *
 * @param mavenCommand the Maven executable ({@code mvn})
 * @param mavenArgs extra Maven arguments, e.g. {@code -o} for an offline grader
 * @param apiPath the api jar or directory {@code javac} compiles bare sources against
 * @param timeout how long a build may take
 */
public record SubmissionBuilder(String mavenCommand, List<String> mavenArgs, Path apiPath, Duration timeout) {

    private static final int OUTPUT_LIMIT = 64 * 1024;

    /** Copies the list. */
    public SubmissionBuilder {
        Checks.requireNonNull(mavenCommand, "maven command");
        mavenArgs = List.copyOf(mavenArgs);
        Checks.requireNonNull(timeout, "timeout");
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

    /** Runs {@code mvn -B -q -DskipTests package} in {@code project} and finds its classes. */
    public Result maven(Path project) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(mavenCommand, "-B", "-q", "-DskipTests"));
        cmd.addAll(mavenArgs);
        cmd.add("package");
        Result run = run(cmd, project);
        if (!run.succeeded()) {
            return run;
        }
        Path classes = project.resolve("target").resolve("classes");
        if (Files.isDirectory(classes) && hasClasses(classes)) {
            return new Result(true, List.of(classes), run.output());
        }
        try (Stream<Path> s = Files.list(project.resolve("target"))) {
            List<Path> jars = s.filter(p -> p.toString().endsWith(".jar") && !p.toString().endsWith("-sources.jar")
                    && !p.toString().endsWith("-javadoc.jar")).toList();
            if (!jars.isEmpty()) {
                return new Result(true, jars, run.output());
            }
        }
        return new Result(false, List.of(), run.output() + "\nThe build succeeded but produced no classes in target/.\n");
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
        Result run = run(cmd, sources);
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

    private Result run(List<String> cmd, Path dir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            return new Result(false, List.of(), "Could not start `" + cmd.get(0) + "`: " + e.getMessage() + "\n");
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
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildJvm.killTree(p);
                reader.join(2000);
                return new Result(false, List.of(), output + "\nThe build took longer than " + timeout.toSeconds()
                        + " s and was stopped.\n");
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildJvm.killTree(p);
            return new Result(false, List.of(), output + "\nThe build was interrupted.\n");
        }
        return new Result(p.exitValue() == 0, List.of(), output.toString());
    }

    private static boolean hasClasses(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".class"));
        }
    }
}
