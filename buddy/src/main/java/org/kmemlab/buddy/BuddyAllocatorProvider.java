package org.kmemlab.buddy;

import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * Provides the reference {@link BuddyAllocator} under the name {@value #NAME}.
 *
 * <p>Found by {@link java.util.ServiceLoader}: on the module path through this module's {@code provides}
 * clause, on the class path through {@code META-INF/services/org.kmemlab.api.spi.PageAllocatorProvider}.
 * Creating the provider costs nothing; each {@link #create} builds an independent allocator.
 */
public final class BuddyAllocatorProvider implements PageAllocatorProvider {

    /** The name this provider is chosen by ({@code kmemlab.pages=buddy-reference}). */
    public static final String NAME = org.kmemlab.api.spi.ReferenceProviders.PAGES;

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public BuddyAllocatorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reference binary buddy allocator: intrusive free lists in int arrays, 9 bytes per frame";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the zone has more than 2^30 frames
     */
    @Override
    public PageAllocator create(PageAllocatorConfig config) {
        return new BuddyAllocator(config);
    }
}
