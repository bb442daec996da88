package org.kmemlab.testkit.zoo;

import java.util.function.Function;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;

/** An object-allocator provider for the zoo: a name, the bug in one line, and a constructor. */
record ZooObjectProvider(String name, String description, Function<ObjectAllocatorConfig, ObjectAllocator> factory)
        implements ObjectAllocatorProvider {

    @Override
    public ObjectAllocator create(ObjectAllocatorConfig config) {
        return factory.apply(config);
    }

    @Override
    public String toString() {
        return name;
    }
}
