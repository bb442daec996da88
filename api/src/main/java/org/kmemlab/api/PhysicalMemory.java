package org.kmemlab.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The RAM of a simulated machine: real bytes at physical addresses {@code [0, size)}.
 *
 * <h2>Overview</h2>
 * Allocators keep real data here: intrusive free lists written into free memory, page descriptors at
 * the start of a bucket page, poison and red-zone bytes. The testkit writes patterns into live blocks
 * and reads them back to prove that no two blocks overlap. So the bytes must be real, and a 16 GiB
 * machine must still boot in milliseconds.
 *
 * <p>Backing is therefore <em>sparse and lazy</em>. Memory is cut into chunks of {@link #CHUNK_SIZE}
 * bytes; a chunk's Java array is created the first time a non-zero byte is written into it. Reading an
 * untouched chunk returns zero without creating it, and writing zeros into an untouched chunk (for
 * example {@code __GFP_ZERO} on a fresh page) creates nothing. The only fixed cost is the chunk table,
 * one reference per 64 KiB: 256 Ki references for a 16 GiB machine.
 *
 * <p>Multi-byte values are little-endian, as on x86. Accesses may straddle a chunk boundary.
 *
 * <h2>Concurrency</h2>
 * Creating a chunk is safe from many threads (a compare-and-set on the chunk table). The bytes
 * themselves have no locking, exactly like RAM: two threads that write the same bytes without a lock
 * race, and code that hands memory from one thread to another (an allocator under its zone lock) makes
 * the hand-over visible through that lock.
 *
 * <h2>Errors</h2>
 * An access outside {@code [0, size)} is a bug of the caller's and throws
 * {@link IndexOutOfBoundsException} naming the address, the length and the machine's size.
 */
public final class PhysicalMemory {

    /** log2 of {@link #CHUNK_SIZE}. */
    public static final int CHUNK_SHIFT = 16;
    /** Bytes per lazily created chunk: 64 KiB, sixteen 4 KiB pages. */
    public static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;

    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(byte[][].class);

    /** log2 of {@link #TRACKED_BLOCK}. */
    public static final int TRACKED_SHIFT = 8;
    /** The granularity of {@link #trackWrites()}: 256 bytes. */
    public static final int TRACKED_BLOCK = 1 << TRACKED_SHIFT;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long size;
    /** The highest address where 2, 4 or 8 bytes fit below {@link #size}, or -1 where they do not fit at all. */
    private final long lastShort;
    private final long lastInt;
    private final long lastLong;
    private final byte[][] chunks;
    /** One bit per written block while {@link #trackWrites()} is on; null (and never read) otherwise. */
    private long[] written;
    /** One bit per word of {@link #written} that may be non-zero. */
    private long[] summary;

    /**
     * Creates {@code size} bytes of zeroed memory.
     *
     * @param size the number of bytes, a positive multiple of {@link #CHUNK_SIZE} is not required but
     *             the size must be positive and small enough that the chunk table fits an array
     */
    public PhysicalMemory(long size) {
        Checks.requireArgument(size > 0, "memory size %d must be positive", size);
        long chunkCount = ((size - 1) >>> CHUNK_SHIFT) + 1;
        Checks.requireArgument(chunkCount <= Integer.MAX_VALUE - 8,
                "memory size %d is too large to simulate", size);
        this.size = size;
        this.lastShort = size >= 2 ? size - 2 : -1;
        this.lastInt = size >= 4 ? size - 4 : -1;
        this.lastLong = size >= 8 ? size - 8 : -1;
        this.chunks = new byte[(int) chunkCount][];
    }

    /** Returns the number of bytes of RAM. */
    public long size() {
        return size;
    }

    /** Returns how many bytes of Java heap back this memory now: the chunks written so far. */
    public long residentBytes() {
        long resident = 0;
        for (int i = 0; i < chunks.length; i++) {
            if (chunk(i) != null) {
                resident += CHUNK_SIZE;
            }
        }
        return resident;
    }

    // ---------------------------------------------------------------- single values

    /** Reads one byte. */
    public byte readByte(long phys) {
        checkValue(phys, size - 1, 1);
        byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
        return c == null ? 0 : c[(int) phys & CHUNK_MASK];
    }

    /** Writes one byte. */
    public void writeByte(long phys, byte value) {
        checkValue(phys, size - 1, 1);
        if (written != null) {
            mark(phys, 1);
        }
        byte[] c = value == 0 ? chunk((int) (phys >>> CHUNK_SHIFT)) : chunkForWrite((int) (phys >>> CHUNK_SHIFT));
        if (c != null) {
            c[(int) phys & CHUNK_MASK] = value;
        }
    }

    /** Reads a little-endian 16-bit value. */
    public short readShort(long phys) {
        int offset = (int) phys & CHUNK_MASK;
        if (insideOneChunk(phys, lastShort, offset, 2)) {
            byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
            return c == null ? 0 : (short) SHORTS.get(c, offset);
        }
        checkValue(phys, lastShort, 2);
        return (short) readStraddling(phys, 2);
    }

    /** Writes a little-endian 16-bit value. */
    public void writeShort(long phys, short value) {
        int offset = (int) phys & CHUNK_MASK;
        if (insideOneChunk(phys, lastShort, offset, 2) && written == null) {
            byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
            if (c != null) {
                SHORTS.set(c, offset, value);
                return;
            }
        }
        writeSlowly(phys, value, 2, lastShort);
    }

    /** Reads a little-endian 32-bit value. */
    public int readInt(long phys) {
        int offset = (int) phys & CHUNK_MASK;
        if (insideOneChunk(phys, lastInt, offset, 4)) {
            byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
            return c == null ? 0 : (int) INTS.get(c, offset);
        }
        checkValue(phys, lastInt, 4);
        return (int) readStraddling(phys, 4);
    }

    /** Writes a little-endian 32-bit value. */
    public void writeInt(long phys, int value) {
        int offset = (int) phys & CHUNK_MASK;
        if (insideOneChunk(phys, lastInt, offset, 4) && written == null) {
            byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
            if (c != null) {
                INTS.set(c, offset, value);
                return;
            }
        }
        writeSlowly(phys, value, 4, lastInt);
    }

    /** Reads a little-endian 64-bit value. */
    public long readLong(long phys) {
        int offset = (int) phys & CHUNK_MASK;
        if (insideOneChunk(phys, lastLong, offset, 8)) {
            byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
            return c == null ? 0 : (long) LONGS.get(c, offset);
        }
        checkValue(phys, lastLong, 8);
        return readStraddling(phys, 8);
    }

    /** Writes a little-endian 64-bit value. */
    public void writeLong(long phys, long value) {
        int offset = (int) phys & CHUNK_MASK;
        if (insideOneChunk(phys, lastLong, offset, 8) && written == null) {
            byte[] c = chunk((int) (phys >>> CHUNK_SHIFT));
            if (c != null) {
                LONGS.set(c, offset, value);
                return;
            }
        }
        writeSlowly(phys, value, 8, lastLong);
    }

    /**
     * The rest of {@link #writeShort}, {@link #writeInt} and {@link #writeLong}, whose common case (inside
     * one chunk that exists, no write tracking) is a few instructions: a value that straddles two chunks,
     * the first write into a chunk (which creates it), a tracked write, and an address outside RAM. Kept out
     * of line so that the allocators' hot paths, which inline the writes, do not also carry the code that
     * creates a chunk.
     */
    private void writeSlowly(long phys, long value, int width, long last) {
        int offset = (int) phys & CHUNK_MASK;
        if (!insideOneChunk(phys, last, offset, width)) {
            checkValue(phys, last, width);
            writeStraddling(phys, value, width);
            return;
        }
        if (written != null) {
            mark(phys, width);
        }
        byte[] c = chunkForWrite((int) (phys >>> CHUNK_SHIFT));
        switch (width) {
            case 2 -> SHORTS.set(c, offset, (short) value);
            case 4 -> INTS.set(c, offset, (int) value);
            default -> LONGS.set(c, offset, value);
        }
    }

    // ---------------------------------------------------------------- ranges

    /** Sets {@code length} bytes starting at {@code phys} to {@code value} ({@code memset}). */
    public void fill(long phys, long length, byte value) {
        check(phys, length);
        if (written != null) {
            mark(phys, length);
        }
        long at = phys;
        long left = length;
        while (left > 0) {
            int index = (int) (at >>> CHUNK_SHIFT);
            int offset = (int) at & CHUNK_MASK;
            int n = (int) Math.min(left, CHUNK_SIZE - offset);
            byte[] c = value == 0 ? chunk(index) : chunkForWrite(index);
            if (c != null) {
                Arrays.fill(c, offset, offset + n, value);
            }
            at += n;
            left -= n;
        }
    }

    /**
     * Copies {@code length} bytes from {@code src} to {@code dst} ({@code memmove}: overlapping ranges are
     * copied as if through a temporary buffer).
     */
    public void copy(long src, long dst, long length) {
        check(src, length);
        check(dst, length);
        if (length == 0 || src == dst) {
            return;
        }
        boolean backwards = dst > src && dst < src + length;
        byte[] buffer = new byte[(int) Math.min(length, CHUNK_SIZE)];
        if (!backwards) {
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buffer.length, length - done);
                read(src + done, buffer, 0, n);
                write(dst + done, buffer, 0, n);
                done += n;
            }
        } else {
            for (long left = length; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                left -= n;
                read(src + left, buffer, 0, n);
                write(dst + left, buffer, 0, n);
            }
        }
    }

    /** Reads {@code length} bytes at {@code phys} into {@code target[offset ...]}. */
    public void read(long phys, byte[] target, int offset, int length) {
        check(phys, length);
        Checks.requireArgument(offset >= 0 && length >= 0 && offset + length <= target.length,
                "target range [%d, +%d) does not fit an array of %d", offset, length, target.length);
        long at = phys;
        int done = 0;
        while (done < length) {
            int index = (int) (at >>> CHUNK_SHIFT);
            int chunkOffset = (int) at & CHUNK_MASK;
            int n = Math.min(length - done, CHUNK_SIZE - chunkOffset);
            byte[] c = chunk(index);
            if (c == null) {
                Arrays.fill(target, offset + done, offset + done + n, (byte) 0);
            } else {
                System.arraycopy(c, chunkOffset, target, offset + done, n);
            }
            at += n;
            done += n;
        }
    }

    /** Writes {@code source[offset ... offset+length)} at {@code phys}. */
    public void write(long phys, byte[] source, int offset, int length) {
        check(phys, length);
        Checks.requireArgument(offset >= 0 && length >= 0 && offset + length <= source.length,
                "source range [%d, +%d) does not fit an array of %d", offset, length, source.length);
        if (written != null) {
            mark(phys, length);
        }
        copyIn(phys, source, offset, length);
    }

    /**
     * Writes bytes that came from another replica of this memory (the grader keeps one in each of two
     * JVMs) without recording them as written, so they are not sent back where they came from.
     */
    public void writeReplicated(long phys, byte[] source, int offset, int length) {
        check(phys, length);
        Checks.requireArgument(offset >= 0 && length >= 0 && offset + length <= source.length,
                "source range [%d, +%d) does not fit an array of %d", offset, length, source.length);
        copyIn(phys, source, offset, length);
    }

    private void copyIn(long phys, byte[] source, int offset, int length) {
        long at = phys;
        int done = 0;
        while (done < length) {
            int index = (int) (at >>> CHUNK_SHIFT);
            int chunkOffset = (int) at & CHUNK_MASK;
            int n = Math.min(length - done, CHUNK_SIZE - chunkOffset);
            System.arraycopy(source, offset + done, chunkForWrite(index), chunkOffset, n);
            at += n;
            done += n;
        }
    }

    /** Returns a copy of {@code length} bytes at {@code phys}. */
    public byte[] read(long phys, int length) {
        byte[] bytes = new byte[length];
        read(phys, bytes, 0, length);
        return bytes;
    }

    /**
     * Returns the physical address of the first byte in {@code [phys, phys+length)} that is not
     * {@code expected}, or -1 when every byte is. Untouched chunks are checked without being created.
     * This is how poison and red zones are verified.
     */
    public long findMismatch(long phys, long length, byte expected) {
        check(phys, length);
        long at = phys;
        long left = length;
        while (left > 0) {
            int index = (int) (at >>> CHUNK_SHIFT);
            int offset = (int) at & CHUNK_MASK;
            int n = (int) Math.min(left, CHUNK_SIZE - offset);
            byte[] c = chunk(index);
            if (c == null) {
                if (expected != 0) {
                    return at;
                }
            } else {
                for (int i = offset; i < offset + n; i++) {
                    if (c[i] != expected) {
                        return at + (i - offset);
                    }
                }
            }
            at += n;
            left -= n;
        }
        return -1;
    }

    // ---------------------------------------------------------------- write tracking

    /**
     * Starts recording which blocks of {@link #TRACKED_BLOCK} bytes are written, and counts every block of
     * a chunk that already holds data as written. The autograder keeps a replica of a machine's memory in
     * the grader and in the submission's JVM and sends each side's written blocks to the other; nothing
     * else needs this. Once on, tracking stays on; each write then also sets one bit.
     */
    public synchronized void trackWrites() {
        if (written != null) {
            return;
        }
        long blocks = ((size - 1) >>> TRACKED_SHIFT) + 1;
        long[] bits = new long[(int) ((blocks + 63) >>> 6)];
        summary = new long[(bits.length + 63) >>> 6];
        written = bits;
        for (int i = 0; i < chunks.length; i++) {
            if (chunk(i) != null) {
                long from = (long) i << CHUNK_SHIFT;
                mark(from, Math.min(CHUNK_SIZE, size - from));
            }
        }
    }

    /**
     * Returns the index of the first word at or after {@code fromWord} that may hold written-block bits
     * (see {@link #takeWritten(int)}), or -1 when none does or writes are not tracked. A second level of
     * bits, one per word, keeps this fast on a machine of gigabytes of which little was written.
     */
    public int nextWrittenWord(int fromWord) {
        long[] top = summary;
        if (top == null || fromWord < 0) {
            return -1;
        }
        for (int s = fromWord >>> 6; s < top.length; s++) {
            long bits = top[s];
            if (s == fromWord >>> 6) {
                bits &= -1L << (fromWord & 63);
            }
            if (bits != 0) {
                return (s << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        return -1;
    }

    /**
     * Returns the bits of blocks {@code 64*word ... 64*word+63} written since the last call for this word,
     * and clears them (atomically: a write racing with this call is reported now or by the next call).
     */
    public long takeWritten(int word) {
        WORDS.getAndBitwiseAnd(summary, word >>> 6, ~(1L << (word & 63)));
        return (long) WORDS.getAndSet(written, word, 0L);
    }

    private void mark(long phys, long length) {
        if (length <= 0) {
            return;
        }
        long[] bits = written;
        long[] top = summary;
        long last = (phys + length - 1) >>> TRACKED_SHIFT;
        for (long block = phys >>> TRACKED_SHIFT; block <= last; block++) {
            int word = (int) (block >>> 6);
            long bit = 1L << (block & 63);
            if ((bits[word] & bit) == 0) {
                WORDS.getAndBitwiseOr(bits, word, bit);
            }
            long topBit = 1L << (word & 63);
            if ((top[word >>> 6] & topBit) == 0) {
                WORDS.getAndBitwiseOr(top, word >>> 6, topBit);
            }
        }
    }

    // ---------------------------------------------------------------- internals

    private void check(long phys, long length) {
        if (phys < 0 || length < 0 || phys > size - length) {
            throw new IndexOutOfBoundsException(outOfRange(phys, length));
        }
    }

    /**
     * The check of a single value of {@code width} bytes, whose last possible address is {@code last}: one
     * test instead of two, since {@code phys | (last - phys)} is negative exactly when {@code phys < 0} or
     * {@code phys > last} (no overflow: {@code last >= -1}). The single values are on every allocator's
     * fast path, and each test there is a branch the JIT must keep.
     */
    private void checkValue(long phys, long last, int width) {
        if ((phys | (last - phys)) < 0) {
            throw new IndexOutOfBoundsException(outOfRange(phys, width));
        }
    }

    /**
     * Returns true when the {@code width} bytes at {@code phys}, {@code offset} bytes into their chunk, lie
     * inside RAM ({@code last} is the highest address where they fit, see {@link #checkValue}) and inside
     * one chunk. One branch for both questions: each term is negative exactly when one answer is no. The
     * rare rest (a straddling value, or an error) goes the slow way.
     */
    private static boolean insideOneChunk(long phys, long last, int offset, int width) {
        return (phys | (last - phys) | (CHUNK_SIZE - width - offset)) >= 0;
    }

    private String outOfRange(long phys, long length) {
        return Checks.format("physical access of %d bytes at 0x%x is outside RAM [0x0, 0x%x) of %s;"
                        + " check that the address came from this machine and was converted with pa()",
                length, phys, size, Sizes.human(size));
    }

    private byte[] chunk(int index) {
        return chunks[index];
    }

    private byte[] chunkForWrite(int index) {
        byte[] c = chunks[index];
        if (c != null) {
            return c;
        }
        byte[] fresh = new byte[CHUNK_SIZE];
        byte[] witness = (byte[]) CHUNKS.compareAndExchange(chunks, index, (byte[]) null, fresh);
        return witness == null ? fresh : witness;
    }

    private long readStraddling(long phys, int width) {
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            value = (value << 8) | (readByte(phys + i) & 0xff);
        }
        return value;
    }

    private void writeStraddling(long phys, long value, int width) {
        for (int i = 0; i < width; i++) {
            writeByte(phys + i, (byte) (value >>> (8 * i)));
        }
    }
}
