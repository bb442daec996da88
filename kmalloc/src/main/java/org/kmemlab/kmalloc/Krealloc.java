package org.kmemlab.kmalloc;

import org.kmemlab.api.Checks;

/**
 * {@code krealloc}, built on the kernel's public {@code kmalloc}, {@code ksize} and {@code kfree} alone (so
 * it goes through the debug wrapper when there is one), as Linux builds it in {@code mm/slab_common.c}.
 *
 * <p>The allocation's usable size decides: an object of {@code kmalloc-64} that held 40 bytes can grow to
 * 64 where it is, since {@code ksize} is 64; growing it to 1000 bytes takes a new object from
 * {@code kmalloc-1024}, copies the 64 bytes the old one could hold, and frees the old one. Shrinking always
 * stays in place (the spare bytes are not given back). When the new object cannot be had, the old one is
 * left as it was and NULL is returned, so a caller that writes {@code p = krealloc(p, …)} leaks it: the
 * usual advice is a temporary.
 */
final class Krealloc {

    private Krealloc() {
    }

    /** See {@link Kernel#krealloc(long, long, int)}. */
    static long krealloc(Kernel kernel, long addr, long newSize, int gfp) {
        if (Long.compareUnsigned(addr, Kernel.ZERO_SIZE_PTR) <= 0) {
            return kernel.kmalloc(newSize, gfp);
        }
        Checks.requireArgument(newSize >= 0, "krealloc size %d is negative", newSize);
        if (newSize == 0) {
            kernel.kfree(addr);
            return Kernel.ZERO_SIZE_PTR;
        }
        long have = kernel.ksize(addr);
        if (newSize <= have) {
            kernel.machine().context().mightSleep(gfp, "krealloc");
            return addr;
        }
        long fresh = kernel.kmalloc(newSize, gfp);
        if (fresh == Kernel.NULL) {
            return Kernel.NULL;
        }
        kernel.machine().memory().copy(kernel.machine().pa(addr), kernel.machine().pa(fresh), have);
        kernel.kfree(addr);
        return fresh;
    }
}
