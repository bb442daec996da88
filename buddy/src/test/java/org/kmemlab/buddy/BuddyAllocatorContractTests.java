package org.kmemlab.buddy;

import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.testkit.contract.PageAllocatorContract;

/**
 * The reference buddy allocator against the page-allocator contract, found the way kmalloc finds it: by
 * name through the provider registry. This is the class a student writes for their own allocator.
 */
class BuddyAllocatorContractTests extends PageAllocatorContract {

    @Override
    protected PageAllocatorProvider provider() {
        return ProviderRegistry.load(PageAllocatorProvider.class).get(BuddyAllocatorProvider.NAME);
    }
}
