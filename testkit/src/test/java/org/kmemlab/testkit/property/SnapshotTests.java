package org.kmemlab.testkit.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTests {

    @Test
    void sidesPairTheAllocatorsLinesWithTheModels() {
        Snapshot s = new Snapshot.Sides().both("zone DMA").compare("  pages free 3", "  pages free 4")
                .compare("  managed", () -> 10, 10).build();
        assertEquals(List.of("zone DMA", "  pages free 3", "  managed: 10"), s.allocator());
        assertEquals(List.of("zone DMA", "  pages free 4", "  managed: 10"), s.model());
        assertTrue(s.diverges());
    }

    @Test
    void aBoundThatHoldsReadsTheSameOnBothSidesAndOneThatFailsShowsTheBound() {
        Snapshot holds = new Snapshot.Sides().expect("active objects: 3", true, "active objects: at least 2").build();
        assertFalse(holds.diverges());
        Snapshot broken = new Snapshot.Sides().expect("active objects: 1", false, "active objects: at least 2").build();
        assertEquals(List.of("active objects: at least 2"), broken.model());
        assertTrue(broken.diverges());
    }

    @Test
    void anAllocatorCallThatThrowsIsDrawnAsWhatItThrew() {
        Snapshot s = new Snapshot.Sides().compare("o1 usable", () -> {
            throw new IllegalStateException("broken");
        }, 64).build();
        assertEquals(List.of("o1 usable: threw IllegalStateException"), s.allocator());
        assertEquals(List.of("o1 usable: 64"), s.model());
    }
}
