package org.kmemlab.testkit.zoo;

import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.property.Effort;

/** The one class a student writes, written for {@link SlabObjects}: proves the JUnit glue works. */
class SlabObjectsContractTests extends ObjectAllocatorContract {

    @Override
    protected ObjectAllocatorProvider provider() {
        return new ZooObjectProvider("slab-objects", "power-of-two slabs", SlabObjects::new);
    }

    /** AlternatesTests runs the full effort; this class checks the glue, so a lighter run will do. */
    @Override
    protected Effort effort() {
        return super.effort().withTries(10);
    }
}
