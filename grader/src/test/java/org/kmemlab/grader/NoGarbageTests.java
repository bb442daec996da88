package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The no-garbage SHOULD rule graded remotely: measured in the submission's JVM, it warns about an
 * allocator that allocates Java objects in allocate and free, and not about one that does not (the
 * grader's own channel allocates on every call, and is not counted).
 */
class NoGarbageTests {

    @TempDir
    Path dir;

    private static final String RUBRIC = """
            spi: page
            effort: { tries: 2, steps: 10 }
            groups: [{ name: contract, properties: [{ id: page.range-alignment, weight: 2 }] }]
            """;

    private GradeReport grade(Path jar) throws Exception {
        Rubric rubric = RubricLoader.load(GradeFixtures.rubric(dir, "r.yaml", RUBRIC));
        return Grader.grade(jar, GradeFixtures.options(dir.resolve("work-" + jar.getFileName()),
                Map.of(Spi.PAGE, rubric), List.of()));
    }

    @Test
    void anAllocatorThatAllocatesInAllocateIsWarnedAndOneThatDoesNotIsNot() throws Exception {
        GradeReport clean = grade(GradeFixtures.studentBuddy(dir, "clean", text -> text));
        assertEquals(2, clean.score(), clean.output());
        assertFalse(clean.output().contains("page.no-garbage"), clean.output());

        String allocate = "public long allocate(int order) {";
        // The array escapes into a field, so the JIT's escape analysis cannot remove it.
        GradeReport boxing = grade(GradeFixtures.studentBuddy(dir, "boxing", text -> text
                .replaceFirst("(class BuddyAllocator[^{]*\\{)", "$1 private Object kept;")
                .replace(allocate, allocate + " kept = new long[8];")));
        assertEquals(2, boxing.score(), "a SHOULD rule costs no points: " + boxing.output());
        assertTrue(boxing.output().contains("**Warning** (student-buddy, a SHOULD rule, no points): page.no-garbage"
                + " (SHOULD): ") && boxing.output().contains("measured in your JVM"), boxing.output());
    }
}
