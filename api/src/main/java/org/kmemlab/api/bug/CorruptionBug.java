package org.kmemlab.api.bug;

import org.kmemlab.api.Checks;

/**
 * Debug checks found bytes that should not have changed: a red zone written past an object's end, or
 * the poison of a freed object overwritten (a use after free). SLUB's report:
 *
 * <pre>
 * BUG kmalloc-64 (Not tainted): Right Redzone overwritten
 * 0xc0123480-0xc0123483 @offset=64. First byte 0x41 instead of 0xcc
 * FIX kmalloc-64: Restoring Right Redzone 0xc0123480-0xc0123487=0xcc
 * Hint: ...
 * </pre>
 */
public final class CorruptionBug extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final String cache;
    private final String what;
    private final long firstBad;

    /**
     * Creates a report.
     *
     * @param cache the cache, e.g. {@code kmalloc-64}
     * @param what what was overwritten: {@code Left Redzone}, {@code Right Redzone}, {@code Poison},
     *             {@code End Poison}, {@code Padding}
     * @param from the first corrupted address
     * @param to the last corrupted address (inclusive)
     * @param offset the offset of {@code from} in the object
     * @param found the first wrong byte
     * @param expected the byte that should be there
     * @param extraDetails further lines (allocation and free sites, the fix-up), may be empty
     * @param advice one sentence for a student
     */
    public CorruptionBug(String cache, String what, long from, long to, long offset, byte found, byte expected,
                         String extraDetails, String advice) {
        super("BUG " + cache + " (Not tainted): " + what + " overwritten",
                Checks.format("%s-%s @offset=%d. First byte 0x%02x instead of 0x%02x",
                        hex(from), hex(to), offset, found & 0xff, expected & 0xff)
                        + (extraDetails == null || extraDetails.isEmpty() ? "" : "\n" + extraDetails),
                advice);
        this.cache = cache;
        this.what = what;
        this.firstBad = from;
    }

    /** Returns the cache whose object was corrupted. */
    public String cache() {
        return cache;
    }

    /** Returns what was overwritten ({@code Right Redzone}, {@code Poison}, …). */
    public String what() {
        return what;
    }

    /** Returns the first corrupted address. */
    public long firstBadAddress() {
        return firstBad;
    }
}
