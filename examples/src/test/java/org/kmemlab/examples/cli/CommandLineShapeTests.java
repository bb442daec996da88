package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.Run;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.ResolvedSettings;

/**
 * The shape of the command line an engineer tries first: options before the command, KMEMLAB_PATH
 * typos, help that wraps, and a failing lesson that says whom to suspect.
 */
class CommandLineShapeTests {

    @Test
    void commonOptionsMayComeBeforeTheCommand() {
        Run run = Run.kmemlab("--profile", "x86_64", "--ram", "64M", "info", "--show", "meminfo");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("x86_64"), run.out());
        assertTrue(run.out().contains("64 MiB"), run.out());
        assertArrayEquals(new String[] {"map", "--seed=7", "-q", "--zones", "z", "--png", "x.png"},
                KmemlabCommand.withDefaultCommand(new String[] {"--seed=7", "-q", "--zones", "z", "map", "--png",
                    "x.png"}));
        assertArrayEquals(new String[] {"tour", "--ram", "64M"},
                KmemlabCommand.withDefaultCommand(new String[] {"--ram", "64M"}));
        assertArrayEquals(new String[] {"grade", "--quiet", "a.jar"},
                KmemlabCommand.withDefaultCommand(new String[] {"--quiet", "grade", "a.jar"}));
    }

    @Test
    void aKmemlabPathEntryThatDoesNotExistIsNamedInAWarning(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("real.jar"), "");
        String path = jar + ":" + dir.resolve("my-budy.jar") + "::" + dir;
        assertEquals(List.of(dir.resolve("my-budy.jar").toString()), KmemlabPath.missingEntries(path));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        KmemlabPath.warnMissing(path, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("kmemlab: warning: KMEMLAB_PATH entry '" + dir.resolve("my-budy.jar") + "' does not exist; it is"
                + " ignored (build the jar first, or fix the path)\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), KmemlabPath.missingEntries(null));
    }

    @Test
    void helpTextWrapsAtWordsWithinEightyColumns() {
        for (String command : List.of("map", "tour", "lesson", "info", "replay", "experiment", "experiment gfp",
                "experiment dma-drain", "compare")) {
            Run run = Run.kmemlab((command + " --help").split(" "));
            assertEquals(0, run.status(), run.err());
            // The description: after the usage synopsis, before the first option.
            List<String> lines = new java.util.ArrayList<>();
            boolean synopsis = true;
            for (String line : run.out().split("\n")) {
                if (synopsis && (line.startsWith("Usage:") || line.startsWith("        "))) {
                    continue;
                }
                synopsis = false;
                if (line.matches("\\s+-.*")) {
                    break;
                }
                lines.add(line);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                assertTrue(line.length() <= 80, command + " --help has a line of " + line.length() + ":\n" + run.out());
                // A line cut short in mid-sentence: a paragraph broken by hand and then wrapped again.
                boolean last = i == lines.size() - 1 || lines.get(i + 1).isBlank() || line.isBlank();
                assertTrue(last || line.length() >= 40 || line.endsWith(".") || line.endsWith(":"),
                        command + " --help breaks a line mid-sentence: '" + line + "'\n" + run.out());
            }
        }
        String map = Run.kmemlab("map", "--help").out().replaceAll("\\s+", " ");
        assertTrue(map.contains("small and large kmallocs, __get_free_pages, then frees a random part of it"), map);
    }

    @Test
    void aFailingLessonWithAStudentsProviderNamesItAsTheSuspect() {
        ResolvedSettings student = Kernel.builder().commandLine("pages", "bob-buddy").commandLine("profile", "x86_64")
                .resolve();
        String text = LessonCommand.suspects(student);
        assertEquals("""
                kmemlab: this kernel runs providers that are not kmemlab's references; suspect them first:
                kmemlab:   page allocator bob-buddy, checked by PageAllocatorContract
                kmemlab: run that SPI's contract on the provider (mvn test in its project, or kmemlab grade JAR --spi SPI),
                kmemlab: and see memory as it leaves it: kmemlab map --pages bob-buddy
                """, text);
        assertEquals("", LessonCommand.suspects(Kernel.builder().commandDefault("profile",
                MachineProfile.I386_LINUX_2_0.name()).resolve()), "no suspects among the references");
    }
}
