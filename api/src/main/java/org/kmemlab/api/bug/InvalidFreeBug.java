package org.kmemlab.api.bug;

/**
 * A free (or ksize) of an address the allocator never handed out: not inside any of its pages, inside
 * a page but not at an object boundary, or with a size that does not match the allocation.
 *
 * <p>Inside a cache the report is SLUB's {@code Invalid object pointer}; for an address no allocator
 * owns it is Linux 2.0's {@code kfree of non-kmalloced memory}.
 */
public final class InvalidFreeBug extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final long address;

    private InvalidFreeBug(String headline, String details, String advice, long address) {
        super(headline, details, advice);
        this.address = address;
    }

    /** Returns the address that was passed. */
    public long address() {
        return address;
    }

    /** The address lies in a page of {@code cache} but not at the start of an object. */
    public static InvalidFreeBug notAnObject(String cache, long address, long objectStart, long offset) {
        return new InvalidFreeBug("BUG " + cache + " (Not tainted): Invalid object pointer " + hex(address),
                "INFO: " + hex(address) + " is " + offset + " bytes into the object at " + hex(objectStart),
                "pass kfree() the pointer kmalloc() returned, not a pointer into the middle of the object",
                address);
    }

    /** The address does not belong to this allocator (or to any allocator). */
    public static InvalidFreeBug notOwned(String who, long address) {
        return new InvalidFreeBug("BUG: kfree of non-kmalloced memory: " + hex(address),
                "INFO: " + hex(address) + " is not in any page owned by " + who,
                "free only pointers that the same allocator returned, and only once",
                address);
    }

    /** The old {@code kfree_s(addr, size)} was given a size that does not match the allocation. */
    public static InvalidFreeBug wrongSize(String cache, long address, long size, long objectSize) {
        return new InvalidFreeBug("BUG " + cache + " (Not tainted): kfree_s of " + hex(address)
                        + " with wrong size " + size,
                "INFO: the object at " + hex(address) + " is " + objectSize + " bytes (cache " + cache + ")",
                "pass kfree_s() the size you passed to kmalloc(), or call kfree() which needs no size",
                address);
    }

    /** The generic form, for reports that fit none of the above. */
    public static InvalidFreeBug of(String headline, String details, String advice, long address) {
        return new InvalidFreeBug(headline, details, advice, address);
    }
}
