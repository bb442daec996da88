package edu.example.buddy;

import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.PageAllocatorContract;

/**
 * Runs kmemlab's page allocator contract against your allocator: {@code mvn test}.
 *
 * <p>Each property prints its seed. A failure shows the shortest sequence of steps that breaks it, what
 * was expected and what happened, and the command that replays it, such as
 * {@code mvn test -Dtest=StudentBuddyTests -Dkmemlab.seed=42}. {@code -Dkmemlab.tries} and
 * {@code -Dkmemlab.steps} make the search longer.
 */
class StudentBuddyTests extends PageAllocatorContract {

    @Override
    protected PageAllocatorProvider provider() {
        return new StudentBuddyProvider();
    }
}
