package org.kmemlab.api;

import java.util.Locale;

/**
 * GFP ("get free pages") flags: how an allocation may behave, with the kernel's names, bit values and
 * meanings (today's {@code include/linux/gfp_types.h}).
 *
 * <p>A caller builds a mask from one of the ready-made combinations, optionally with modifiers:
 * {@code GFP_KERNEL | __GFP_ZERO}. The combinations answer three questions:
 * <ul>
 *   <li><b>May the caller sleep?</b> {@link #__GFP_DIRECT_RECLAIM} says yes: the allocator may reclaim
 *       memory and wait. {@link #GFP_KERNEL} has it; {@link #GFP_ATOMIC} and {@link #GFP_NOWAIT} do not.
 *       Asking for a sleeping allocation in atomic context (an interrupt handler, under a spinlock) is a
 *       kernel bug.</li>
 *   <li><b>May it dig into the reserves?</b> {@link #__GFP_HIGH} (part of {@link #GFP_ATOMIC}) may take
 *       pages below the min watermark, because an interrupt handler cannot wait for memory.</li>
 *   <li><b>Which memory?</b> {@link #GFP_DMA} asks for ZONE_DMA (below 16 MiB), {@link #GFP_DMA32} for
 *       memory below 4 GiB; otherwise any zone, highest first.</li>
 * </ul>
 *
 * <p>In Linux 2.0 these were not bits but levels ({@code include/linux/mm.h}, tag 2.0, lines 300-310):
 * {@code GFP_BUFFER} 0, {@code GFP_ATOMIC} 1, {@code GFP_USER} 2, {@code GFP_KERNEL} 3,
 * {@code GFP_NOBUFFER} 4, {@code GFP_NFS} 5, with {@code GFP_DMA} 0x80 OR-ed in. kmemlab uses today's bits
 * in both eras; each 2.0 level has a mask here ({@link #GFP_BUFFER}, {@link #GFP_USER},
 * {@link #GFP_NOBUFFER}, {@link #GFP_NFS}, and the shared {@link #GFP_ATOMIC} and {@link #GFP_KERNEL}),
 * {@link #linux20Level(int)} gives the 2.0 number back, and on the 2.0 era the page allocator applies
 * 2.0's rules ({@code mm/page_alloc.c}, lines 189-203): {@code GFP_ATOMIC} skips the reserve check,
 * {@code GFP_NFS} keeps only 5 pages, every other level keeps {@code min_free_pages}; all but
 * {@code GFP_BUFFER} (and {@code GFP_ATOMIC}) reclaim when the check fails.
 *
 * <p>The constants keep the kernel's spelling, double underscores included, so that kernel code and
 * kmemlab code read alike.
 */
public final class Gfp {

    /** Take memory from ZONE_DMA only. */
    public static final int __GFP_DMA = 0x01;
    /** Memory may come from ZONE_HIGHMEM (no such zone is simulated; kept for its bit). */
    public static final int __GFP_HIGHMEM = 0x02;
    /** Take memory from ZONE_DMA32 (or lower). */
    public static final int __GFP_DMA32 = 0x04;
    /** The pages can be moved by compaction. */
    public static final int __GFP_MOVABLE = 0x08;
    /** The object can be reclaimed (kmalloc-rcl caches). */
    public static final int __GFP_RECLAIMABLE = 0x10;
    /** High priority: may use part of the reserve below the min watermark. */
    public static final int __GFP_HIGH = 0x20;
    /** May start physical I/O. */
    public static final int __GFP_IO = 0x40;
    /** May call into the filesystem layer. */
    public static final int __GFP_FS = 0x80;
    /** Return zeroed memory. */
    public static final int __GFP_ZERO = 0x100;
    /** May enter direct reclaim: the caller can sleep. */
    public static final int __GFP_DIRECT_RECLAIM = 0x400;
    /** Wake kswapd when memory falls below the low watermark. */
    public static final int __GFP_KSWAPD_RECLAIM = 0x800;
    /** Do not log the allocation failure report. */
    public static final int __GFP_NOWARN = 0x2000;
    /** Try hard, but the allocation may still fail; never invoke the OOM killer. */
    public static final int __GFP_RETRY_MAYFAIL = 0x4000;
    /** Retry forever: the allocation cannot fail. Discouraged. */
    public static final int __GFP_NOFAIL = 0x8000;
    /** Give up after one light attempt at reclaim. */
    public static final int __GFP_NORETRY = 0x10000;
    /** May use all reserves (memory-reclaim paths only). */
    public static final int __GFP_MEMALLOC = 0x20000;
    /** Make a compound page. */
    public static final int __GFP_COMP = 0x40000;
    /** Never use emergency reserves, whatever else the mask says. */
    public static final int __GFP_NOMEMALLOC = 0x80000;

