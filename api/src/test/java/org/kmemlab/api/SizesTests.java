package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizesTests {

    @Test
    void orderForBytesIsTheKernelsGetOrder() {
        assertEquals(0, Sizes.orderForBytes(1, 12));
        assertEquals(0, Sizes.orderForBytes(4096, 12));
        assertEquals(1, Sizes.orderForBytes(4097, 12));
        assertEquals(1, Sizes.orderForBytes(8192, 12));
        assertEquals(2, Sizes.orderForBytes(8193, 12));
        assertEquals(5, Sizes.orderForBytes(131072, 12));
        assertEquals(10, Sizes.orderForBytes(4L << 20, 12));
        assertEquals(11, Sizes.orderForBytes((4L << 20) + 1, 12));
    }

    @Test
    void roundingGoesUpNeverDown() {
        assertEquals(1, Sizes.roundUpToPowerOfTwo(0));
        assertEquals(64, Sizes.roundUpToPowerOfTwo(33));
        assertEquals(64, Sizes.roundUpToPowerOfTwo(64));
        assertEquals(1L << 62, Sizes.roundUpToPowerOfTwo((1L << 61) + 1));
        assertThrows(ArithmeticException.class, () -> Sizes.roundUpToPowerOfTwo((1L << 62) + 1));
        assertEquals(4096, Sizes.alignUp(1, 4096));
        assertEquals(4096, Sizes.alignUp(4096, 4096));
        assertEquals(0, Sizes.alignDown(4095, 4096));
    }

    @Test
    void sizesParseWithBinaryUnits() {
        assertEquals(16L << 20, Sizes.parse("16M"));
        assertEquals(16L << 20, Sizes.parse("16MiB"));
        assertEquals(1L << 30, Sizes.parse("1g"));
        assertEquals(64L << 10, Sizes.parse("64k"));
        assertEquals(4096, Sizes.parse("4096"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("lots"));
        assertTrue(e.getMessage().startsWith("'lots' is not a size"), e.getMessage());
    }

    @Test
    void humanSizesUseTheLargestExactUnit() {
        assertEquals("16 MiB", Sizes.human(16L << 20));
        assertEquals("128 KiB", Sizes.human(128L << 10));
        assertEquals("16 GiB", Sizes.human(16L << 30));
        assertEquals("131048 bytes", Sizes.human(131048));
    }
}
