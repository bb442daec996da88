package org.kmemlab.testkit.contract.support;

import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.PageAllocatorContract;

/** The buddy allocator the zone contract trusts must itself pass the page allocator contract. */
class SimplePageAllocatorContractTests extends PageAllocatorContract {

    @Override
    protected PageAllocatorProvider provider() {
        return SimplePageAllocator.provider();
    }
}
