package org.kmemlab.grader;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kmemlab.grader.child.GradeChild;

/**
 * Starts the submission's JVM: its command line, environment and working folder, in one place
 * ({@link #launch}), and the process helpers the session's watch uses (threads, killing, draining).
 * {@link ChildSession} talks to the JVM once it runs.
 */
final class ChildJvm {

    private static final String MAIN_MODULE = "org.kmemlab.grader";
    private static final int MAX_RECORD_LINE = 1 << 20;

    private ChildJvm() {
    }

    /**
     * Starts the submission's JVM in {@code workDir} through the path's {@link Sandbox}, with an environment
     * emptied of everything but {@code PATH}, {@code LANG} and {@code HOME} (CI runners keep tokens there).
     * The caller MUST hand the process to {@link Sandbox#cleanUp} once, when it is done with it.
     *
     * @param path the libraries and references
     * @param submission the submission's jars or directories
     * @param limits the group's limits (heap)
     */
    static Process launch(ChildPath path, List<Path> submission, Limits limits, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        // The sandbox shows the child its libraries, the references and the extracted submission read-only,
        // and the work folder as a private, empty folder of its own; see Sandbox. The channel is the
        // process's pipes, which every isolation level passes through unchanged.
        Sandbox sandbox = path.sandbox();
        List<Path> visible = new ArrayList<>(path.libraries());
        visible.addAll(path.references());
        visible.addAll(submission);
        ProcessBuilder builder = sandbox.builder(command(path, submission, List.of(), limits, workDir),
                new Sandbox.View(visible, List.of(), workDir));
        return sandbox.start(builder);
    }

    /** Returns the command line of the child JVM. */
    static List<String> command(ChildPath path, List<Path> submission, List<Path> extraClassPath, Limits limits,
                                Path workDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + limits.heapMegabytes() + "m");
        cmd.add("-Xss1m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:+DisableAttachMechanism");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Djava.io.tmpdir=" + workDir);
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-Duser.language=en");
        List<String> modulePath = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        for (Path p : path.libraries()) {
            (path.encapsulated() ? modulePath : classPath).add(p.toString());
        }
        List<String> addModules = new ArrayList<>();
        for (Path p : submission) {
            String module = path.encapsulated() ? ChildPath.explicitModuleName(p) : null;
            if (module != null) {
                modulePath.add(p.toString());
                addModules.add(module);
            } else {
                classPath.add(p.toString());
            }
        }
        for (Path p : extraClassPath) {
            classPath.add(p.toString());
        }
        if (!modulePath.isEmpty()) {
            cmd.add("--module-path");
            cmd.add(String.join(File.pathSeparator, modulePath));
        }
        if (!addModules.isEmpty()) {
            cmd.add("--add-modules");
            cmd.add(String.join(",", addModules));
        }
        if (!classPath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, classPath));
        }
        if (path.encapsulated()) {
            cmd.add("-m");
            cmd.add(MAIN_MODULE + "/" + GradeChild.class.getName());
        } else {
            cmd.add(GradeChild.class.getName());
        }
        return cmd;
    }

    /** Kills the child and every process it started, without giving them a chance to react. */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        for (ProcessHandle h : descendants) {
            h.destroyForcibly();
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns the threads of process {@code pid} from {@code /proc} (Linux), or -1 when unknown. */
    static int threadCount(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Starts a daemon thread that reads {@code stream} line by line into {@code sink}. Lines longer than
     * the record limit are not decoded: their bytes are only counted as dropped output.
     */
    static Thread drain(InputStream stream, String name, Consumer<String> sink, BoundedOutput output) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long overflow = 0;
            try (InputStream in = stream) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    int from = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            if (overflow == 0) {
                                line.write(buffer, from, i - from);
                                sink.accept(line.toString(StandardCharsets.UTF_8));
                            } else {
                                output.drop(overflow + i - from + 1);
                            }
                            line.reset();
                            overflow = 0;
                            from = i + 1;
                        }
                    }
                    int rest = n - from;
                    if (overflow > 0 || line.size() + rest > MAX_RECORD_LINE) {
                        overflow += line.size() + rest;
                        line.reset();
                    } else {
                        line.write(buffer, from, rest);
                    }
                }
            } catch (IOException e) {
                // The child was killed; what was read stays.
            }
            if (line.size() > 0) {
                sink.accept(line.toString(StandardCharsets.UTF_8));
            } else if (overflow > 0) {
                output.drop(overflow);
            }
        }, "kmemlab-child-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
