package org.kmemlab.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;

class SlabTableTests {

    @Test
    void everyClassOfBothErasFitsTheRecordsBitmap() {
        assertEquals(SlabTable.MAX_OBJECTS, SizeClassTable.forEra(Era.MODERN).maxObjectsPerSlab(),
                "kmalloc-8's 512 objects fill the bitmap exactly");
        assertTrue(SizeClassTable.forEra(Era.LINUX_2_0).maxObjectsPerSlab() <= SlabTable.MAX_OBJECTS);
    }

    @Test
    void aSlabOfMoreObjectsThanTheBitmapHoldsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SlabTable(2, 513));
        assertEquals("a slab of 513 objects does not fit a record's bitmap of 512", e.getMessage());
    }

    @Test
    void theLastObjectsLiveBitIsItsOwnAndNotTheNextRecords() {
        SlabTable table = new SlabTable(1, SlabTable.MAX_OBJECTS);
        int first = table.create(0, 0, 0x1000, 0xffff_8880_0000_1000L);
        int second = table.create(0, 0, 0x2000, 0xffff_8880_0000_2000L);
        table.popObject(first, SlabTable.MAX_OBJECTS - 1, 0);
        assertTrue(table.isLive(first, SlabTable.MAX_OBJECTS - 1));
        assertEquals(-1, table.liveTest(first, SlabTable.MAX_OBJECTS - 1));
        for (int i = 0; i < SlabTable.MAX_OBJECTS; i++) {
            assertFalse(table.isLive(second, i), "object " + i + " of the next record");
        }
        assertEquals(0x2000, table.phys(second), "the next record's fields are untouched");
        assertEquals(0, table.inUse(second));
    }
}
