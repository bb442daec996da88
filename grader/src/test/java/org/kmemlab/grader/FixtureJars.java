package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.kmemlab.api.Machine;
import org.kmemlab.testkit.contract.ContractProperty;

/**
 * Builds fixture submissions for the grader's tests: Java sources (files of a sibling module, or text
 * in a test) compiled with the JDK's compiler against the api and packed into a jar with its service
 * registrations. A transform rewrites the sources first, which is how the tests make a student copy of a
 * reference (another package and provider name) and seed bugs into it.
 */
final class FixtureJars {

    private FixtureJars() {
    }

    /** Returns the api's classes (a jar or {@code target/classes}). */
    static Path apiPath() {
        try {
            return Path.of(Machine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the testkit's and the grader's own classes, as a class path (for fixtures that implement
     * their interfaces: an instructor's property set names both).
     */
    static String testkitPath() {
        return codeSource(ContractProperty.class) + java.io.File.pathSeparator + codeSource(PropertySet.class);
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the repository's root (the parent of {@code grader}). */
    static Path repository() {
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("grader") ? here.getParent() : here;
    }

    /**
     * Reads every {@code .java} file of {@code module}'s main sources (not module-info) and its service
     * files, as relative path to text.
     */
    static Map<String, String> moduleSources(String module) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        Path root = repository().resolve(module).resolve("src/main");
        for (String dir : List.of("java", "resources")) {
            Path base = root.resolve(dir);
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(base)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    String rel = base.relativize(p).toString().replace('\\', '/');
                    if (!rel.equals("module-info.java")) {
                        files.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return files;
    }

    /**
     * Compiles the {@code .java} entries of {@code files} (after {@code transform}) and packs them with
     * the other entries (service files, also transformed) into {@code jar}; paths are moved to follow a
     * changed package declaration.
     */
    static Path jar(Map<String, String> files, UnaryOperator<String> transform, Path jar) throws IOException {
        Path work = Files.createTempDirectory("kmemlab-fixture");
        try {
            return compileAndPack(files, transform, jar, work);
        } finally {
            // The sources and classes are scratch: a test run used to leave thousands of these in /tmp.
            WorkFolders.delete(work);
        }
    }

    private static Path compileAndPack(Map<String, String> files, UnaryOperator<String> transform, Path jar, Path work)
            throws IOException {
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<Path> sources = new ArrayList<>();
        Map<String, String> resources = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            String text = transform.apply(e.getValue());
            if (e.getKey().endsWith(".java")) {
                Path file = src.resolve(packagePath(text)).resolve(Path.of(e.getKey()).getFileName().toString());
                Files.createDirectories(file.getParent());
                Files.writeString(file, text, StandardCharsets.UTF_8);
                sources.add(file);
            } else {
                resources.put(transform.apply(e.getKey()), text);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(sources);
            boolean ok = javac.getTask(errors, fm, null, List.of("--release", "17", "-cp",
                    apiPath() + java.io.File.pathSeparator + testkitPath(),
                    "-d", classes.toString(), "-nowarn"), null, units).call();
            assertTrue(ok, () -> "fixture does not compile:\n" + errors);
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
            for (Map.Entry<String, String> r : resources.entrySet()) {
                out.putNextEntry(new JarEntry(r.getKey()));
                out.write(r.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String packagePath(String source) {
        for (String line : source.split("\n")) {
            String t = line.strip();
            if (t.startsWith("package ")) {
                return t.substring(8, t.indexOf(';')).strip().replace('.', '/');
            }
        }
        return "";
    }

    /** Returns {@code text} with {@code from} replaced by {@code to}, failing when {@code from} is absent. */
    static String replace(String text, String from, String to) {
        assertTrue(text.contains(from), () -> "mutation point not found: " + from);
        return text.replace(from, to);
    }
}