    /** Both reclaim bits: may sleep in direct reclaim and wakes kswapd. */
    public static final int __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

    /** The normal kernel allocation: may sleep, reclaim, start I/O and call filesystems. */
    public static final int GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
    /** From interrupt context or under a spinlock: never sleeps, may use the atomic reserve. */
    public static final int GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
    /** Never sleeps and has no reserve: expected to fail under pressure, and quietly. */
    public static final int GFP_NOWAIT = __GFP_KSWAPD_RECLAIM | __GFP_NOWARN;
    /** May reclaim but must not start I/O. */
    public static final int GFP_NOIO = __GFP_RECLAIM;
    /** May reclaim and do I/O but must not call into filesystems. */
    public static final int GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
    /** Memory an ISA DMA controller can reach (ZONE_DMA, below 16 MiB); combine with a base mask. */
    public static final int GFP_DMA = __GFP_DMA;
    /** Memory a 32-bit device can reach (below 4 GiB); combine with a base mask. */
    public static final int GFP_DMA32 = __GFP_DMA32;

    // Linux 2.0's priority levels (include/linux/mm.h, tag 2.0, lines 300-305) as kmemlab masks.
    /**
     * Linux 2.0's {@code GFP_BUFFER} (level 0), for buffer-cache pages: must leave {@code min_free_pages}
     * and never reclaims (a buffer is not worth evicting another page), and kmalloc prints no
     * {@code Couldn't get a free page} for it. As a mask: no direct reclaim, no reserve.
     */
    public static final int GFP_BUFFER = __GFP_KSWAPD_RECLAIM;
    /**
     * Linux 2.0's {@code GFP_USER} (level 2), for pages of user processes: in {@code __get_free_pages}
     * the same as {@link #GFP_KERNEL}, and so the same mask here. (Today's {@code GFP_USER} adds
     * {@code __GFP_HARDWALL} for cpusets, which kmemlab does not simulate.)
     */
    public static final int GFP_USER = GFP_KERNEL;
    /**
     * Linux 2.0's {@code GFP_NOBUFFER} (level 4): reclaims like {@link #GFP_KERNEL}, but reclaim must not
     * write buffers back; as a mask {@link #GFP_NOIO}.
     */
    public static final int GFP_NOBUFFER = GFP_NOIO;
    /**
     * Linux 2.0's {@code GFP_NFS} (level 5), for the NFS client's pages: may sleep and reclaim, and must
     * leave only 5 free pages instead of {@code min_free_pages} ({@code mm/page_alloc.c}, tag 2.0, lines
     * 189-191); as a mask {@link #GFP_KERNEL} with {@link #__GFP_HIGH}.
     */
    public static final int GFP_NFS = GFP_KERNEL | __GFP_HIGH;
    /** Linux 2.0's {@code GFP_DMA}: a flag OR-ed into the level ({@code 0x80}). */
    public static final int LINUX20_GFP_DMA_FLAG = 0x80;
    /** The free pages Linux 2.0 kept from {@code GFP_NFS} requests ({@code reserved_pages = 5}). */
    public static final int LINUX20_NFS_RESERVE = 5;

    /**
     * The names {@link #toString(int)} prints, in the kernel's order: combinations before the bits they
     * contain, so that {@code 0xcc0} prints as {@code GFP_KERNEL} and not as five single bits.
     */
    private static final int[] MASKS = {
        GFP_KERNEL, GFP_NOFS, GFP_ATOMIC, GFP_NOIO, GFP_NOWAIT, GFP_DMA, __GFP_HIGHMEM, GFP_DMA32,
        __GFP_MOVABLE, __GFP_RECLAIMABLE, __GFP_HIGH, __GFP_IO, __GFP_FS, __GFP_ZERO, __GFP_RECLAIM,
        __GFP_DIRECT_RECLAIM, __GFP_KSWAPD_RECLAIM, __GFP_NOWARN, __GFP_RETRY_MAYFAIL, __GFP_NOFAIL,
        __GFP_NORETRY, __GFP_MEMALLOC, __GFP_COMP, __GFP_NOMEMALLOC,
    };
    private static final String[] NAMES = {
        "GFP_KERNEL", "GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO", "GFP_NOWAIT", "GFP_DMA", "__GFP_HIGHMEM",
        "GFP_DMA32", "__GFP_MOVABLE", "__GFP_RECLAIMABLE", "__GFP_HIGH", "__GFP_IO", "__GFP_FS",
        "__GFP_ZERO", "__GFP_RECLAIM", "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_NOWARN",
        "__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_MEMALLOC", "__GFP_COMP",
        "__GFP_NOMEMALLOC",
    };

    private Gfp() {
    }

