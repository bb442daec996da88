package org.kmemlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.kmemlab.api.Checks;

/**
 * Builds a Gradescope autograder: a folder with {@code setup.sh}, {@code run_autograder}, {@code lib/}
 * (every module the grader runs with, reference implementations included) and {@code rubrics/}, and the
 * same as {@code autograder.zip} to upload.
 *
 * <p>{@code setup.sh} runs once when Gradescope builds the image: it installs a JDK 17 and Maven and
 * puts the kmemlab api and testkit jars into the local Maven repository, so a student's Maven project
 * that depends on them finds them. Maven still downloads its plugins and the testkit's libraries from
 * Maven Central on the first build (the script says so); jars, class folders and sources need no Maven. {@code run_autograder} runs the grader on
 * {@code /autograder/submission} and always leaves {@code /autograder/results/results.json}: when the
 * grader cannot even start (no Java, a broken rubric) the script writes one that says so.
 */
public final class GradescopeBundle {

    /** The version used for jars whose file name does not say. */
    static final String DEFAULT_VERSION = "0.1.0-SNAPSHOT";

    private static final Pattern VERSIONED = Pattern.compile("kmemlab-(api|testkit)-(.+)\\.jar");

    private GradescopeBundle() {
    }

    /**
     * Writes the bundle into {@code dir} and returns the path of {@code autograder.zip}.
     *
     * @param path the libraries and references to ship (usually this JVM's)
     * @param rubricFiles the instructor's rubrics; SPIs without one get the shipped rubric
     * @param mavenArgs extra arguments for building Maven submissions
     */
    public static Path write(Path dir, ChildPath path, List<Path> rubricFiles, List<String> mavenArgs)
            throws IOException {
        Checks.requireNonNull(dir, "bundle folder");
        Files.createDirectories(dir.resolve("lib"));
        Files.createDirectories(dir.resolve("rubrics"));
        List<String> jars = new ArrayList<>();
        List<Path> all = new ArrayList<>(path.libraries());
        all.addAll(path.references());
        for (Path entry : all) {
            String name = jarName(entry);
            Path target = dir.resolve("lib").resolve(name);
            if (Files.isDirectory(entry)) {
                zipFolder(entry, target);
            } else {
                Files.copy(entry, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            jars.add(name);
        }
        List<Spi> given = new ArrayList<>();
        List<String> rubricFilesShipped = new ArrayList<>();
        for (Path r : rubricFiles) {
            Rubric rubric = RubricLoader.load(r);
            given.add(rubric.spi());
            Files.copy(r, dir.resolve("rubrics").resolve(rubric.spi().key() + yamlOrJson(r)),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            rubricFilesShipped.addAll(copyNamedFiles(r, dir.resolve("rubrics")));
        }
        List<String> rubricNames = new ArrayList<>();
        for (Spi spi : Spi.values()) {
            int at = given.indexOf(spi);
            if (at < 0) {
                Files.writeString(dir.resolve("rubrics").resolve(spi.key() + ".yaml"), RubricLoader.defaultText(spi));
                rubricNames.add(spi.key() + ".yaml");
            } else {
                rubricNames.add(spi.key() + yamlOrJson(rubricFiles.get(at)));
            }
        }
        Path setup = dir.resolve("setup.sh");
        Files.writeString(setup, setupScript(jars), StandardCharsets.UTF_8);
        Path run = dir.resolve("run_autograder");
        Files.writeString(run, runScript(rubricNames, mavenArgs), StandardCharsets.UTF_8);
        executable(setup);
        executable(run);
        Path zip = dir.resolve("autograder.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            add(out, setup, "setup.sh");
            add(out, run, "run_autograder");
            for (String jar : jars) {
                add(out, dir.resolve("lib").resolve(jar), "lib/" + jar);
            }
            for (String r : rubricNames) {
                add(out, dir.resolve("rubrics").resolve(r), "rubrics/" + r);
            }
            for (String f : rubricFilesShipped) {
                add(out, dir.resolve("rubrics").resolve(f), "rubrics/" + f);
            }
        }
        return zip;
    }

    /**
     * Copies every file {@code rubricFile} names (its groups' {@code hiddenTests} jars and folders) into
     * {@code rubricsDir} at the same path relative to the rubric, so that the copied rubric finds them as
     * the original did; returns the relative paths of the files copied, for the zip.
     *
     * <p>A bundle that leaves a hidden-tests jar out grades to a smaller maximum without a word, so a
     * name that cannot travel with the rubric is an error: a file that does not exist, an absolute path,
     * or a path that climbs out of the rubric's folder ({@code ../}).
     *
     * @throws IllegalArgumentException naming the rubric and the path, and what to do
     */
    static List<String> copyNamedFiles(Path rubricFile, Path rubricsDir) throws IOException {
        Rubric raw;
        try (java.io.InputStream in = Files.newInputStream(rubricFile)) {
            raw = RubricLoader.parse(in, rubricFile.toString().endsWith(".json"), rubricFile.getFileName().toString(),
                    null);
        }
        Path base = rubricFile.toAbsolutePath().getParent();
        List<String> copied = new ArrayList<>();
        for (Rubric.Group group : raw.groups()) {
            for (String named : group.hiddenTests()) {
                Path relative = Path.of(named).normalize();
                Checks.requireArgument(!relative.isAbsolute() && !relative.startsWith(".."),
                        "rubric %s names hidden tests at %s, which cannot travel with the rubric in a bundle; put"
                                + " them beside the rubric (or below its folder) and name them by a relative path",
                        rubricFile, named);
                Path source = base.resolve(relative);
                Checks.requireArgument(Files.exists(source), "rubric %s names hidden tests %s, but %s does not exist;"
                        + " build them first or fix the path", rubricFile, named, source);
                Path target = rubricsDir.resolve(relative.toString());
                Files.createDirectories(target.toAbsolutePath().getParent());
                if (Files.isDirectory(source)) {
                    try (Stream<Path> s = Files.walk(source)) {
                        for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                            Path to = target.resolve(source.relativize(p).toString());
                            Files.createDirectories(to.getParent());
                            Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            copied.add(rubricsDir.relativize(to).toString().replace('\\', '/'));
                        }
                    }
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    copied.add(relative.toString().replace('\\', '/'));
                }
            }
        }
        return copied;
    }

    static String setupScript(List<String> jars) {
        StringBuilder s = new StringBuilder();
        s.append("#!/usr/bin/env bash\n");
        s.append("# Generated by `kmemlab grade --gradescope-bundle`. Gradescope runs this once, as root, when it\n");
        s.append("# builds the autograder image.\n");
        s.append("set -euo pipefail\n");
        s.append("apt-get update -q\n");
        s.append("DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless maven"
                + " bubblewrap\n");
        s.append("chmod +x /autograder/source/run_autograder\n");
        s.append("# Students' Maven projects depend on the kmemlab api (and their tests on the testkit), which are in\n");
        s.append("# no public repository: install both into root's local Maven repository. Everything else a\n");
        s.append("# build needs (Maven's plugins, JUnit, ArchUnit) Maven downloads from Maven Central on the first\n");
        s.append("# build, so the autograder needs network access when it grades a Maven project. Jars, class\n");
        s.append("# folders and bare sources are graded without Maven.\n");
        for (String jar : jars) {
            Matcher m = VERSIONED.matcher(jar);
            String artifact = m.matches() ? m.group(1) : jar.startsWith("org.kmemlab.api") ? "api"
                    : jar.startsWith("org.kmemlab.testkit") ? "testkit" : null;
            if (artifact == null) {
                continue;
            }
            String version = m.matches() ? m.group(2) : DEFAULT_VERSION;
            s.append("mvn -B -q install:install-file -Dfile=/autograder/source/lib/").append(jar)
                    .append(" -DgroupId=org.kmemlab -DartifactId=kmemlab-").append(artifact).append(" -Dversion=")
                    .append(version).append(" -Dpackaging=jar -DgeneratePom=true\n");
        }
        return s.toString();
    }

    static String runScript(List<String> rubrics, List<String> mavenArgs) {
        StringBuilder s = new StringBuilder();
        s.append("#!/usr/bin/env bash\n");
        s.append("# Generated by `kmemlab grade --gradescope-bundle`. Grades /autograder/submission and always leaves\n");
        s.append("# /autograder/results/results.json, even when the grader itself cannot run.\n");
        s.append("set -u\n");
        s.append("RESULTS=/autograder/results/results.json\n");
        s.append("mkdir -p /autograder/results\n");
        s.append("rm -f \"$RESULTS\"\n");
        s.append("cd /autograder/source\n");
        s.append("java -Xmx512m -p lib -m org.kmemlab.grader/org.kmemlab.grader.GradeMain /autograder/submission")
                .append(" \\\n    --results \"$RESULTS\" --out /autograder/results/kmemlab --work /tmp/kmemlab-grade");
        for (String r : rubrics) {
            s.append(" \\\n    --rubric rubrics/").append(r);
        }
        if (!mavenArgs.isEmpty()) {
            s.append(" \\\n    --maven-args '").append(String.join(" ", mavenArgs).replace("'", "")).append('\'');
        }
        s.append("\nstatus=$?\n");
        s.append("if [ ! -s \"$RESULTS\" ]; then\n");
        s.append("  cat > \"$RESULTS\" <<JSON\n");
        s.append("{\"score\": 0, \"output\": \"The autograder could not run (exit status $status). This is not your"
                + " fault: please tell your instructor.\", \"tests\": []}\n");
        s.append("JSON\nfi\n");
        s.append("exit 0\n");
        return s.toString();
    }

    private static String jarName(Path entry) {
        String module = ChildPath.explicitModuleName(entry);
        String file = entry.getFileName().toString();
        if (Files.isDirectory(entry)) {
            // target/classes: name it after its module, or the project folder above target/.
            if (module != null) {
                return module + ".jar";
            }
            Path project = entry.getParent() == null ? entry : entry.getParent().getParent();
            return (project == null ? file : project.getFileName().toString()) + ".jar";
        }
        return file;
    }

    private static String yamlOrJson(Path r) {
        return r.getFileName().toString().endsWith(".json") ? ".json" : ".yaml";
    }

    private static void zipFolder(Path folder, Path jar) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar));
             Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                add(out, p, folder.relativize(p).toString().replace('\\', '/'));
            }
        }
    }

    private static void add(ZipOutputStream out, Path file, String name) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        Files.copy(file, out);
        out.closeEntry();
    }

    private static void executable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: setup.sh makes run_autograder executable on Gradescope.
        }
    }
}
