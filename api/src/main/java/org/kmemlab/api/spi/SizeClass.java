package org.kmemlab.api.spi;

import org.kmemlab.api.Checks;

/**
 * One size class of an {@link ObjectAllocator}, as {@link ObjectAllocator#sizeClasses()} declares it.
 *
 * @param name the cache's {@code /proc/slabinfo} name, e.g. {@code kmalloc-96} or {@code dma-kmalloc-96}
 * @param size the usable size of its objects: what {@code usableSize} returns for them
 * @param dma true for a class served from DMA pages ({@code __GFP_DMA} requests)
 */
public record SizeClass(String name, long size, boolean dma) {

    /** Checks the fields. */
    public SizeClass {
        Checks.requireNonNull(name, "size class name");
        Checks.requireArgument(size > 0, "size class %s has size %d; it must be positive", name, size);
    }
}
