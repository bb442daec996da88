package org.kmemlab.slab;

import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.testkit.contract.SlabCacheContract;

/**
 * The reference slab cache against the slab-cache contract, found the way kmalloc finds it: by name
 * through the provider registry. This is the class a student writes for their own cache.
 */
class SlabAllocatorContractTests extends SlabCacheContract {

    @Override
    protected SlabCacheProvider provider() {
        return ProviderRegistry.load(SlabCacheProvider.class).get(SlabAllocatorProvider.NAME);
    }
}
