package org.kmemlab.dmazone;

import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * Provides the reference zone allocator under the name {@value #NAME}: DMA, DMA32 and Normal zones
 * with the watermarks, lowmem_reserve, zonelist fallback, reclaim and bounded waiting of the machine's
 * era. Found through {@link java.util.ServiceLoader}; nothing else in this module is public.
 */
public final class DmaZoneAllocatorProvider implements ZoneAllocatorProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = org.kmemlab.api.spi.ReferenceProviders.ZONES;

    /** Creates the provider; cheap, as the registry requires. */
    public DmaZoneAllocatorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reference zone allocator: zones, watermarks, lowmem_reserve, fallback, reclaim (dma-zone)";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code min_free_kbytes} exceeds the machine's RAM
     */
    @Override
    public ZoneAllocator create(ZoneAllocatorConfig config) {
        return DmaZoneAllocator.create(Checks.requireNonNull(config, "zone allocator config"));
    }
}
