package org.kmemlab.slab;

import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.ReferenceProviders;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;

/**
 * Provides the reference slab cache under the name {@value #NAME}.
 *
 * <p>Found through {@link java.util.ServiceLoader} (the module's {@code provides} clause on the module
 * path, {@code META-INF/services} on the class path) and chosen by name:
 * <pre>
 * SlabCache dentries = ProviderRegistry.load(SlabCacheProvider.class)
 *         .get("slab-reference")
 *         .create(new SlabCacheConfig(machine, pageSource, "dentry", 192, 0, SlabFlags.SLAB_HWCACHE_ALIGN, ctor));
 * </pre>
 */
public final class SlabAllocatorProvider implements SlabCacheProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = ReferenceProviders.SLABS;

    /** Creates the provider; cheap, as the registry instantiates every provider to learn its name. */
    public SlabAllocatorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reference slab cache: Bonwick's kmem_cache with constructors, colouring, poison and red zones";
    }

    @Override
    public SlabCache create(SlabCacheConfig config) {
        return new SlabAllocator(Checks.requireNonNull(config, "config"));
    }
}
