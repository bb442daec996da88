package org.kmemlab.api.spi;

import org.kmemlab.api.Checks;

/**
 * The flags of {@code kmem_cache_create}, with Linux's names and values ({@code include/linux/slab.h}),
 * and the alignment rule every {@link SlabCache} MUST follow.
 *
 * <h2>The flags</h2>
 * <ul>
 *   <li>{@link #SLAB_HWCACHE_ALIGN}: start objects on a cache line ({@value #CACHE_LINE_SIZE} bytes), or
 *       on the smallest power of two that still keeps two small objects out of one line, so that two CPUs
 *       writing neighbouring objects do not fight over a line.</li>
 *   <li>{@link #SLAB_POISON}: while an object is free its bytes are {@link #POISON_FREE}, the last one
 *       {@link #POISON_END}; a byte that changed while the object was free is a write after free. Ignored
 *       for a cache with a constructor (the free object holds its constructed state), as SLUB does.</li>
 *   <li>{@link #SLAB_RED_ZONE}: {@value #RED_ZONE_SIZE} bytes after every object are
 *       {@link #RED_ACTIVE} while it is allocated and {@link #RED_INACTIVE} while it is free; a changed
 *       byte is a write past the end of the object.</li>
 *   <li>{@link #SLAB_CACHE_DMA}: slabs come from ZONE_DMA (the page source is asked with
 *       {@code __GFP_DMA}).</li>
 * </ul>
 * Flags not listed are errors ({@link #check(int)}).
 */
public final class SlabFlags {

    private SlabFlags() {
    }

    /** Check red zones around every object ({@code SLAB_RED_ZONE}, 0x400). */
    public static final int SLAB_RED_ZONE = 0x0000_0400;
    /** Poison free objects ({@code SLAB_POISON}, 0x800). */
    public static final int SLAB_POISON = 0x0000_0800;
    /** Align objects on cache lines ({@code SLAB_HWCACHE_ALIGN}, 0x2000). */
    public static final int SLAB_HWCACHE_ALIGN = 0x0000_2000;
    /** Take slabs from ZONE_DMA ({@code SLAB_CACHE_DMA}, 0x4000). */
    public static final int SLAB_CACHE_DMA = 0x0000_4000;

    /** Every flag a slab cache understands. */
    public static final int ALL = SLAB_RED_ZONE | SLAB_POISON | SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA;

    /** The simulated machine's cache line: 64 bytes, as on every x86 since the Pentium 4. */
    public static final int CACHE_LINE_SIZE = 64;
    /** The least alignment of any object: the size of a pointer ({@code ARCH_SLAB_MINALIGN}). */
    public static final int MIN_ALIGN = 8;
    /** The bytes of red zone after each object when {@link #SLAB_RED_ZONE} is set: one word. */
    public static final int RED_ZONE_SIZE = 8;

    /** A free, poisoned object's bytes ({@code POISON_FREE}, 'k'). */
    public static final byte POISON_FREE = 0x6b;
    /** The last byte of a free, poisoned object ({@code POISON_END}). */
    public static final byte POISON_END = (byte) 0xa5;
    /** The red zone of an allocated object ({@code SLUB_RED_ACTIVE}). */
    public static final byte RED_ACTIVE = (byte) 0xcc;
    /** The red zone of a free object ({@code SLUB_RED_INACTIVE}). */
    public static final byte RED_INACTIVE = (byte) 0xbb;

    /**
     * Throws {@link IllegalArgumentException} naming the first unknown bit of {@code flags}.
     *
     * @return {@code flags}
     */
    public static int check(int flags) {
        int unknown = flags & ~ALL;
        Checks.requireArgument(unknown == 0, "slab flag 0x%x is not one of SLAB_RED_ZONE, SLAB_POISON,"
                + " SLAB_HWCACHE_ALIGN, SLAB_CACHE_DMA", Integer.lowestOneBit(unknown));
        return flags;
    }

    /**
     * Returns the alignment of a cache's objects, as Linux's {@code calculate_alignment}: with
     * {@link #SLAB_HWCACHE_ALIGN} the cache line, halved while the object fits in half of it (a 20-byte
     * object gets 32, a 100-byte one 64); then at least {@code align} and at least {@link #MIN_ALIGN}.
     *
     * <p>Worked example: size 24, align 0, HWCACHE_ALIGN: 64 → 32 (24 &lt;= 32), stop (24 &gt; 16): 32.
     *
     * @param flags the cache's flags
     * @param align the alignment asked for, 0 or a power of two
     * @param size the object size
     */
    public static int alignment(int flags, int align, long size) {
        int result = MIN_ALIGN;
        if ((flags & SLAB_HWCACHE_ALIGN) != 0) {
            int line = CACHE_LINE_SIZE;
            while (size <= line / 2 && line > MIN_ALIGN) {
                line >>>= 1;
            }
            result = Math.max(result, line);
        }
        return Math.max(result, align);
    }

    /** Returns {@code flags} as Linux would write them: {@code SLAB_HWCACHE_ALIGN|SLAB_POISON}, or {@code 0}. */
    public static String toString(int flags) {
        StringBuilder out = new StringBuilder();
        name(out, flags, SLAB_RED_ZONE, "SLAB_RED_ZONE");
        name(out, flags, SLAB_POISON, "SLAB_POISON");
        name(out, flags, SLAB_HWCACHE_ALIGN, "SLAB_HWCACHE_ALIGN");
        name(out, flags, SLAB_CACHE_DMA, "SLAB_CACHE_DMA");
        int unknown = flags & ~ALL;
        if (unknown != 0) {
            out.append(out.length() == 0 ? "" : "|").append("0x").append(Integer.toHexString(unknown));
        }
        return out.length() == 0 ? "0" : out.toString();
    }

    private static void name(StringBuilder out, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            out.append(out.length() == 0 ? "" : "|").append(name);
        }
    }
}
