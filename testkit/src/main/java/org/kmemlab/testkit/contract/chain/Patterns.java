package org.kmemlab.testkit.contract.chain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * What the object and kernel contracts share about live memory: the byte pattern that names an
 * allocation, and finding a live allocation that overlaps a range.
 *
 * <p>Word {@code i} (little-endian) of allocation {@code id}'s pattern is {@code magic ^ id << 24 ^ i}
 * multiplied by an odd constant (a bijection that spreads the bits), with every zero byte replaced by
 * {@code 0x5a}; a tail shorter than a word holds the low bytes of the next word. Two allocations sharing a
 * byte therefore cannot both read back their own pattern, a word found in the wrong place names its
 * writer, and no byte of a pattern is zero: the unmixed words had zeros in bytes 0 to 2, so an allocator
 * that zeroed or stored a NULL one byte into its neighbour (a {@code memset} one byte too long) went
 * unseen there.
 */
public final class Patterns {

    private Patterns() {
    }

    /** Returns word {@code index} of allocation {@code id}'s pattern. */
    public static long word(long magic, int id, long index) {
        long word = (magic ^ ((long) id << 24) ^ index) * 0x9e37_79b9_7f4a_7c15L;
        for (int shift = 0; shift < Long.SIZE; shift += Byte.SIZE) {
            if ((word >>> shift & 0xff) == 0) {
                word |= 0x5aL << shift;
            }
        }
        return word;
    }

    /** Returns the first {@code length} bytes of allocation {@code id}'s pattern. */
    public static byte[] bytes(long magic, int id, int length) {
        byte[] bytes = new byte[length];
        ByteBuffer words = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int whole = length >>> 3;
        for (int w = 0; w < whole; w++) {
            words.putLong(w << 3, word(magic, id, w));
        }
        long last = word(magic, id, whole);
        for (int i = whole << 3; i < length; i++) {
            bytes[i] = (byte) (last >>> (8 * (i & 7)));
        }
        return bytes;
    }

    /**
     * Returns a live allocation in {@code byAddress} (non-overlapping, keyed by start) that shares a byte
     * with {@code [addr, addr + length)}, or null.
     */
    public static <T> T overlapping(TreeMap<Long, T> byAddress, ToLongFunction<T> end, long addr, long length) {
        Map.Entry<Long, T> below = byAddress.floorEntry(addr);
        if (below != null && Long.compareUnsigned(end.applyAsLong(below.getValue()), addr) > 0) {
            return below.getValue();
        }
        Map.Entry<Long, T> above = byAddress.ceilingEntry(addr);
        if (above != null && Long.compareUnsigned(above.getKey(), addr + length) < 0) {
            return above.getValue();
        }
        return null;
    }
}
