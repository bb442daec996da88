package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmemlab.examples.Run;

class KmemlabCommandTests {

    @Test
    void helpListsEveryCommand() {
        Run run = Run.kmemlab("--help");
        assertEquals(0, run.status(), run.err());
        for (String command : new String[] {"tour", "lesson", "experiment", "replay", "map", "info", "compare", "grade"}) {
            assertTrue(run.out().contains("\n  " + command + " "), command + " missing from:\n" + run.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tour", "lesson", "experiment", "replay", "map", "info", "compare"})
    void everyCommandHasHelp(String command) {
        Run run = Run.kmemlab(command, "--help");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("Usage: kmemlab " + command), run.out());
    }

    @Test
    void faultInjectionHelpIsPrintedAsWrittenNotAsAFormatString() {
        Run run = Run.kmemlab("tour", "--help");
        assertEquals(0, run.status(), run.err());
        String help = run.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("<interval>, <probability in percent>,<space>,<times>"), run.out());
    }

    @Test
    void experimentGfpHasHelp() {
        Run run = Run.kmemlab("experiment", "gfp", "--help");
        assertEquals(0, run.status());
        assertTrue(run.out().contains("--png=FILE"), run.out());
        assertTrue(run.out().contains("--seed=N"), run.out());
    }

    @Test
    void gradeHandsItsArgumentsToTheAutograder() {
        Run run = Run.kmemlab("grade", "--help");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("Usage: kmemlab grade SUBMISSION"), run.out());
        Run helpGrade = Run.kmemlab("help", "grade");
        assertTrue(helpGrade.out().contains("kmemlab grade --help"), helpGrade.out());
        Run rubric = Run.kmemlab("grade", "--print-rubric", "page");
        assertEquals(0, rubric.status(), rubric.err());
        assertTrue(rubric.out().contains("spi: page"), rubric.out());
        assertEquals(2, Run.kmemlab("grade", "--no-such-option").status());
    }

    @Test
    void anUnknownOptionIsOneLineAndStatusTwo() {
        Run run = Run.kmemlab("info", "--colour");
        assertEquals(2, run.status());
        assertEquals("kmemlab: Unknown option: '--colour' (see 'kmemlab info --help')", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void anUnknownCommandIsOneLine() {
        Run run = Run.kmemlab("frobnicate");
        assertEquals(2, run.status());
        assertEquals("kmemlab: unknown command 'frobnicate'; choose one of tour, lesson, experiment, replay, map, info,"
                + " compare, grade (see 'kmemlab --help')", run.err().strip());
    }

    @Test
    void anUnknownProfileIsOneLine() {
        Run run = Run.kmemlab("info", "--profile", "vax");
        assertEquals(2, run.status());
        assertEquals("kmemlab: unknown profile 'vax'; use i386 or x86_64", run.err().strip());
    }

    @Test
    void aBadRamSizeIsOneLine() {
        Run run = Run.kmemlab("info", "--profile", "x86_64", "--ram", "lots");
        assertEquals(2, run.status());
        assertOneLine(run.err());
        assertTrue(run.err().startsWith("kmemlab: 'lots' is not a size"), run.err());
    }

    @Test
    void anUnknownProviderListsTheInstalledOnes() {
        Run run = Run.small("info", "--pages", "nobody-buddy");
        assertEquals(2, run.status());
        assertOneLine(run.err());
        assertTrue(run.err().contains("no PageAllocatorProvider named \"nobody-buddy\""), run.err());
        assertTrue(run.err().contains("buddy-reference"), run.err());
    }

    @Test
    void anUnknownLessonListsTheLessons() {
        Run run = Run.kmemlab("lesson", "segfaults");
        assertEquals(2, run.status());
        assertOneLine(run.err());
        assertTrue(run.err().contains("no lesson 'segfaults'; the lessons are 1 check-returns, 2 unwind"), run.err());
    }

    @Test
    void aMissingTraceIsOneLine() {
        Run run = Run.kmemlab("replay", "no/such/file.rep");
        assertEquals(2, run.status());
        assertEquals("kmemlab: no/such/file.rep: no such trace file (looked for in "
                + java.nio.file.Path.of("").toAbsolutePath() + "); " + ReplayCommand.sampleTraces(), run.err().strip());
    }

    @Test
    void anExperimentNeedsAName() {
        Run run = Run.kmemlab("experiment");
        assertEquals(2, run.status());
        assertOneLine(run.err());
    }

    @Test
    void optionsWithoutACommandRunTheTour() {
        Run run = Run.kmemlab("--quiet", "--profile", "vax");
        assertEquals(2, run.status());
        assertEquals("kmemlab: unknown profile 'vax'; use i386 or x86_64", run.err().strip());
    }

    @Test
    void versionPrintsOneLine() {
        Run run = Run.kmemlab("--version");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("kmemlab "), run.out());
    }

    static void assertOneLine(String err) {
        assertFalse(err.strip().contains("\n"), "more than one line:\n" + err);
        assertFalse(err.contains("\tat "), "a stack trace:\n" + err);
        assertTrue(err.startsWith("kmemlab: "), err);
    }
}
