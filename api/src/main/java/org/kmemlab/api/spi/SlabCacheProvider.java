package org.kmemlab.api.spi;

/**
 * Creates {@link SlabCache}s; found through {@link java.util.ServiceLoader} and chosen by name
 * ({@code kmemlab.slab=slab-reference}).
 */
public interface SlabCacheProvider extends Provider {

    /**
     * Creates a cache that holds no slab yet ({@code kmem_cache_create}).
     *
     * @param config the object size, alignment, flags, constructor and page source
     * @return a new, independent cache
     */
    SlabCache create(SlabCacheConfig config);
}
