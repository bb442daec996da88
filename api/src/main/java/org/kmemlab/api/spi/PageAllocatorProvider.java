package org.kmemlab.api.spi;

/**
 * Creates {@link PageAllocator}s; found through {@link java.util.ServiceLoader} and chosen by name.
 *
 * <p>A module provides one with {@code provides org.kmemlab.api.spi.PageAllocatorProvider with ...;} and,
 * for the class path, a {@code META-INF/services/org.kmemlab.api.spi.PageAllocatorProvider} file.
 */
public interface PageAllocatorProvider extends Provider {

    /**
     * Creates a page allocator whose frames are all free.
     *
     * @param config the frames to manage and the highest order
     * @return a new, independent allocator; it MUST NOT share mutable state with others
     */
    PageAllocator create(PageAllocatorConfig config);
}
