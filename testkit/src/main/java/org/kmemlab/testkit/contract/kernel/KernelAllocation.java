package org.kmemlab.testkit.contract.kernel;

import org.kmemlab.api.Gfp;

/**
 * Memory the kernel under test handed out, under the label the trace names it by: a kmalloc object
 * ({@code order} −1) or a block of {@code getFreePages}.
 *
 * @param label the handle in the trace: {@code p3} for kmalloc, {@code g3} for pages
 * @param id a small number unique in the chain, written into the allocation's pattern
 * @param addr the address returned
 * @param size the bytes asked for (for pages, the block's bytes)
 * @param extent the bytes it owns: {@code ksize} for kmalloc, {@code 2^order} pages for pages
 * @param gfp the flags it was allocated with
 * @param order the page order, or −1 for kmalloc memory
 */
record KernelAllocation(String label, int id, long addr, long size, long extent, int gfp, int order) {

    boolean isPages() {
        return order >= 0;
    }

    long end() {
        return addr + extent;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(addr) + " (" + (isPages() ? "order " + order : size + " bytes asked, ksize "
                + extent) + ", " + Gfp.toString(gfp) + ")";
    }
}
