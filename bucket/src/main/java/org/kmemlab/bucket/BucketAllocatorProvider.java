package org.kmemlab.bucket;

import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;

/**
 * Provides the reference bucket allocator under the name {@value #NAME}.
 *
 * <p>Found through {@link java.util.ServiceLoader} (the module's {@code provides} clause on the module
 * path, {@code META-INF/services} on the class path) and chosen by name:
 * <pre>
 * ObjectAllocator buckets = ProviderRegistry.load(ObjectAllocatorProvider.class)
 *         .get("bucket-reference")
 *         .create(new ObjectAllocatorConfig(machine, pageSource, Era.LINUX_2_0));
 * </pre>
 * The era picks the size classes: Linux 2.0's buckets (32 … 131056-byte blocks with headers) or the
 * modern SLUB-like caches (8 … 8192 bytes).
 */
public final class BucketAllocatorProvider implements ObjectAllocatorProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = org.kmemlab.api.spi.ReferenceProviders.OBJECTS;

    /** Creates the provider; cheap, as the registry instantiates every provider to learn its name. */
    public BucketAllocatorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reference bucket allocator: Linux 2.0 kmalloc buckets or SLUB-like kmalloc caches, with DMA caches";
    }

    @Override
    public ObjectAllocator create(ObjectAllocatorConfig config) {
        return new BucketAllocator(Checks.requireNonNull(config, "config"));
    }
}
