package org.kmemlab.testkit.contract.zone;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * The page allocator provider the contract hands to the zone allocator under test: it creates through
 * the real provider and remembers every allocator, so the contract can see which frames the zone
 * allocator gave to its page allocators at boot and what each of them holds free now.
 */
final class TrackingPageAllocators implements PageAllocatorProvider {

    private final PageAllocatorProvider delegate;
    private final List<PageAllocator> created = new ArrayList<>();
    private final List<PageAllocatorConfig> configs = new ArrayList<>();

    TrackingPageAllocators(PageAllocatorProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public synchronized PageAllocator create(PageAllocatorConfig config) {
        PageAllocator allocator = delegate.create(config);
        created.add(allocator);
        configs.add(config);
        return allocator;
    }

    /** Returns the allocators created so far, in creation order. */
    synchronized List<PageAllocator> allocators() {
        return List.copyOf(created);
    }

    /** Returns the configurations the allocators were created with, in creation order. */
    synchronized List<PageAllocatorConfig> configs() {
        return List.copyOf(configs);
    }
}
