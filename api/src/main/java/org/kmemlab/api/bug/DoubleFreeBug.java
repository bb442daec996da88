package org.kmemlab.api.bug;

/**
 * An object freed twice: SLUB's {@code Object already free}.
 *
 * <pre>
 * BUG kmalloc-64 (Not tainted): Object already free
 * INFO: Object 0xc0123440 in cache kmalloc-64
 * Hint: ...
 * </pre>
 */
public final class DoubleFreeBug extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final String cache;
    private final long address;

    /**
     * Creates a report.
     *
     * @param cache the cache (size class) the object belongs to, e.g. {@code kmalloc-64}
     * @param address the address freed twice
     * @param extraDetails further lines (allocation and free sites in debug mode), may be empty
     */
    public DoubleFreeBug(String cache, long address, String extraDetails) {
        super("BUG " + cache + " (Not tainted): Object already free",
                "INFO: Object " + hex(address) + " in cache " + cache
                        + (extraDetails == null || extraDetails.isEmpty() ? "" : "\n" + extraDetails),
                "each object must be freed exactly once; after kfree(p) set p to NULL so a second"
                        + " kfree(p) does nothing");
        this.cache = cache;
        this.address = address;
    }

    /** Creates a report without extra detail lines. */
    public DoubleFreeBug(String cache, long address) {
        this(cache, address, "");
    }

    /** Returns the cache the object belongs to. */
    public String cache() {
        return cache;
    }

    /** Returns the address freed twice. */
    public long address() {
        return address;
    }
}
