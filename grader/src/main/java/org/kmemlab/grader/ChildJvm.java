package org.kmemlab.grader;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.kmemlab.grader.child.ChildJob;
import org.kmemlab.grader.child.GradeChild;
import org.kmemlab.grader.child.SignedRecords;
import org.kmemlab.grader.child.SignedRecords.Record;

/**
 * Starts one child JVM for a job and watches it until it ends or must be killed.
 *
 * <h2>The watch</h2>
 * The parent sends a fresh HMAC key and the job on the child's standard input and closes it. Two
 * threads drain the child's standard output (signed records; anything else is the submission's output)
 * and standard error (the submission's output), so a child that floods either never blocks and never
 * fills the parent's memory. The calling thread then polls every 20 ms and kills the child (and every
 * process it started) when:
 * <ul>
 *   <li>the running property has exceeded its timeout (the clock restarts at every {@code start} record);</li>
 *   <li>the group's wall-clock or CPU-time budget, or the whole run's deadline, is used up;</li>
 *   <li>the child has more threads than the JVM had at {@code ready} plus the rubric's allowance (Linux).</li>
 * </ul>
 * An {@code OutOfMemoryError} stops the child by itself ({@code -XX:+ExitOnOutOfMemoryError}); the JVM
 * announces it on standard error, which the parent watches for.
 */
final class ChildJvm {

    private static final String MAIN_MODULE = "org.kmemlab.grader";
    private static final int MAX_RECORD_LINE = 1 << 20;
    private static final Duration STARTUP_ALLOWANCE = Duration.ofSeconds(15);
    private static final String OOM_MARKER = "java.lang.OutOfMemoryError";

    private ChildJvm() {
    }

