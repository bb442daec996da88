package org.kmemlab.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                "a block whose frames are all free", "allocate(order 0) returned pfn 9", 37, 120,
                Rule.PAGE_NO_OVERLAP.id(), Rule.PAGE_NO_OVERLAP.quote(), List.of());
        // The engine ran 15 tries (looking for a shorter counterexample after try 3); the report names try 3.
        PropertyResult r = PropertyResult.of("page.no-overlap", "No two live blocks share a frame", "my-buddy",
                "mvn test -Dtest=MyBuddyTests", new RunResult(EFFORT, 15, 140, Optional.of(c), List.of(), 77));
        assertEquals(false, r.passed());
        assertEquals(123456789L, r.seed());
        assertEquals(3, r.failingTry());
        assertEquals("page.no-overlap", r.rule());
        assertEquals(77, r.operations());
        assertEquals("mvn test -Dtest=MyBuddyTests -Dkmemlab.property=page.no-overlap -Dkmemlab.seed=123456789",
                r.replayCommand());
        assertEquals("""
                page.no-overlap FAILED for my-buddy: broke page.no-overlap
                  the SPI says: PageAllocator: allocate MUST NOT return a block that overlaps any live block: all its frames are free before the call.
                  property: No two live blocks share a frame
                seed 123456789, try 3 of 40; shrunk from 37 steps to 2:

                  0: zone = create(startPfn 8, frames 8, maxOrder 3)
                  1: p0 = allocate(order 1) -> pfn 8
                  2: p1 = allocate(order 0) -> pfn 9

                broken invariant: block at pfn 9 order 0 overlaps live block p0 at pfn 8 order 1
                  expected: a block whose frames are all free
                  actual:   allocate(order 0) returned pfn 9

                replay: mvn test -Dtest=MyBuddyTests -Dkmemlab.property=page.no-overlap -Dkmemlab.seed=123456789
                """, r.report());
    }

    @Test
    void aFailureAtCreationSaysSoInsteadOfShrinkingNothing() {
        Counterexample c = new Counterexample(1, "zone = create(startPfn 0, frames 4, maxOrder 2)", List.of(),
                "freeFrames() must equal the frames not in live blocks", "4 free frames", "5 free frames", 0, 1,
                Rule.PAGE_ACCOUNTING.id(), Rule.PAGE_ACCOUNTING.quote(), List.of());
        PropertyResult r = PropertyResult.of("page.accounting", "Accounting", "my-buddy", "mvn test",
                new RunResult(EFFORT, 1, 0, Optional.of(c), List.of(), 0));
        assertTrue(r.report().contains("seed 123456789, try 1 of 40; wrong right after creation, before any step:"),
                r.report());
        assertFalse(r.report().contains("shrunk from 0"), r.report());
    }

    @Test
    void aVacuousPassFailsCitingTheRuleThatDemandsSuccess() {
        PropertyResult passed = PropertyResult.of("page.accounting", "Accounting", "always-no-page", "mvn test",
                new RunResult(EFFORT, 40, 2000, Optional.empty(), List.of(), 0));
        PropertyResult r = passed.vacuous(40, Rule.PAGE_NO_FALSE_FAILURE.id(), Rule.PAGE_NO_FALSE_FAILURE.quote());
        assertFalse(r.passed());
        assertEquals("page.no-false-failure", r.rule());
        assertEquals(0, r.failingTry());
        assertTrue(r.report().startsWith("page.accounting FAILED for always-no-page: broke page.no-false-failure\n"),
                r.report());
        assertTrue(r.brokenInvariant().contains("only 0 successful operations"), r.brokenInvariant());
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
