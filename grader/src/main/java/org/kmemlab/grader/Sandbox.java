package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.kmemlab.api.Checks;

/**
 * Contains a process that runs a student's code (the child JVM, or the build of a Maven submission) with
 * what the operating system offers, at one of three levels chosen once per grader.
 *
 * <h2>The levels</h2>
 * <ol>
 *   <li><b>{@link Level#BUBBLEWRAP}</b>: the process runs under <a href="https://github.com/containers/bubblewrap">
 *       bubblewrap</a> ({@code bwrap}) in new user, PID, IPC, network, UTS and (where possible) cgroup
 *       namespaces. Its file system is built from nothing: {@code /usr} and the JDK read-only, the
 *       libraries and the extracted submission read-only at the paths the grader uses, a fresh {@code /proc}
 *       that shows only the sandbox's own processes, a minimal {@code /dev}, and size-capped private
 *       {@code tmpfs} mounts for {@code /tmp} and the work folder, which vanish with the sandbox. Inside it
 *       runs as {@code nobody}, with an empty environment, in a new session, and dies with the grader
 *       ({@code --die-with-parent}). When the sandbox's first process ends, the kernel kills every process
 *       left in its PID namespace, so nothing the submission starts can outlive it.</li>
 *   <li><b>{@link Level#UNPRIVILEGED_USER}</b> (a grader running as root where bubblewrap cannot run, as in
 *       some containers): the process runs as the dedicated user {@value #USER} (created if missing) in a
 *       session of its own. That user cannot read the grader's {@code /proc/<pid>/environ}, its files or
 *       the read-only submission; when the grader's last sandboxed process ends, every process of that user
 *       is killed and its files in {@code /tmp}, {@code /var/tmp} and {@code /dev/shm} are removed. It still
 *       shares the network, {@code /tmp} while it runs, and may read whatever is world-readable. Two
 *       graders running at once as root on one machine share that user, so one's clean-up kills the
 *       other's children: run them in separate containers.</li>
 *   <li><b>{@link Level#NONE}</b>: neither is possible (an ordinary user without user namespaces): the
 *       process runs as the grader's user with only the grader's own measures (emptied environment, kill of
 *       the process tree, limits). Grade untrusted work elsewhere.</li>
 * </ol>
 * The level goes into every results file, so an instructor sees how a grade was contained.
 *
 * <h2>Probing</h2>
 * {@link #choose} runs {@code bwrap} once with the same namespaces on {@code /bin/true}: some containers
 * forbid user namespaces, and a sandbox that cannot start must not be mistaken for a submission that
 * crashed.
 *
 * <h2>Where the code is</h2>
 * This class chooses the level and builds, starts and cleans up after a process. The bubblewrap command
 * line and the probe are in {@link Bubblewrap}; the user level's work with the operating system (the user,
 * its folders, killing what it left) is in {@link SandboxUser}.
 */
public final class Sandbox {

    /** The dedicated user of {@link Level#UNPRIVILEGED_USER}. */
    public static final String USER = "kmemlab-grader";

    /**
     * The JDK every sandboxed process uses: the grader's own. A build's {@code mvn} and the child JVM find it
     * through {@code JAVA_HOME} and {@code PATH}, so they never fall back to the system's {@code /usr/bin/java},
     * which may be another JDK whose files (a Debian JDK's {@code conf/} links into {@code /etc}) the sandbox
     * does not show.
     */
    static final String JAVA_HOME = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize()
            .toString();

    /** The search path of a sandboxed process: the grader's JDK first, then the system's folders. */
    static final String PATH = JAVA_HOME + "/bin:/usr/local/bin:/usr/bin:/bin";

