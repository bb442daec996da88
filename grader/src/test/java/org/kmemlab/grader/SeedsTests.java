package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SeedsTests {

    private static final String HASH = "dacd61f0e6dc2efac349d60d109e92650872622f68b6fadc09e088484bfe1f66";

    @Test
    void aDerivedSeedIsStableForOneSubmission() {
        assertEquals(Seeds.derived("salt", HASH, "hidden", "page.no-overlap"),
                Seeds.derived("salt", HASH, "hidden", "page.no-overlap"));
    }

    @Test
    void anotherSubmissionSaltGroupOrPropertyGetsAnotherSeed() {
        long seed = Seeds.derived("salt", HASH, "hidden", "page.no-overlap");
        assertNotEquals(seed, Seeds.derived("salt", HASH.replace('d', 'e'), "hidden", "page.no-overlap"));
        assertNotEquals(seed, Seeds.derived("pepper", HASH, "hidden", "page.no-overlap"));
        assertNotEquals(seed, Seeds.derived("salt", HASH, "hidden2", "page.no-overlap"));
        assertNotEquals(seed, Seeds.derived("salt", HASH, "hidden", "page.accounting"));
    }

    @Test
    void fixedGroupsUseTheirSeedAndSubmissionGroupsDeriveOne() {
        Rubric rubric = RubricLoader.defaultFor(Spi.PAGE);
        Rubric.Group visible = rubric.groups().get(0);
        Rubric.Group hidden = rubric.groups().get(1);
        assertEquals(20260101L, Seeds.forProperty(rubric, visible, HASH, "page.no-overlap"));
        assertEquals(Seeds.derived("change-me-per-course", HASH, "hidden", "page.no-overlap"),
                Seeds.forProperty(rubric, hidden, HASH, "page.no-overlap"));
    }
}
