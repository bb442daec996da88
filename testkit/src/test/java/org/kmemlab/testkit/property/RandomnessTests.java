package org.kmemlab.testkit.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RandomnessTests {

    @Test
    void theSameSeedMakesTheSameChoices() {
        Randomness a = new Randomness(11);
        Randomness b = new Randomness(11);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.between(-3, 1000), b.between(-3, 1000));
        }
    }

    @Test
    void betweenIncludesBothBounds() {
        Randomness r = new Randomness(1);
        boolean low = false;
        boolean high = false;
        for (int i = 0; i < 1000; i++) {
            int v = r.between(2, 4);
            assertTrue(v >= 2 && v <= 4);
            low |= v == 2;
            high |= v == 4;
        }
        assertTrue(low && high);
        assertEquals(Long.MAX_VALUE, new Randomness(1).longBetween(Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void chooseNeverPicksAZeroWeight() {
        Randomness r = new Randomness(2);
        for (int i = 0; i < 1000; i++) {
            assertTrue(r.choose(5, 0, 5) != 1);
        }
        assertEquals("at least one weight must be positive, not 0",
                assertThrows(IllegalArgumentException.class, () -> r.choose(0, 0)).getMessage());
    }

    @Test
    void boundarySizesStayInRangeAndHitPowersOfTwo() {
        Randomness r = new Randomness(3);
        boolean power = false;
        for (int i = 0; i < 2000; i++) {
            long size = r.boundarySize(4096);
            assertTrue(size >= 1 && size <= 4096, "size " + size);
            power |= size == 4096;
        }
        assertTrue(power);
        assertEquals("cannot pick from an empty list",
                assertThrows(IllegalArgumentException.class, () -> r.pick(List.of())).getMessage());
    }
}