    /**
     * Formats a mask the way the kernel's {@code %pGg} does: known names joined by {@code |}, combinations
     * first, any unknown bits left over as one hex number; {@code none} for 0.
     * Examples: {@code GFP_KERNEL|__GFP_ZERO}, {@code GFP_ATOMIC|GFP_DMA}, {@code GFP_KERNEL|0x1000000}.
     */
    public static String toString(int gfp) {
        if (gfp == 0) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        int rest = gfp;
        for (int i = 0; i < MASKS.length && rest != 0; i++) {
            if ((rest & MASKS[i]) == MASKS[i]) {
                if (out.length() > 0) {
                    out.append('|');
                }
                out.append(NAMES[i]);
                rest &= ~MASKS[i];
            }
        }
        if (rest != 0) {
            if (out.length() > 0) {
                out.append('|');
            }
            out.append("0x").append(Integer.toHexString(rest));
        }
        return out.toString();
    }

    /**
     * Formats a mask as the page-allocation failure report shows it: {@code 0xcc0(GFP_KERNEL)}.
     */
    public static String mode(int gfp) {
        return "0x" + Integer.toHexString(gfp) + "(" + toString(gfp) + ")";
    }

    /**
     * Parses a mask written as names and hex numbers joined by {@code |}, the output of
     * {@link #toString(int)}: {@code GFP_KERNEL|__GFP_ZERO}, {@code GFP_ATOMIC|GFP_DMA}, {@code 0x820}.
     * Names may be written without their {@code GFP_}/{@code __GFP_} prefix and in any case
     * ({@code kernel|zero}).
     *
     * @throws IllegalArgumentException naming the part that is not a flag, and listing the names
     */
    public static int parse(String text) {
        Checks.requireNonNull(text, "gfp mask");
        if (text.isBlank()) {
            throw new IllegalArgumentException("an empty gfp mask; write for example GFP_KERNEL");
        }
        if (text.trim().equalsIgnoreCase("none")) {
            return 0;
        }
        int gfp = 0;
        for (String part : text.split("\\|")) {
            gfp |= parsePart(part.trim());
        }
        return gfp;
    }

    private static int parsePart(String part) {
        if (part.startsWith("0x") || part.startsWith("0X")) {
            try {
                return Integer.parseUnsignedInt(part.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part + "' is not a hex gfp mask", e);
            }
        }
        String upper = part.toUpperCase(Locale.ROOT);
        for (int i = 0; i < NAMES.length; i++) {
            String name = NAMES[i];
            String bare = name.replaceFirst("^_*GFP_", "");
            if (name.equals(upper) || bare.equals(upper)) {
                return MASKS[i];
            }
        }
        throw new IllegalArgumentException("'" + part + "' is not a gfp flag; known flags: "
                + String.join(", ", NAMES));
    }

    /**
     * Returns Linux 2.0's priority number for a mask: the level ({@code GFP_BUFFER} 0 … {@code GFP_NFS} 5)
     * with {@code 0x80} for {@code GFP_DMA}, as 2.0's {@code kmalloc(size, priority)} received it.
     * {@code __GFP_HIGH} without blocking is {@code GFP_ATOMIC} (1), with blocking {@code GFP_NFS} (5);
     * no blocking otherwise is {@code GFP_BUFFER} (0); blocking without I/O is {@code GFP_NOBUFFER} (4);
     * any other blocking mask is {@code GFP_KERNEL} (3), which {@link #GFP_USER} shares.
     */
    public static int linux20Level(int gfp) {
        boolean blocking = allowsBlocking(gfp);
        int level;
        if ((gfp & __GFP_HIGH) != 0) {
            level = blocking ? 5 : 1;
        } else if (!blocking) {
            level = 0;
        } else {
            level = (gfp & __GFP_IO) == 0 ? 4 : 3;
        }
        return level | ((gfp & __GFP_DMA) != 0 ? LINUX20_GFP_DMA_FLAG : 0);
    }

    /** Returns true when the mask allows the caller to sleep ({@code gfpflags_allow_blocking}). */
    public static boolean allowsBlocking(int gfp) {
        return (gfp & __GFP_DIRECT_RECLAIM) != 0;
    }

    /** Returns true when {@code flag} (one or more bits) is fully set in {@code gfp}. */
    public static boolean has(int gfp, int flag) {
        return (gfp & flag) == flag;
    }

    /**
     * Returns the highest zone a request with this mask may use; it may fall back to the zones below
     * ({@code gfp_zone()}): DMA for {@code GFP_DMA}, DMA32 for {@code GFP_DMA32}, otherwise Normal.
     */
    public static ZoneType highestZone(int gfp) {
        if ((gfp & __GFP_DMA) != 0) {
            return ZoneType.DMA;
        }
        if ((gfp & __GFP_DMA32) != 0) {
            return ZoneType.DMA32;
        }
        return ZoneType.NORMAL;
    }
}
