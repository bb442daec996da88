package org.kmemlab.bucket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;

class SizeClassTableTests {

    private static final SizeClassTable LINUX_2_0 = SizeClassTable.forEra(Era.LINUX_2_0);
    private static final SizeClassTable MODERN = SizeClassTable.forEra(Era.MODERN);

    @Test
    void linux20TableIsMmKmallocC() {
        int[] blocks = {32, 64, 128, 252, 508, 1020, 2040, 4080, 8176, 16368, 32752, 65520, 131056};
        int[] objects = {127, 63, 31, 16, 8, 4, 2, 1, 1, 1, 1, 1, 1};
        int[] orders = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5};
        assertArrayEquals(blocks, column(LINUX_2_0, 0));
        assertArrayEquals(objects, column(LINUX_2_0, 1));
        assertArrayEquals(orders, column(LINUX_2_0, 2));
        for (int c = 0; c < blocks.length; c++) {
            assertEquals(blocks[c] - 8, LINUX_2_0.usableSize(c), "usable size is the block minus its header");
        }
        assertEquals(131_048, LINUX_2_0.maxSize());
        assertEquals(24, LINUX_2_0.firstObjectOffset());
        assertEquals(Era.LINUX_2_0.maxKmallocSize(), LINUX_2_0.maxSize());
    }

    @Test
    void modernTableIsSlubLikeWithTheStatedOrderRule() {
        int[] sizes = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
        int[] objects = {512, 256, 128, 64, 42, 32, 21, 16, 8, 8, 8, 8, 4};
        int[] orders = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3};
        assertArrayEquals(sizes, column(MODERN, 0));
        assertArrayEquals(objects, column(MODERN, 1));
        assertArrayEquals(orders, column(MODERN, 2));
        assertArrayEquals(sizes, column(MODERN, 3));
        assertEquals(8192, MODERN.maxSize());
        assertEquals(0, MODERN.firstObjectOffset());
    }

    @Test
    void everyClassBoundaryChoosesTheSmallestClassThatFits() {
        for (SizeClassTable table : new SizeClassTable[] {LINUX_2_0, MODERN}) {
            assertEquals(0, table.classOf(1), table.era() + ": 1 byte");
            for (int c = 0; c < table.count(); c++) {
                int usable = table.usableSize(c);
                assertEquals(c, table.classOf(usable), table.era() + ": size = usable size of class " + c);
                if (c > 0) {
                    assertEquals(c, table.classOf(table.usableSize(c - 1) + 1L),
                            table.era() + ": one byte more than class " + (c - 1));
                }
            }
        }
    }

    @Test
    void reciprocalIndexEqualsDivisionForEveryOffsetOfEverySlab() {
        for (SizeClassTable table : new SizeClassTable[] {LINUX_2_0, MODERN}) {
            for (int c = 0; c < table.count(); c++) {
                long slabBytes = MachineProfile.PAGE_SIZE << table.order(c);
                for (long offset = 0; offset < slabBytes; offset++) {
                    if (table.objectIndex(c, offset) != offset / table.blockSize(c)) {
                        assertEquals(offset / table.blockSize(c), table.objectIndex(c, offset),
                                table.era() + " class " + c + " offset " + offset);
                    }
                }
            }
        }
    }

    @Test
    void theBranchFreeObjectStartTestAgreesWithTheDefinitionEverywhere() {
        for (SizeClassTable table : new SizeClassTable[] {LINUX_2_0, MODERN}) {
            for (int c = 0; c < table.count(); c++) {
                long span = table.objectSpan(c);
                for (long offset = -2L * table.blockSize(c); offset < span + 2L * table.blockSize(c); offset++) {
                    boolean start = offset >= 0 && offset < span && offset % table.blockSize(c) == 0;
                    if (start != table.objectStartTest(c, offset) >= 0) {
                        assertEquals(start, table.objectStartTest(c, offset) >= 0,
                                table.era() + " class " + c + " offset " + offset);
                    }
                }
                for (long wild : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, Long.MAX_VALUE, 1L << 40, span}) {
                    assertTrue(table.objectStartTest(c, wild) < 0, table.era() + " class " + c + " offset " + wild);
                }
            }
        }
    }

    @Test
    void cacheNamesFollowTheKernel() {
        assertEquals("kmalloc-8", MODERN.name(0, false));
        assertEquals("kmalloc-96", MODERN.name(4, false));
        assertEquals("kmalloc-1k", MODERN.name(9, false));
        assertEquals("dma-kmalloc-8k", MODERN.name(12, true));
        assertEquals("kmalloc-252", LINUX_2_0.name(3, false));
        assertEquals("dma-kmalloc-4080", LINUX_2_0.name(7, true));
        assertEquals("kmalloc-131056", LINUX_2_0.name(12, false));
    }

    private static int[] column(SizeClassTable table, int which) {
        int[] values = new int[table.count()];
        for (int c = 0; c < values.length; c++) {
            values[c] = switch (which) {
                case 0 -> table.blockSize(c);
                case 1 -> table.objectsPerSlab(c);
                case 2 -> table.order(c);
                default -> table.usableSize(c);
            };
        }
        return values;
    }
}
