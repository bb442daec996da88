package org.kmemlab.testkit.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class EffortTests {

    @Test
    void missingPropertiesGiveTheDefaultsAndTheFallbackSeed() {
        Effort effort = Effort.fromProperties(new Properties(), 77);
        assertEquals(new Effort(Effort.DEFAULT_TRIES, Effort.DEFAULT_STEPS, 77), effort);
        assertEquals("-Dkmemlab.seed=77", effort.systemPropertyFlags());
    }

    @Test
    void propertiesSetSeedTriesAndSteps() {
        Properties p = new Properties();
        p.setProperty("kmemlab.seed", "-5");
        p.setProperty("kmemlab.tries", "500");
        p.setProperty("kmemlab.steps", " 12 ");
        Effort effort = Effort.fromProperties(p, 77);
        assertEquals(new Effort(500, 12, -5), effort);
        assertEquals("-Dkmemlab.seed=-5 -Dkmemlab.tries=500 -Dkmemlab.steps=12", effort.systemPropertyFlags());
        assertTrue(Effort.seedGiven(p));
    }

    @Test
    void badValuesAreRefusedNamingTheProperty() {
        Properties p = new Properties();
        p.setProperty("kmemlab.tries", "many");
        assertEquals("-Dkmemlab.tries=many is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> Effort.fromProperties(p, 1)).getMessage());
        p.setProperty("kmemlab.tries", "0");
        assertEquals("-Dkmemlab.tries=0 must be between 1 and 2147483647",
                assertThrows(IllegalArgumentException.class, () -> Effort.fromProperties(p, 1)).getMessage());
        assertEquals("steps 0 must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new Effort(1, 0, 1)).getMessage());
    }

    @Test
    void withersChangeOnePart() {
        Effort e = new Effort(3, 4, 5);
        assertEquals(new Effort(3, 4, 9), e.withSeed(9));
        assertEquals(new Effort(8, 4, 5), e.withTries(8));
        assertEquals(new Effort(3, 8, 5), e.withSteps(8));
    }
}
