package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GfpTests {
    @Test
    void kernelMaskPrintsAsOneName() {
        assertEquals("GFP_KERNEL", Gfp.toString(Gfp.GFP_KERNEL));
    }
}
