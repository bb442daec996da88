package org.kmemlab.testkit.zoo;

import java.util.function.Function;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/** A page-allocator provider for the zoo: a name, the bug in one line, and a constructor. */
record ZooPageProvider(String name, String description, Function<PageAllocatorConfig, PageAllocator> factory)
        implements PageAllocatorProvider {

    @Override
    public PageAllocator create(PageAllocatorConfig config) {
        return factory.apply(config);
    }

    @Override
    public String toString() {
        return name;
    }
}
