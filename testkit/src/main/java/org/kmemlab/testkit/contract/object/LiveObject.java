package org.kmemlab.testkit.contract.object;

import org.kmemlab.api.Gfp;

/**
 * An object the allocator under test returned, under the label the trace names it by.
 *
 * @param label the handle in the trace, e.g. {@code o3}
 * @param id a small number unique in the chain, written into the object's pattern
 * @param addr the address returned
 * @param size the size asked for
 * @param usable what {@code usableSize} said when it was allocated
 * @param gfp the flags it was allocated with
 */
record LiveObject(String label, int id, long addr, long size, long usable, int gfp) {

    long end() {
        return addr + usable;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(addr) + " (" + size + " bytes asked, " + usable + " usable, "
                + Gfp.toString(gfp) + ")";
    }
}