    /** How a process is contained; see the class comment. */
    public enum Level {
        /** bubblewrap namespaces. */
        BUBBLEWRAP("bubblewrap", "bubblewrap sandbox (new user, PID, IPC and network namespaces, read-only"
                + " submission and JDK, private size-capped /tmp and work folder, empty environment)"),
        /** A dedicated unprivileged user. */
        UNPRIVILEGED_USER("user", "dedicated unprivileged user " + USER + " (no namespaces; every process of that"
                + " user is killed at the end)"),
        /** No operating-system isolation. */
        NONE("none", "none (the submission ran as the grader's user, contained only by time, memory and thread"
                + " limits)");

        private final String key;
        private final String description;

        Level(String key, String description) {
            this.key = key;
            this.description = description;
        }

        /** Returns the option value: {@code bubblewrap}, {@code user} or {@code none}. */
        public String key() {
            return key;
        }

        /** Returns one sentence for results files. */
        public String description() {
            return description;
        }
    }

    private final Level level;
    private final String bwrap;
    private final String why;

    Sandbox(Level level, String bwrap, String why) {
        this.level = level;
        this.bwrap = bwrap;
        this.why = why;
    }

    /** Returns a sandbox that contains nothing (for tests of other things, and {@code --isolation none}). */
    public static Sandbox none() {
        return new Sandbox(Level.NONE, null, "asked for");
    }

    /**
     * Chooses the level: {@code auto} takes the strongest that works here; {@code bubblewrap}, {@code user}
     * and {@code none} insist on one.
     *
     * @throws IllegalArgumentException when the requested level is unknown or cannot work on this machine
     */
    public static Sandbox choose(String requested) {
        Checks.requireNonNull(requested, "isolation");
        String r = requested.toLowerCase(Locale.ROOT);
        Checks.requireArgument(List.of("auto", "bubblewrap", "user", "none").contains(r),
                "--isolation %s is not one of auto, bubblewrap, user, none", requested);
        if (r.equals("none")) {
            return new Sandbox(Level.NONE, null, "asked for with --isolation none");
        }
        String probe = Bubblewrap.probe();
        if (r.equals("bubblewrap") || (r.equals("auto") && probe.startsWith("/"))) {
            Checks.requireArgument(probe.startsWith("/"), "--isolation bubblewrap: %s", probe);
            return new Sandbox(Level.BUBBLEWRAP, probe, "");
        }
        boolean root = SandboxUser.isRoot();
        if (r.equals("user") || root) {
            Checks.requireArgument(root, "--isolation user needs a grader running as root (it switches to %s)",
                    USER);
            SandboxUser.ensureUser();
            return new Sandbox(Level.UNPRIVILEGED_USER, null, r.equals("user") ? "asked for with --isolation user"
                    : probe);
        }
        return new Sandbox(Level.NONE, null, probe + ", and the grader is not root");
    }

    /** Returns the level. */
    public Level level() {
        return level;
    }

    /** Returns the sentence every results file carries: the level and, for a fallback, why. */
    public String describe() {
        String s = "Isolation: " + level.description();
        return why.isEmpty() || level == Level.BUBBLEWRAP ? s + "." : s + ". Why: " + why + ".";
    }

    /**
     * What one sandboxed process may see.
     *
     * @param readOnly files and folders visible read-only at their own paths (libraries, the submission)
     * @param writable folders visible read-write at their own paths (a build's copy); MUST be few
     * @param privateDir a folder that the process sees as an empty private {@code tmpfs} (bubblewrap) or
     *                   gets as its own (user level); its home and temporary folder
     * @param workingDir where the process starts: {@code privateDir} or one of {@code writable}
     */
    record View(List<Path> readOnly, List<Path> writable, Path privateDir, Path workingDir) {

        /** Copies the lists. */
        View {
            readOnly = List.copyOf(readOnly);
            writable = List.copyOf(writable);
            Checks.requireNonNull(privateDir, "private folder");
            Checks.requireNonNull(workingDir, "working folder");
        }

        /** A view whose process starts in its private folder. */
        View(List<Path> readOnly, List<Path> writable, Path privateDir) {
            this(readOnly, writable, privateDir, privateDir);
        }
    }

