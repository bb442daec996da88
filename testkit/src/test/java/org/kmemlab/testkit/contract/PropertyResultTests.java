package org.kmemlab.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.property.Counterexample;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.RunResult;

class PropertyResultTests {

    private static final Effort EFFORT = new Effort(40, 50, 123456789L);

    @Test
    void aFailureReportShowsStepsInvariantExpectedActualAndReplay() {
        Counterexample c = new Counterexample(3, "zone = create(startPfn 8, frames 8, maxOrder 3)",
                List.of("1: p0 = allocate(order 1) -> pfn 8", "2: p1 = allocate(order 0) -> pfn 9"),
                "block at pfn 9 order 0 overlaps live block p0 at pfn 8 order 1",
                "a block whose frames are all free", "allocate(order 0) returned pfn 9", 37, 120);
        PropertyResult r = PropertyResult.of("page.no-overlap", "No two live blocks share a frame", "my-buddy",
                "mvn test -Dtest=MyBuddyTests", new RunResult(EFFORT, 3, 140, Optional.of(c), List.of()));
        assertEquals(false, r.passed());
        assertEquals(123456789L, r.seed());
        assertEquals("mvn test -Dtest=MyBuddyTests -Dkmemlab.seed=123456789", r.replayCommand());
        assertEquals("""
                page.no-overlap FAILED for my-buddy: No two live blocks share a frame
                seed 123456789, try 3 of 40; shrunk from 37 steps to 2:

                  0: zone = create(startPfn 8, frames 8, maxOrder 3)
                  1: p0 = allocate(order 1) -> pfn 8
                  2: p1 = allocate(order 0) -> pfn 9

                broken invariant: block at pfn 9 order 0 overlaps live block p0 at pfn 8 order 1
                  expected: a block whose frames are all free
                  actual:   allocate(order 0) returned pfn 9

                replay: mvn test -Dtest=MyBuddyTests -Dkmemlab.seed=123456789
                """, r.report());
    }

    @Test
    void aPassReportIsOneLinePlusWarnings() {
        PropertyResult r = PropertyResult.of("object.gfp-flags", "GFP flags", "my-slab", "mvn test",
                new RunResult(EFFORT, 40, 2000, Optional.empty(), List.of("objects are not naturally aligned")));
        assertEquals(true, r.passed());
        assertEquals(List.of(), r.steps());
        assertEquals("""
                object.gfp-flags passed for my-slab: GFP flags (40 tries of up to 50 steps, seed 123456789)
                warning: objects are not naturally aligned
                """, r.report());
    }
}
