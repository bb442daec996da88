package org.kmemlab.testkit.zoo;

import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;

/**
 * The contract against a third correct zone allocator, unlike the reference and the plain alternate: its
 * watermarks change at run time (watermark boosting) and it keeps a {@code lowmem_reserve} of its own
 * ratio. The SPI says watermarks MAY change and that decisions follow what {@code zoneinfo()} shows, so it
 * must pass every property; a contract that demanded constant watermarks would reject it.
 */
class BoostingZoneAllocatorContractTests extends ZoneAllocatorContract {

    @Override
    protected ZoneAllocatorProvider provider() {
        return AlternateZoneAllocator.boostingProvider();
    }
}