    /**
     * Returns a process builder for {@code command} contained as this sandbox's level says: the command
     * wrapped, an emptied environment ({@code PATH}, {@code LANG}, {@code JAVA_HOME}, {@code HOME}), working folder
     * {@code view.privateDir()}.
     */
    ProcessBuilder builder(List<String> command, View view) throws IOException {
        Files.createDirectories(view.privateDir());
        List<String> cmd = new ArrayList<>();
        String home = view.privateDir().toString();
        switch (level) {
            case BUBBLEWRAP -> cmd.addAll(Bubblewrap.args(bwrap, view));
            case UNPRIVILEGED_USER -> {
                SandboxUser.openForUser(view);
                cmd.addAll(SandboxUser.COMMAND_PREFIX);
            }
            case NONE -> {
            }
        }
        cmd.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.directory(view.workingDir().toFile());
        Map<String, String> env = builder.environment();
        // The submission sees no tokens or secrets of the grader's environment (CI runners keep some there).
        env.clear();
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", JAVA_HOME);
        env.put("HOME", home);
        return builder;
    }

    /** Starts {@code builder}, counting the process for {@link #cleanUp} at the user level. */
    Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        if (level == Level.UNPRIVILEGED_USER) {
            SandboxUser.started();
        }
        return p;
    }

    /**
     * Kills everything the process left behind, after it ended or was killed: at the user level its
     * session's process group and, when no other sandboxed process of this grader runs, every process of
     * {@value #USER} and that user's files in the shared temporary folders. Under bubblewrap the kernel
     * already did this (the PID namespace died with its first process). MUST be called once per
     * {@link #start}.
     */
    void cleanUp(Process process) {
        ChildJvm.killTree(process);
        if (level == Level.UNPRIVILEGED_USER) {
            SandboxUser.ended(process);
        }
    }

    /**
     * Returns the JVM of a process started by {@link #builder}: the process itself, or under bubblewrap the
     * first {@code java} among its descendants (bwrap and its init process stand between), once it exists.
     */
    Optional<ProcessHandle> jvm(Process process) {
        if (level != Level.BUBBLEWRAP) {
            return Optional.of(process.toHandle());
        }
        return process.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .min((a, b) -> Long.compare(a.pid(), b.pid()));
    }

    /**
     * Returns the real paths that {@code root} reaches through symbolic links outside {@code /usr} (a
     * Debian JDK's {@code conf} and {@code cacerts} point into {@code /etc}; Maven's {@code conf} too), plus
     * the real path of {@code root} itself when it is a link.
     */
    static List<Path> systemPaths(Path root) {
        return SYSTEM_PATHS.computeIfAbsent(root.toAbsolutePath().normalize(), Sandbox::findSystemPaths);
    }

    /** The links found under a folder, per folder: the JDK's and Maven's do not change while the grader runs. */
    private static final java.util.concurrent.ConcurrentMap<Path, List<Path>> SYSTEM_PATHS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static List<Path> findSystemPaths(Path root) {
        List<Path> out = new ArrayList<>();
        if (!Files.exists(root)) {
            return List.of();
        }
        try {
            Path real = root.toRealPath();
            if (!real.equals(root.toAbsolutePath().normalize())) {
                out.add(real);
            }
            if (!Files.isDirectory(real) || !real.startsWith("/usr")) {
                return List.copyOf(out);
            }
            try (Stream<Path> s = Files.walk(real)) {
                for (Path p : s.filter(Files::isSymbolicLink).toList()) {
                    try {
                        Path target = p.toRealPath();
                        if (!target.startsWith("/usr") && !out.contains(target)) {
                            out.add(target);
                        }
                    } catch (IOException dangling) {
                        // A link to nothing (a JDK's optional file): nothing to show.
                    }
                }
            }
        } catch (IOException e) {
            return List.copyOf(out);
        }
        return List.copyOf(out);
    }
}
