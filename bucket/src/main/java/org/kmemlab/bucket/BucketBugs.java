package org.kmemlab.bucket;

import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;

/**
 * The reports the bucket allocator raises, worded like SLUB's: the cache and the address first, one
 * sentence of advice last. Built only when something is wrong, so the hot paths never format a string.
 */
final class BucketBugs {

    /** How {@code kfree of non-kmalloced memory} names this allocator. */
    static final String OWNER = "the bucket allocator (kmalloc caches)";

    private BucketBugs() {
    }

    /** The address is in no page of this allocator. */
    static KernelBug notOwned(long address) {
        return InvalidFreeBug.notOwned(OWNER, address);
    }

    /** The address points into the middle of a live or free object. */
    static KernelBug interior(String cache, long address, long objectStart, long offset) {
        return InvalidFreeBug.notAnObject(cache, address, objectStart, offset);
    }

    /**
     * The address is in a slab but in no object: the 2.0 page descriptor, a block header, or the unused
     * tail of the slab.
     */
    static KernelBug notInAnObject(String cache, long address, String where, long slabVirt) {
        return InvalidFreeBug.of("BUG " + cache + " (Not tainted): Invalid object pointer 0x" + Long.toHexString(address),
                "INFO: 0x" + Long.toHexString(address) + " is in the " + where + " of the slab at 0x"
                        + Long.toHexString(slabVirt) + ", not in an object",
                "pass kfree() the pointer kmalloc() returned, not an address computed from it",
                address);
    }

    /** The object is already free. */
    static KernelBug doubleFree(String cache, long address) {
        return new DoubleFreeBug(cache, address);
    }

    /** ksize() of an object that is already free. */
    static KernelBug sizeOfFreeObject(String cache, long address) {
        return new DoubleFreeBug(cache, address, "INFO: ksize() was asked for its size after it was freed");
    }

    /** A free pointer (or a 2.0 free block's flag) does not hold what a free object must hold. */
    static KernelBug freelistCorrupt(String cache, long slabVirt, long objectVirt, String what) {
        return new KernelBug("BUG " + cache + " (Not tainted): Freepointer corrupt",
                "INFO: Slab 0x" + Long.toHexString(slabVirt) + " free object 0x" + Long.toHexString(objectVirt)
                        + ": " + what,
                "a free object was written after kfree() (a use after free) or by an overflow of its"
                        + " neighbour; look for the last writer of this address");
    }

    /** 2.0: the header of a live block lost its MF_USED/MF_DMA flag, so something wrote over it. */
    static KernelBug headerOverwritten(String cache, long headerVirt, int found, int expected) {
        return new CorruptionBug(cache, "Block header", headerVirt, headerVirt + 3, -SizeClassTable.BLOCK_HEADER_BYTES,
                (byte) found, (byte) expected,
                Checks.format("INFO: bh_flags 0x%08x instead of %s 0x%08x", found,
                        expected == SlabLayout.MF_DMA ? "MF_DMA" : "MF_USED", expected),
                "the block before this one was written past its end; an object holds ksize() bytes, not the"
                        + " block size");
    }
}
