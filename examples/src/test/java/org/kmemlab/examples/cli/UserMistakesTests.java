package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.examples.Run;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Mistakes a newcomer makes, tried as the audit of the sixth session tried them: each is one line that
 * names the problem and what to do, exit status 2, no stack trace, checked before any work, and nothing
 * already on disk lost.
 */
class UserMistakesTests {

    private static Run mistake(String... args) {
        Run run = Run.kmemlab(args);
        assertEquals(2, run.status(), run.out() + run.err());
        KmemlabCommandTests.assertOneLine(run.err());
        return run;
    }

    @Test
    void anUnknownExperimentListsTheExperiments() {
        assertEquals("kmemlab: unknown experiment 'bogus'; choose one of gfp, dma-drain (see 'kmemlab experiment"
                + " --help')", mistake("experiment", "bogus").err().strip());
    }

    @Test
    void wholeNumberOptionsSayWhatAWholeNumberIsInsteadOfNamingJavaTypes() {
        assertEquals("kmemlab: Invalid value for option '--seed': 'abc' is not a whole number; write one such as 1996"
                + " (see 'kmemlab info --help')", mistake("info", "--seed", "abc").err().strip());
        assertTrue(mistake("info", "--seed", "99999999999999999999").err().contains("'99999999999999999999' is too"
                + " large; write a whole number from -9223372036854775808 to 9223372036854775807"));
        assertTrue(mistake("map", "--load", "4x").err().contains("'4x' is not a whole number"));
        assertTrue(mistake("experiment", "gfp", "--levels", "0,fifty").err().contains("'fifty' is not a whole number"));
        assertEquals(0, Run.small("info", "--show", "meminfo", "--seed", "-5").status(), "a negative seed is a seed");
    }

    @Test
    void anOptionOtherCommandsTakeNamesThoseCommands() {
        assertEquals("kmemlab: 'kmemlab compare' does not take --profile; 'kmemlab tour', 'kmemlab lesson',"
                + " 'kmemlab experiment gfp', 'kmemlab replay', 'kmemlab map', 'kmemlab info' do (see 'kmemlab"
                + " compare --help')", mistake("compare", "--profile", "x86_64").err().strip());
        assertTrue(mistake("experiment", "dma-drain", "--pages=x").err().startsWith("kmemlab: 'kmemlab experiment"
                + " dma-drain' does not take --pages; "));
        assertEquals("kmemlab: Unknown option: '--colour' (see 'kmemlab info --help')",
                mistake("info", "--colour").err().strip(), "an option no command takes keeps picocli's words");
    }

    @Test
    void aRamSizeThatIsNegativeOrTooLargeSaysHowToWriteOne() {
        assertEquals("kmemlab: size '-1G' is negative: write a number with an optional unit K, M, G or T (binary),"
                + " for example 16M or 1G", mistake("info", "--ram", "-1G").err().strip());
        assertTrue(mistake("info", "--ram", "99999999999999999999G").err().startsWith("kmemlab:"
                + " '99999999999999999999G' is too large: write a number"));
        assertTrue(mistake("info", "--ram", "9000000000T").err().startsWith("kmemlab: '9000000000T' is too large"));
    }

    @Test
    void anUnquotedPathWithSpacesIsNamedAsSuch(@TempDir Path dir) {
        String err = mistake("map", "--png", dir + "/my", "maps/m.png").err();
        assertTrue(err.contains("unexpected argument 'maps/m.png'; a path with spaces must be quoted"), err);
        err = mistake("map", "--html", dir + "/my", "pages/p", "q.html").err();
        assertTrue(err.contains("unexpected arguments 'pages/p', 'q.html'; a path with spaces must be quoted"), err);
    }

    @Test
    void aSlabProviderThatDoesNotExistIsRefusedAtBootLikeTheOthers() {
        for (String option : List.of("--pages", "--objects", "--zones", "--slabs")) {
            String err = mistake("info", option, "nosuch").err();
            assertTrue(err.contains("named \"nosuch\"; installed: "), option + ": " + err);
            assertTrue(err.contains("choose one of them, or put the jar that provides yours on KMEMLAB_PATH"), err);
        }
    }

