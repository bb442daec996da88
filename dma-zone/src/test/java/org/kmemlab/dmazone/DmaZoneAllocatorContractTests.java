package org.kmemlab.dmazone;

import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;

/**
 * The reference zone allocator against the testkit's zone allocator contract, with the testkit's own
 * page allocators, so that a failure here is the zone allocator's.
 */
class DmaZoneAllocatorContractTests extends ZoneAllocatorContract {

    @Override
    protected ZoneAllocatorProvider provider() {
        return new DmaZoneAllocatorProvider();
    }
}
