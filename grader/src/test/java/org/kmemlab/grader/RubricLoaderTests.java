package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RubricLoaderTests {

    @TempDir
    Path dir;

    @Test
    void everyShippedRubricLoads() {
        for (Spi spi : Spi.values()) {
            Rubric r = RubricLoader.defaultFor(spi);
            assertEquals(spi, r.spi());
            assertEquals(spi.referenceName(), r.reference());
            assertEquals(Rubric.Visibility.VISIBLE, r.groups().get(0).visibility());
            assertEquals(Rubric.SeedMode.SUBMISSION, r.groups().get(1).seeds());
            assertEquals(Rubric.Visibility.AFTER_DUE_DATE, r.groups().get(1).visibility());
            assertTrue(r.performance().gate().contains("contract"));
        }
    }

    @Test
    void theShortestRubricNamesOnlyItsSpi() throws Exception {
        Rubric r = RubricLoader.load(write("min.yaml", "spi: zone\n"));
        assertEquals(Spi.ZONE, r.spi());
        assertEquals(1, r.groups().size());
        assertEquals(1, r.groups().get(0).itemFor("zone.boot").weight());
        assertNull(r.performance());
        assertEquals("deduct", r.rules().onViolation());
    }

    @Test
    void jsonRubricsReadTheSameFields() throws Exception {
        Rubric r = RubricLoader.load(write("r.json", """
                {"spi": "page", "seed": 5, "limits": {"propertyTimeoutSeconds": 2.5},
                 "groups": [{"name": "g", "visibility": "after_published", "properties": [{"id": "page.*", "weight": 2}]}],
                 "rules": {"onViolation": "zero"}}
                """));
        assertEquals(5, r.seed());
        assertEquals(Duration.ofMillis(2500), r.groups().get(0).limits().propertyTimeout());
        assertEquals(Rubric.Visibility.AFTER_PUBLISHED, r.groups().get(0).visibility());
        assertEquals("zero", r.rules().onViolation());
    }

    @Test
    void errorsNameTheFileAndTheField() throws Exception {
        assertMessage("rubric a.yaml: groups[0].properties[1].weight must be a number, not \"ten\"", "a.yaml", """
                spi: page
                groups:
                  - properties:
                      - { id: page.misuse, weight: 2 }
                      - { id: page.accounting, weight: ten }
                """);
        assertMessage("rubric b.yaml: groups[0].visibilty is not a rubric field here; known fields: name, visibility,"
                + " seeds, seed, effort, properties, hiddenTests, limits", "b.yaml", """
                spi: page
                groups:
                  - { name: g, visibilty: hidden }
                """);
        assertMessage("rubric c.yaml: spi unknown SPI \"heap\"; use page, object, zone or slab", "c.yaml", "spi: heap\n");
        assertMessage("rubric d.yaml: groups[0].visibility unknown visibility \"secret\"; use visible, hidden,"
                + " after_due_date or after_published", "d.yaml", "spi: page\ngroups: [{visibility: secret}]\n");
    }

    @Test
    void patternsMatchByStarAndTheFirstMatchWins() {
        Rubric.Group g = RubricLoader.defaultFor(Spi.PAGE).groups().get(0);
        assertEquals(8, g.itemFor("page.no-overlap").weight());
        assertEquals(3, g.itemFor("page.geometries").weight());
        assertNull(g.itemFor("zone.boot"));
        assertTrue(new Rubric.Item("*", 1).matches("anything.at-all"));
        assertTrue(new Rubric.Item("page.*-restores", 1).matches("page.free-all-restores"));
        assertFalse(new Rubric.Item("page.*", 1).matches("pagexno"));
    }

    @Test
    void thePerformanceScaleGivesTheHighestThresholdReached() {
        Rubric.Performance p = RubricLoader.defaultFor(Spi.PAGE).performance();
        assertEquals(0, p.pointsFor(0.05));
        assertEquals(2, p.pointsFor(0.10));
        assertEquals(7, p.pointsFor(0.79));
        assertEquals(10, p.pointsFor(3.0));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private void assertMessage(String expected, String name, String text) throws Exception {
        Path file = write(name, text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RubricLoader.load(file));
        assertEquals(expected, e.getMessage());
    }
}