    @Test
    void aTraceThatIsAFolderOrMissingIsNamedWithWhatToDo(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("traces.rep"));
        assertEquals("kmemlab: " + folder + " is a folder, not a trace file; name a file in it",
                mistake("replay", folder.toString()).err().strip());
        String err = mistake("replay", "examples/traces/nowhere.rep").err();
        assertTrue(err.contains("(looked for in " + Path.of("").toAbsolutePath() + ")"), err);
        assertTrue(err.contains("the sample traces are in"), err);
    }

    @Test
    void everyOutputPathIsCheckedBeforeTheWork(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("out"));
        Path file = Files.writeString(dir.resolve("old.html"), "kept");
        Path missing = dir.resolve("no-such-folder");
        List<String[]> cases = List.of(
                new String[] {"map", "--png", folder.toString()},
                new String[] {"map", "--html", folder.toString()},
                new String[] {"experiment", "gfp", "--png", folder.toString()},
                new String[] {"experiment", "gfp", "--html", folder.toString()},
                new String[] {"lesson", "unwind", "--html", folder.toString()},
                new String[] {"replay", "examples/traces/x.rep", "--html", folder.toString()},
                new String[] {"map", "--png", missing.resolve("m.png").toString()},
                new String[] {"lesson", "unwind", "--html", missing.resolve("l.html").toString()},
                new String[] {"tour", "--html", file.toString()},
                new String[] {"tour", "--html", missing.resolve("deeper/tour").toString()});
        for (String[] args : cases) {
            Run run = mistake(args);
            assertEquals("", run.out(), "work started before the output path was checked: " + String.join(" ", args));
            String err = run.err();
            assertTrue(err.contains(" is a folder; name a file in it, e.g. ") || err.contains(": no such folder ")
                    || err.contains(" is a file, not a folder; name a folder"), String.join(" ", args) + ": " + err);
        }
        assertEquals("kept", Files.readString(file));
        assertFalse(Files.exists(missing));
    }

    @Test
    void anInterruptedOrFailedWriteLeavesTheOldFileAndNoLeftovers(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("map.png"), "the old picture");
        assertThrows(IOException.class, () -> Commands.write(file, path -> {
            Files.writeString(path, "half a pic");
            throw new IOException("disk full");
        }));
        assertEquals("the old picture", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "a temporary file was left behind");
        }
        Commands.write(file, path -> Files.writeString(path, "the new picture"));
        assertEquals("the new picture", Files.readString(file));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            assertEquals("r--", mode.substring(6), "others can read what kmemlab writes (umask 022): " + mode);
        }
    }

    @Test
    void ordersAboveTheErasLargestBlockAreRefusedNotMeasuredAsFailures() {
        assertEquals("kmemlab: --orders 6 is above the largest block of this machine's era (LINUX_2_0: order 5, 128"
                + " KiB); choose orders 0..5", mistake("experiment", "gfp", "--orders", "6", "--levels", "0")
                .err().strip());
    }

    /**
     * Every command's help, found from the command line itself so that a new command is covered: its
     * first description line is the summary the parent's command list shows, so it MUST be a sentence of
     * its own; every line MUST end a sentence or clause, because picocli starts each on a new line.
     */
    @Test
    void everyCommandsDescriptionIsMadeOfWholeSentences() {
        List<String> problems = new ArrayList<>();
        collect(KmemlabCommand.commandLine(false), problems);
        assertEquals(List.of(), problems);
    }

    private static void collect(CommandLine cl, List<String> problems) {
        CommandSpec spec = cl.getCommandSpec();
        String[] description = spec.usageMessage().description();
        for (int i = 0; i < description.length; i++) {
            String line = description[i].strip();
            if (!line.isEmpty() && !line.endsWith(".") && !line.endsWith(":")) {
                problems.add(spec.qualifiedName() + " description line " + (i + 1) + " breaks a sentence: " + line);
            }
        }
        for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
            if (!sub.getKey().equals("help")) {
                collect(sub.getValue(), problems);
            }
        }
    }
}
