package org.kmemlab.grader;

import static org.kmemlab.grader.Sandbox.USER;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.kmemlab.api.Checks;

/**
 * The {@link Sandbox.Level#UNPRIVILEGED_USER} level's work with the operating system: creating the
 * dedicated user {@value Sandbox#USER}, letting it reach the folders a process may see, switching to it
 * ({@code setsid} and {@code setpriv}), and, when the grader's last process of that user ends, killing
 * whatever the user left running and removing its files from the shared temporary folders. The level itself
 * (what it protects and what it does not) is described in {@link Sandbox}.
 */
final class SandboxUser {

    /**
     * What a command is prefixed with: a session of its own ({@code setsid}, so its process group can be
     * killed), run as {@value Sandbox#USER} without supplementary groups or new privileges, killed when
     * the grader dies.
     */
    static final List<String> COMMAND_PREFIX = List.of("setsid", "setpriv", "--reuid=" + USER, "--regid=" + USER,
            "--clear-groups", "--no-new-privs", "--pdeathsig=KILL", "--");

    /**
     * Sandboxed processes of this grader still running at the user level; every process of {@value Sandbox#USER}
     * is killed only when the last one ends, so parallel children do not kill each other.
     */
    private static final AtomicInteger LIVE_USER_PROCESSES = new AtomicInteger();

    private SandboxUser() {
    }

    /** Counts a process started at the user level; {@link #ended} MUST follow once. */
    static void started() {
        LIVE_USER_PROCESSES.incrementAndGet();
    }

    /**
     * Kills what a process started at the user level left behind: its session's process group and, when no
     * other such process of this grader runs, every process of {@value Sandbox#USER} and that user's files
     * in the shared temporary folders.
     */
    static void ended(Process process) {
        // setsid made the process the leader of a new process group with its own id.
        runQuietly(List.of("kill", "-KILL", "--", "-" + process.pid()));
        if (LIVE_USER_PROCESSES.decrementAndGet() == 0) {
            killUserProcesses();
            for (String shared : List.of("/tmp", "/var/tmp", "/dev/shm")) {
                removeOwnedBy(Path.of(shared));
            }
        }
    }

    /** Returns true when the grader runs as root (uid 0). */
    static boolean isRoot() {
        try {
            return "0".equals(Files.readString(Path.of("/proc/self/status")).lines()
                    .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[1]).findFirst().orElse(""));
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates {@value Sandbox#USER} (a system user without home or shell) when it does not exist yet. */
    static void ensureUser() {
        if (runQuietly(List.of("id", "-u", USER)) == 0) {
            return;
        }
        int rc = runQuietly(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                "--user-group", USER));
        Checks.requireArgument(rc == 0 || runQuietly(List.of("id", "-u", USER)) == 0,
                "cannot create the user %s (useradd exited with %s); create it or install bubblewrap", USER, rc);
    }

    /** Lets {@value Sandbox#USER} reach the read-only paths and own its private folder. */
    static void openForUser(Sandbox.View view) throws IOException {
        UserPrincipal user = view.privateDir().getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(USER);
        Files.setOwner(view.privateDir(), user);
        for (Path p : view.writable()) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.toList()) {
                    Files.setOwner(f, user);
                }
            }
        }
        List<Path> all = new ArrayList<>(view.readOnly());
        all.add(view.privateDir());
        all.addAll(view.writable());
        // Traversal only (no listing) for the grader's own folders under the temporary folder (its default
        // work folder is made there 0700); folders elsewhere are left as they are, so a --work folder
        // outside it MUST already be reachable by the user.
        Path temp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p : all) {
            for (Path up = p.toAbsolutePath().normalize().getParent(); up != null && up.startsWith(temp)
                    && !up.equals(temp); up = up.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(up);
                if (perms.add(PosixFilePermission.OTHERS_EXECUTE)) {
                    Files.setPosixFilePermissions(up, perms);
                }
            }
        }
    }

    private static void killUserProcesses() {
        ProcessHandle.allProcesses()
                .filter(h -> h.info().user().map(USER::equals).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private static void removeOwnedBy(Path shared) {
        if (!Files.isDirectory(shared)) {
            return;
        }
        try (Stream<Path> s = Files.list(shared)) {
            for (Path p : s.toList()) {
                if (Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(USER)) {
                    WorkFolders.delete(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a file that cannot be removed stays, and the next clean-up tries again.
        }
    }

    private static int runQuietly(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
