package org.kmemlab.api.spi;

/**
 * Creates {@link ZoneAllocator}s; found through {@link java.util.ServiceLoader} and chosen by name.
 */
public interface ZoneAllocatorProvider extends Provider {

    /**
     * Creates a zone allocator: retires the machine's boot memory (if that has not happened yet) and
     * frees every unreserved frame into page allocators created by {@code config.pageAllocators()}.
     * Each machine should get one zone allocator: two would hand out the same frames.
     */
    ZoneAllocator create(ZoneAllocatorConfig config);
}
