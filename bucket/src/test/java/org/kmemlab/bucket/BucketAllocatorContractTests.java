package org.kmemlab.bucket;

import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;

/**
 * The reference bucket allocator against the object-allocator contract, found the way kmalloc finds it:
 * by name through the provider registry. This is the class a student writes for their own allocator.
 */
class BucketAllocatorContractTests extends ObjectAllocatorContract {

    @Override
    protected ObjectAllocatorProvider provider() {
        return ProviderRegistry.load(ObjectAllocatorProvider.class).get(BucketAllocatorProvider.NAME);
    }
}
