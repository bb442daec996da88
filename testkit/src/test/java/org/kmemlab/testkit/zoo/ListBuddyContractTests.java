package org.kmemlab.testkit.zoo;

import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.property.Effort;

/** The one class a student writes, written for {@link ListBuddy}: proves the JUnit glue works. */
class ListBuddyContractTests extends PageAllocatorContract {

    @Override
    protected PageAllocatorProvider provider() {
        return new ZooPageProvider("list-buddy", "LIFO free lists", ListBuddy::new);
    }

    /** AlternatesTests runs the full effort; this class checks the glue, so a lighter run will do. */
    @Override
    protected Effort effort() {
        return super.effort().withTries(10);
    }
}
