package org.kmemlab.testkit.contract.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.support.AllocatedBytes;

class NoGarbageTests {

    /** Keeps the garbage of the boxing pairs reachable until they end, so no allocation is optimised away. */
    private static Object sink;

    @BeforeEach
    void theJvmCountsAllocatedBytes() {
        AllocatedBytes counter = AllocatedBytes.counter();
        assumeTrue(counter != null && counter.calibrated(), "this JVM does not count allocated bytes per thread");
    }

    @Test
    void pairsThatAllocateGiveOneWarningCitingTheRule() {
        NoGarbage noGarbage = new NoGarbage();
        IntConsumer boxing = pairs -> {
            for (int i = 0; i < pairs; i++) {
                sink = new long[2];
            }
        };
        List<String> first = noGarbage.warnings(List.of("earlier warning"), Rule.PAGE_NO_GARBAGE, "boxing?",
                () -> boxing);
        assertEquals(2, first.size(), first.toString());
        assertEquals("earlier warning", first.get(0));
        assertTrue(first.get(1).startsWith("page.no-garbage (SHOULD): "), first.get(1));
        assertTrue(first.get(1).contains(NoGarbage.PAIRS + " allocate/free pairs (boxing?)"), first.get(1));
        // Measured once per property run: later calls only pass the chain's warnings on.
        assertEquals(List.of("later"), noGarbage.warnings(List.of("later"), Rule.PAGE_NO_GARBAGE, "boxing?",
                () -> boxing));
        assertTrue(sink instanceof long[]);
    }

    @Test
    void pairsThatAllocateNothingGiveNoWarning() {
        int[] ran = {0};
        List<String> warnings = new NoGarbage().warnings(List.of(), Rule.OBJECT_NO_GARBAGE, "boxing?",
                () -> pairs -> ran[0] += pairs);
        assertEquals(List.of(), warnings);
        assertEquals(2 * NoGarbage.PAIRS, ran[0], "a warm-up run and the measured run");
    }

    @Test
    void nothingToMeasureOrABrokenAllocatorGivesNoWarning() {
        assertEquals(List.of(), new NoGarbage().warnings(List.of(), Rule.OBJECT_NO_GARBAGE, "x", () -> null));
        assertEquals(List.of(), new NoGarbage().warnings(List.of(), Rule.PAGE_NO_GARBAGE, "x", () -> {
            throw new IllegalStateException("the provider could not create an allocator");
        }));
        assertEquals(List.of(), new NoGarbage().warnings(List.of(), Rule.PAGE_NO_GARBAGE, "x", () -> pairs -> {
            throw new IllegalStateException("allocate threw");
        }));
    }
}
