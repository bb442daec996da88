package org.kmemlab.api.spi;

/**
 * Creates {@link ObjectAllocator}s; found through {@link java.util.ServiceLoader} and chosen by name.
 */
public interface ObjectAllocatorProvider extends Provider {

    /**
     * Creates an object allocator that holds no page yet.
     *
     * @param config the machine, the page source and the era of size classes
     * @return a new, independent allocator
     */
    ObjectAllocator create(ObjectAllocatorConfig config);
}
