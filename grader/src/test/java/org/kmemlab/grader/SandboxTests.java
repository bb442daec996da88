package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the sandbox wraps a process, and what a process inside bubblewrap sees. */
class SandboxTests {

    @TempDir
    Path dir;

    @Test
    void anUnknownOrImpossibleLevelIsAUsageErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sandbox.choose("docker"));
        assertEquals("--isolation docker is not one of auto, bubblewrap, user, none", e.getMessage());
        assertEquals(Sandbox.Level.NONE, Sandbox.choose("none").level());
        assertTrue(Sandbox.none().describe().startsWith("Isolation: none"), Sandbox.none().describe());
    }

    @Test
    void withoutIsolationOnlyTheEnvironmentIsEmptied() throws Exception {
        ProcessBuilder b = Sandbox.none().builder(List.of("/bin/true"), new Sandbox.View(List.of(), List.of(),
                dir.resolve("home")));
        assertEquals(List.of("/bin/true"), b.command());
        assertEquals(java.util.Set.of("PATH", "LANG", "JAVA_HOME", "HOME"), b.environment().keySet());
        assertEquals(System.getProperty("java.home"), b.environment().get("JAVA_HOME"));
        assertEquals(dir.resolve("home").toString(), b.environment().get("HOME"));
    }

    @Test
    void insideBubblewrapAProcessSeesOnlyItselfAnEmptyEnvironmentAndNoNetwork() throws Exception {
        Sandbox sandbox = Sandbox.choose("auto");
        Assumptions.assumeTrue(sandbox.level() == Sandbox.Level.BUBBLEWRAP,
                "bubblewrap is not usable on this machine (" + sandbox.describe() + "): sandbox test skipped");
        Path shown = Files.writeString(dir.resolve("shown.txt"), "read-only");
        Path home = dir.resolve("home");
        ProcessBuilder b = sandbox.builder(List.of("/bin/sh", "-c", """
                echo "procs=$(ls /proc | grep -c '^[0-9]')"
                echo "net=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ',')"
                echo "env=$(env | cut -d= -f1 | sort | tr '\\n' ',')"
                echo "shown=$(cat %1$s)"
                echo x >> %1$s 2>/dev/null && echo "wrote-shown" || echo "shown-read-only"
                echo x > %2$s/in-home && echo "home-writable"
                ls %3$s >/dev/null 2>&1 && echo "saw-root-home" || echo "no-root-home"
                """.formatted(shown, home, System.getProperty("user.home"))),
                new Sandbox.View(List.of(shown), List.of(), home));
        assertTrue(b.command().containsAll(List.of("--unshare-net", "--unshare-pid", "--die-with-parent",
                "--clearenv")), b.command().toString());
        b.redirectErrorStream(true);
        Process p = sandbox.start(b);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        sandbox.cleanUp(p);
        // bwrap's init, the shell and the command substitution's processes: a handful, never the host's.
        int procs = Integer.parseInt(out.lines().filter(l -> l.startsWith("procs=")).findFirst().orElseThrow()
                .substring(6));
        assertTrue(procs <= 5, out);
        assertTrue(out.contains("net=lo,\n"), "only the loopback interface: " + out);
        assertTrue(out.contains("env=HOME,JAVA_HOME,LANG,PATH,PWD,"), out);
        assertTrue(out.contains("shown=read-only") && out.contains("shown-read-only"), out);
        assertTrue(out.contains("home-writable"), out);
        assertFalse(Files.exists(home.resolve("in-home")), "the private folder is a tmpfs: " + out);
        if (!System.getProperty("user.home").startsWith("/usr")) {
            assertTrue(out.contains("no-root-home"), out);
        }
    }

    @Test
    void aRepositoryIsReadableByOthersOnlyWhenEveryFolderAboveItCanBeEntered() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("closed/repo"));
        Files.setPosixFilePermissions(dir.resolve("closed"), PosixFilePermissions.fromString("rwx------"));
        assertFalse(SubmissionBuilder.readableByOthers(repo));
        Path open = Files.createTempDirectory("kmemlab-open");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertTrue(SubmissionBuilder.readableByOthers(open));
        } finally {
            Files.delete(open);
        }
    }
}
