package org.kmemlab.grader;

import static org.kmemlab.grader.Sandbox.JAVA_HOME;
import static org.kmemlab.grader.Sandbox.PATH;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Sandbox.Level#BUBBLEWRAP} level: the {@code bwrap} command line that builds a sandboxed
 * process's file system from nothing (see {@link Sandbox} for what it shows and hides), and the probe that
 * tells once per grader whether {@code bwrap} can create namespaces on this machine.
 */
final class Bubblewrap {

    /** What the sandbox's {@code tmpfs} mounts may hold, each. */
    static final long TMPFS_BYTES = 64L << 20;
    /** The uid and gid of {@code nobody}, as which the process runs inside. */
    private static final int NOBODY = 65534;

    private Bubblewrap() {
    }

    /**
     * Returns the {@code bwrap} arguments, ending with {@code --}, that run a command as {@code nobody} in
     * new namespaces on a file system built from {@code view}: {@code /usr}, the JDK and
     * {@code view.readOnly()} read-only, {@code view.writable()} read-write, {@code /tmp} and
     * {@code view.privateDir()} private size-capped {@code tmpfs} mounts.
     *
     * @param bwrap the path of the {@code bwrap} executable
     */
    static List<String> args(String bwrap, Sandbox.View view) {
        List<String> a = new ArrayList<>(List.of(bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc",
                "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--disable-userns", "--die-with-parent",
                "--new-session", "--uid", Integer.toString(NOBODY), "--gid", Integer.toString(NOBODY),
                "--clearenv", "--setenv", "PATH", PATH, "--setenv", "LANG", "C.UTF-8",
                "--setenv", "JAVA_HOME", JAVA_HOME, "--setenv", "HOME", view.privateDir().toString()));
        a.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", top, top));
            }
        }
        for (String etc : List.of("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives")) {
            a.addAll(List.of("--ro-bind-try", etc, etc));
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        a.addAll(List.of("--size", Long.toString(TMPFS_BYTES), "--tmpfs", "/tmp"));
        Set<Path> readOnly = new LinkedHashSet<>();
        readOnly.addAll(Sandbox.systemPaths(Path.of(System.getProperty("java.home"))));
        for (Path p : view.readOnly()) {
            readOnly.add(p.toAbsolutePath().normalize());
            readOnly.addAll(Sandbox.systemPaths(p));
        }
        for (Path p : readOnly) {
            if (!p.startsWith("/usr") && !p.startsWith("/proc") && !p.startsWith("/dev")) {
                a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (Path p : view.writable()) {
            String s = p.toAbsolutePath().normalize().toString();
            a.addAll(List.of("--bind", s, s));
        }
        String home = view.privateDir().toAbsolutePath().normalize().toString();
        a.addAll(List.of("--size", Long.toString(TMPFS_BYTES), "--perms", "0700", "--tmpfs", home));
        a.addAll(List.of("--chdir", view.workingDir().toAbsolutePath().normalize().toString(), "--"));
        return a;
    }

    /** The probe's outcome, computed once per grader JVM (the machine does not change while it runs). */
    private static final class Probe {
        static final String RESULT = probeBubblewrap();
    }

    /**
     * Returns the path of a {@code bwrap} that works here, or (not starting with {@code /}) the reason
     * bubblewrap cannot be used: not installed, or no user namespaces in this container.
     */
    static String probe() {
        return Probe.RESULT;
    }

    /** Probes bwrap; returns its path when it works, otherwise the reason it does not. */
    private static String probeBubblewrap() {
        Path bwrap = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "bwrap");
            if (Files.isExecutable(candidate)) {
                bwrap = candidate.toAbsolutePath();
                break;
            }
        }
        if (bwrap == null) {
            return "bubblewrap (bwrap) is not installed; install the Debian package bubblewrap";
        }
        Sandbox s = new Sandbox(Sandbox.Level.BUBBLEWRAP, bwrap.toString(), "");
        try {
            Path dir = Files.createTempDirectory("kmemlab-probe");
            try {
                ProcessBuilder b = s.builder(List.of("/bin/true"), new Sandbox.View(List.of(), List.of(), dir));
                b.redirectErrorStream(true);
                Process p = b.start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "bubblewrap did not start within 20 s";
                }
                return p.exitValue() == 0 ? bwrap.toString()
                        : "bubblewrap cannot create namespaces here (" + out.strip() + ")";
            } finally {
                Files.deleteIfExists(dir);
            }
        } catch (IOException | RuntimeException e) {
            return "bubblewrap could not be started (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing bubblewrap";
        }
    }
}
