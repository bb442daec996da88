package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GfpTests {

    @Test
    void bitValuesMatchTodaysKernel() {
        assertEquals(0xcc0, Gfp.GFP_KERNEL);
        assertEquals(0x820, Gfp.GFP_ATOMIC);
        assertEquals(0x2800, Gfp.GFP_NOWAIT);
        assertEquals(0xc00, Gfp.GFP_NOIO);
        assertEquals(0xc40, Gfp.GFP_NOFS);
        assertEquals(0x01, Gfp.GFP_DMA);
    }

    /* include/linux/mm.h, tag 2.0, lines 300-310: GFP_BUFFER 0x00 ... GFP_NFS 0x05, GFP_DMA 0x80. */
    @Test
    void linux20PrioritiesKeepTheirLevels() {
        assertEquals(0x00, Gfp.linux20Level(Gfp.GFP_BUFFER));
        assertEquals(0x01, Gfp.linux20Level(Gfp.GFP_ATOMIC));
        assertEquals(0x03, Gfp.linux20Level(Gfp.GFP_USER), "GFP_USER shares GFP_KERNEL's mask and behaviour");
        assertEquals(0x03, Gfp.linux20Level(Gfp.GFP_KERNEL));
        assertEquals(0x04, Gfp.linux20Level(Gfp.GFP_NOBUFFER));
        assertEquals(0x05, Gfp.linux20Level(Gfp.GFP_NFS));
        assertEquals(0x83, Gfp.linux20Level(Gfp.GFP_KERNEL | Gfp.GFP_DMA));
        assertEquals(0x81, Gfp.linux20Level(Gfp.GFP_ATOMIC | Gfp.GFP_DMA));
        assertFalse(Gfp.allowsBlocking(Gfp.GFP_BUFFER), "GFP_BUFFER never reclaims");
        assertEquals(0, Gfp.GFP_BUFFER & Gfp.__GFP_HIGH, "and has no reserve");
        assertTrue(Gfp.allowsBlocking(Gfp.GFP_NFS) && Gfp.has(Gfp.GFP_NFS, Gfp.__GFP_HIGH));
        assertEquals(5, Gfp.LINUX20_NFS_RESERVE);
    }

    @Test
    void masksPrintLikePercentPGg() {
        assertEquals("GFP_KERNEL", Gfp.toString(Gfp.GFP_KERNEL));
        assertEquals("GFP_KERNEL|__GFP_ZERO", Gfp.toString(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO));
        assertEquals("GFP_ATOMIC|GFP_DMA", Gfp.toString(Gfp.GFP_ATOMIC | Gfp.GFP_DMA));
        assertEquals("GFP_NOWAIT", Gfp.toString(Gfp.GFP_NOWAIT));
        assertEquals("GFP_KERNEL|__GFP_COMP", Gfp.toString(0x40cc0));
        assertEquals("GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY",
                Gfp.toString(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY));
        assertEquals("__GFP_HIGH", Gfp.toString(Gfp.__GFP_HIGH));
        assertEquals("none", Gfp.toString(0));
    }

    @Test
    void unknownBitsArePrintedInHex() {
        assertEquals("GFP_KERNEL|0x1000000", Gfp.toString(Gfp.GFP_KERNEL | 0x1000000));
        assertEquals("0x200", Gfp.toString(0x200));
    }

    @Test
    void theFailureReportModeHasHexAndNames() {
        assertEquals("0xcc0(GFP_KERNEL)", Gfp.mode(Gfp.GFP_KERNEL));
        assertEquals("0x821(GFP_ATOMIC|GFP_DMA)", Gfp.mode(Gfp.GFP_ATOMIC | Gfp.GFP_DMA));
    }

    @Test
    void parsingReadsWhatToStringWrites() {
        int[] masks = {Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC | Gfp.GFP_DMA, Gfp.GFP_KERNEL | Gfp.__GFP_ZERO | 0x1000000,
            Gfp.GFP_NOWAIT, Gfp.__GFP_NOFAIL | Gfp.GFP_NOIO, 0};
        for (int mask : masks) {
            assertEquals(mask, Gfp.parse(Gfp.toString(mask)), Gfp.toString(mask));
        }
        assertEquals(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO, Gfp.parse("kernel|zero"));
        assertEquals(0x820, Gfp.parse("0x820"));
    }

    @Test
    void parsingAnUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gfp.parse("GFP_KERNEL|GFP_FAST"));
        assertTrue(e.getMessage().startsWith("'GFP_FAST' is not a gfp flag; known flags: GFP_KERNEL, GFP_NOFS"),
                e.getMessage());
    }

    @Test
    void onlyDirectReclaimAllowsBlocking() {
        assertTrue(Gfp.allowsBlocking(Gfp.GFP_KERNEL));
        assertTrue(Gfp.allowsBlocking(Gfp.GFP_NOIO));
        assertFalse(Gfp.allowsBlocking(Gfp.GFP_ATOMIC));
        assertFalse(Gfp.allowsBlocking(Gfp.GFP_NOWAIT));
    }

    @Test
    void theZoneModifiersChooseTheHighestZone() {
        assertEquals(ZoneType.DMA, Gfp.highestZone(Gfp.GFP_KERNEL | Gfp.GFP_DMA));
        assertEquals(ZoneType.DMA32, Gfp.highestZone(Gfp.GFP_KERNEL | Gfp.GFP_DMA32));
        assertEquals(ZoneType.NORMAL, Gfp.highestZone(Gfp.GFP_ATOMIC));
    }
}
