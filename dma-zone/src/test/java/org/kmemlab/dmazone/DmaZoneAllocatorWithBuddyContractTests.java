package org.kmemlab.dmazone;

import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;

/**
 * The reference zone allocator over the reference buddy allocator, the pair kmalloc assembles by
 * default: the zone contract again, with {@code buddy-reference} found the way kmalloc finds it.
 */
class DmaZoneAllocatorWithBuddyContractTests extends ZoneAllocatorContract {

    @Override
    protected ZoneAllocatorProvider provider() {
        return new DmaZoneAllocatorProvider();
    }

    @Override
    protected PageAllocatorProvider pageAllocators() {
        return ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference");
    }
}
