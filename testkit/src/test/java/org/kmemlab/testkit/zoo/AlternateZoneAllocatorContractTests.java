package org.kmemlab.testkit.zoo;

import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;

/**
 * The contract against a second, deliberately different correct zone allocator: it must pass, which
 * shows that the contract does not over-specify (one lock instead of one per zone, a flat list of page
 * allocators, min-only watermark checks, a different reclaim strategy).
 */
class AlternateZoneAllocatorContractTests extends ZoneAllocatorContract {

    @Override
    protected ZoneAllocatorProvider provider() {
        return AlternateZoneAllocator.provider(AlternateZoneAllocator.Flaw.NONE);
    }
}