    /**
     * Runs {@code job} in a new JVM and returns what happened.
     *
     * @param path the libraries and references
     * @param submission the submission's jars or directories
     * @param extraClassPath further class path entries (an instructor's hidden property sets)
     * @param limits the group's limits
     * @param cpuAlreadyUsed CPU time earlier children of the same group used
     * @param groupDeadline {@link System#nanoTime()} at which the group's wall-clock budget ends
     * @param runDeadline {@link System#nanoTime()} at which the whole run must end
     * @param workDir the child's working and temporary directory
     * @param onRecord called for every authenticated record as it arrives
     */
    static ChildRun run(ChildPath path, List<Path> submission, List<Path> extraClassPath, ChildJob job, Limits limits,
                        long cpuAlreadyUsed, long groupDeadline, long runDeadline, Path workDir,
                        Consumer<Record> onRecord) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String hexKey = HexFormat.of().formatHex(key);
        SignedRecords verifier = SignedRecords.withKey(hexKey);
        Files.createDirectories(workDir);
        // The sandbox shows the child its libraries, the references and the extracted submission read-only,
        // and the work folder as a private, empty folder of its own; see Sandbox.
        Sandbox sandbox = path.sandbox();
        List<Path> visible = new ArrayList<>(path.libraries());
        visible.addAll(path.references());
        visible.addAll(submission);
        visible.addAll(extraClassPath);
        ProcessBuilder builder = sandbox.builder(command(path, submission, extraClassPath, limits, workDir),
                new Sandbox.View(visible, List.of(), workDir));
        long started = System.nanoTime();
        Process process = sandbox.start(builder);
        try {
            return watch(process, sandbox, hexKey, verifier, job, limits, cpuAlreadyUsed, groupDeadline, runDeadline,
                    started, onRecord);
        } finally {
            sandbox.cleanUp(process);
        }
    }

    private static ChildRun watch(Process process, Sandbox sandbox, String hexKey, SignedRecords verifier, ChildJob job,
                                  Limits limits, long cpuAlreadyUsed, long groupDeadline, long runDeadline,
                                  long started, Consumer<Record> onRecord) {
        // Under bubblewrap the process started is bwrap; CPU time and threads are the JVM's inside it.
        ProcessHandle jvm = null;
        BoundedOutput output = new BoundedOutput(limits.outputKibibytes() * 1024);
        BlockingQueue<Record> records = new LinkedBlockingQueue<>();
        AtomicBoolean outOfMemory = new AtomicBoolean();
        AtomicInteger rejected = new AtomicInteger();
        Thread stdout = drain(process.getInputStream(), "stdout", line -> {
            java.util.Optional<Record> record = verifier.verify(line);
            if (record.isPresent()) {
                records.add(record.get());
            } else {
                if (line.contains(SignedRecords.MARKER)) {
                    rejected.incrementAndGet();
                }
                // HotSpot reports "Terminating due to java.lang.OutOfMemoryError" on standard output.
                if (line.contains(OOM_MARKER)) {
                    outOfMemory.set(true);
                }
                output.appendLine(line);
            }
        }, output);
        Thread stderr = drain(process.getErrorStream(), "stderr", line -> {
            if (line.contains(OOM_MARKER)) {
                outOfMemory.set(true);
            }
            output.appendLine(line);
        }, output);
        try (OutputStream in = process.getOutputStream()) {
            in.write((hexKey + "\n" + job.encode()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The child died before reading its job; what it printed will say why.
        }

        List<Record> received = new ArrayList<>();
        long expectedSeq = 0;
        long stepDeadline = started + limits.propertyTimeout().plus(STARTUP_ALLOWANCE).toNanos();
        int threadLimit = Integer.MAX_VALUE;
        ChildRun.Kill kill = null;
        String exiting = null;
        long cpuNanos = -1;
        while (true) {
            Record r;
            try {
                r = records.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill = ChildRun.Kill.RUN_TIMEOUT;
                break;
            }
            while (r != null) {
                if (r.seq() != expectedSeq) {
                    rejected.incrementAndGet();
                } else {
                    expectedSeq++;
                    received.add(r);
                    onRecord.accept(r);
                    switch (r.type()) {
                        case "ready" -> {
                            jvm = jvm != null ? jvm : sandbox.jvm(process).orElse(null);
                            int base = jvm == null ? -1 : threadCount(jvm.pid());
                            threadLimit = base < 0 ? Integer.MAX_VALUE : base + limits.maxThreads() + 2;
                            stepDeadline = System.nanoTime() + limits.propertyTimeout().toNanos();
                        }
                        case "start", "result", "perf" ->
                                stepDeadline = System.nanoTime() + limits.propertyTimeout().toNanos();
                        case "exiting" -> exiting = r.field(0);
                        default -> {
                        }
                    }
                }
                r = records.poll();
            }
            if (!process.isAlive()) {
                break;
            }
            long now = System.nanoTime();
            jvm = jvm != null ? jvm : sandbox.jvm(process).orElse(null);
            long cpu = jvm == null ? -1 : cpuNanos(jvm);
            if (cpu >= 0) {
                cpuNanos = cpu;
            }
            if (now - runDeadline >= 0) {
                kill = ChildRun.Kill.RUN_TIMEOUT;
            } else if (now - groupDeadline >= 0) {
                kill = ChildRun.Kill.GROUP_TIMEOUT;
            } else if (now - stepDeadline >= 0) {
                kill = ChildRun.Kill.PROPERTY_TIMEOUT;
            } else if (cpuNanos >= 0 && cpuAlreadyUsed + cpuNanos / 1_000_000 > limits.groupCpu().toMillis()) {
                kill = ChildRun.Kill.CPU_LIMIT;
            } else if (jvm != null && threadCount(jvm.pid()) > threadLimit) {
                kill = ChildRun.Kill.THREAD_LIMIT;
            }
            if (kill != null) {
                killTree(process);
                break;
            }
        }
        int exitCode;
        try {
            boolean ended = process.waitFor(10, TimeUnit.SECONDS);
            exitCode = ended && kill == null ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = -1;
        }
        if (process.isAlive()) {
            killTree(process);
        }
        join(stdout);
        join(stderr);
        for (Record r = records.poll(); r != null; r = records.poll()) {
            if (r.seq() == expectedSeq) {
                expectedSeq++;
                received.add(r);
                onRecord.accept(r);
                if (r.type().equals("exiting")) {
                    exiting = r.field(0);
                }
            } else {
                rejected.incrementAndGet();
            }
        }
        long wall = (System.nanoTime() - started) / 1_000_000;
        boolean done = received.stream().anyMatch(x -> x.type().equals("done"));
        return new ChildRun(received, output.toString(), exitCode, kill, outOfMemory.get() && !done, exiting,
                rejected.get(), wall, cpuNanos < 0 ? -1 : cpuNanos / 1_000_000);
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

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * Starts a daemon thread that reads {@code stream} line by line into {@code sink}. Lines longer than
     * the record limit are not decoded: their bytes are only counted as dropped output.
     */
    private static Thread drain(InputStream stream, String name, Consumer<String> sink, BoundedOutput output) {
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

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
