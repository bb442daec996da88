package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTests {

    private static final int CHUNK = PhysicalMemory.CHUNK_SIZE;

    @Test
    void untouchedMemoryReadsZeroAndCostsNothing() {
        PhysicalMemory ram = new PhysicalMemory(16L << 30);
        assertEquals(0, ram.readLong(12345L << 20));
        assertEquals(0, ram.readByte((16L << 30) - 1));
        assertEquals(0, ram.residentBytes());
    }

    @Test
    void writingZerosIntoUntouchedMemoryCreatesNoChunk() {
        PhysicalMemory ram = new PhysicalMemory(1L << 30);
        ram.fill(0, 1L << 30, (byte) 0);
        ram.writeByte(77, (byte) 0);
        assertEquals(0, ram.residentBytes());
    }

    @Test
    void aSixteenGibMachineBootsWithASmallHeapCost() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        Machine machine = Machine.boot(MachineProfile.X86_64, 16L << 30);
        long after = rt.totalMemory() - rt.freeMemory();
        // The chunk table is 256 Ki references (1-2 MiB); nothing near the 16 GiB of RAM.
        assertTrue(after - before < (64L << 20), "booting 16 GiB cost " + (after - before) + " bytes of heap");
        assertEquals(0, machine.memory().residentBytes());
        assertEquals(16L << 30, machine.memory().size());
    }

    @Test
    void valuesAreLittleEndianLikeX86() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        ram.writeInt(100, 0x11223344);
        assertEquals(0x44, ram.readByte(100));
        assertEquals(0x11, ram.readByte(103));
        ram.writeLong(200, 0x0102030405060708L);
        assertEquals((short) 0x0708, ram.readShort(200));
        assertEquals(0x05060708, ram.readInt(200));
    }

    @Test
    void accessesThatStraddleAChunkEdgeReadBackWhatWasWritten() {
        PhysicalMemory ram = new PhysicalMemory(4L * CHUNK);
        for (int skew = 1; skew < 8; skew++) {
            long at = CHUNK - skew;
            ram.writeLong(at, 0xCAFEBABE_DEADBEEFL + skew);
            assertEquals(0xCAFEBABE_DEADBEEFL + skew, ram.readLong(at), "long at chunk edge - " + skew);
        }
        ram.writeInt(2L * CHUNK - 2, 0x7F00FF01);
        assertEquals(0x7F00FF01, ram.readInt(2L * CHUNK - 2));
        ram.writeShort(3L * CHUNK - 1, (short) 0xBEEF);
        assertEquals((short) 0xBEEF, ram.readShort(3L * CHUNK - 1));
    }

    @Test
    void byteArraysRoundTripAcrossSeveralChunks() {
        long seed = System.nanoTime();
        System.out.println("PhysicalMemoryTests seed " + seed);
        Random random = new Random(seed);
        PhysicalMemory ram = new PhysicalMemory(8L * CHUNK);
        byte[] data = new byte[3 * CHUNK + 123];
        random.nextBytes(data);
        ram.write(CHUNK - 50, data, 0, data.length);
        assertArrayEquals(data, ram.read(CHUNK - 50, data.length), "seed " + seed);
    }

    @Test
    void fillAndFindMismatchWorkAcrossChunks() {
        PhysicalMemory ram = new PhysicalMemory(4L * CHUNK);
        ram.fill(CHUNK - 10, 30, (byte) 0x6b);
        assertEquals(-1, ram.findMismatch(CHUNK - 10, 30, (byte) 0x6b));
        ram.writeByte(CHUNK + 5, (byte) 0x41);
        assertEquals(CHUNK + 5, ram.findMismatch(CHUNK - 10, 30, (byte) 0x6b));
        assertEquals(3L * CHUNK, ram.findMismatch(3L * CHUNK, 10, (byte) 0x6b), "untouched memory is zero");
        assertEquals(-1, ram.findMismatch(3L * CHUNK, 10, (byte) 0));
    }

    @Test
    void copyBehavesLikeMemmoveForOverlappingRanges() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        for (int i = 0; i < 100; i++) {
            ram.writeByte(1000 + i, (byte) i);
        }
        ram.copy(1000, 1010, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals((byte) i, ram.readByte(1010 + i), "forward overlap at " + i);
        }
        ram.copy(1010, 1000, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals((byte) i, ram.readByte(1000 + i), "backward overlap at " + i);
        }
    }

    @Test
    void anAccessOutsideRamNamesTheAddressAndTheSize() {
        PhysicalMemory ram = new PhysicalMemory(16L << 20);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> ram.readInt((16L << 20) - 2));
        assertEquals("physical access of 4 bytes at 0xfffffe is outside RAM [0x0, 0x1000000) of 16 MiB;"
                + " check that the address came from this machine and was converted with pa()", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> ram.writeByte(-1, (byte) 1));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.fill(10, 16L << 20, (byte) 1));
    }

    @Test
    void singleValuesFitUpToTheLastByteAndNotOneBeyond() {
        long size = 3 * (long) PhysicalMemory.CHUNK_SIZE;
        PhysicalMemory ram = new PhysicalMemory(size);
        ram.writeLong(size - 8, 0x0102030405060708L);
        ram.writeInt(size - 12, 0x0a0b0c0d);
        ram.writeShort(size - 14, (short) 0x0e0f);
        ram.writeByte(size - 15, (byte) 0x10);
        assertEquals(0x0102030405060708L, ram.readLong(size - 8));
        assertEquals(0x0a0b0c0d, ram.readInt(size - 12));
        assertEquals((short) 0x0e0f, ram.readShort(size - 14));
        assertEquals((byte) 0x10, ram.readByte(size - 15));
        for (long phys : new long[] {size - 7, size, -1, -8, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThrows(IndexOutOfBoundsException.class, () -> ram.readLong(phys), "readLong at " + phys);
            assertThrows(IndexOutOfBoundsException.class, () -> ram.writeLong(phys, 1), "writeLong at " + phys);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> ram.readInt(size - 3));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.writeShort(size - 1, (short) 1));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.readByte(size));
        assertEquals(0x0102030405060708L, ram.readLong(size - 8), "a refused write changes nothing");
    }

    @Test
    void aMachineSmallerThanAValueRefusesIt() {
        PhysicalMemory ram = new PhysicalMemory(6);
        ram.writeInt(2, 0x11223344);
        assertEquals(0x11223344, ram.readInt(2));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.readInt(3));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.readLong(0));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.writeLong(0, 1));
        assertEquals((short) 0x1122, ram.readShort(4));
    }

    @Test
    void trackedWritesAreReportedOncePerBlockAndReplicatedWritesNotAtAll() {
        PhysicalMemory ram = new PhysicalMemory(64L << 20);
        ram.writeLong(5 * PhysicalMemory.TRACKED_BLOCK + 3, 42);
        assertEquals(-1, ram.nextWrittenWord(0), "nothing is tracked before trackWrites()");
        ram.trackWrites();
        long[] before = takeAll(ram);
        for (int w = 0; w < PhysicalMemory.CHUNK_SIZE / PhysicalMemory.TRACKED_BLOCK / 64; w++) {
            assertEquals(-1L, before[w], "every block of a chunk that already held data counts as written");
        }
        assertEquals(0, before[PhysicalMemory.CHUNK_SIZE / PhysicalMemory.TRACKED_BLOCK / 64], "the next chunk's do not");
        ram.writeByte(1000L * PhysicalMemory.TRACKED_BLOCK, (byte) 1);
        ram.fill(70L * PhysicalMemory.TRACKED_BLOCK - 1, 2, (byte) 7);
        ram.writeReplicated(9 * PhysicalMemory.TRACKED_BLOCK, new byte[] {1, 2, 3}, 0, 3);
        long[] bits = takeAll(ram);
        assertEquals((1L << 5) | (1L << 6), bits[1], "blocks 69 and 70, which the fill straddles");
        assertEquals(1L << (1000 & 63), bits[1000 >>> 6]);
        assertEquals(0, bits[0], "writeReplicated records nothing");
        assertEquals(-1, ram.nextWrittenWord(0), "taking the bits clears them");
    }

    @Test
    void trackedShortIntAndLongWritesMarkTheirBlocksInOldAndNewChunksAlike() {
        PhysicalMemory ram = new PhysicalMemory(64L << 20);
        long block = PhysicalMemory.TRACKED_BLOCK;
        ram.writeLong(0, 1);          // chunk 0 exists before tracking starts
        ram.trackWrites();
        takeAll(ram);
        ram.writeShort(3 * block, (short) 0x1234);
        ram.writeInt(4 * block + 8, 0x5678_9abc);
        long fresh = 5L * PhysicalMemory.CHUNK_SIZE + 7 * block;      // a chunk never written before
        ram.writeLong(fresh, 0x1122_3344_5566_7788L);
        ram.writeLong(10 * block - 4, -1L);                             // straddles blocks 9 and 10
        long[] bits = takeAll(ram);
        assertEquals((1L << 3) | (1L << 4) | (1L << 9) | (1L << 10), bits[0]);
        long freshBlock = fresh / block;
        assertEquals(1L << (freshBlock & 63), bits[(int) (freshBlock >>> 6)]);
        assertEquals((short) 0x1234, ram.readShort(3 * block));
        assertEquals(0x5678_9abc, ram.readInt(4 * block + 8));
        assertEquals(0x1122_3344_5566_7788L, ram.readLong(fresh));
        assertEquals(-1L, ram.readLong(10 * block - 4));
    }

    private static long[] takeAll(PhysicalMemory ram) {
        long[] bits = new long[(int) ((ram.size() / PhysicalMemory.TRACKED_BLOCK + 63) / 64)];
        for (int w = ram.nextWrittenWord(0); w >= 0; w = ram.nextWrittenWord(w + 1)) {
            bits[w] = ram.takeWritten(w);
        }
        return bits;
    }
}
