package edu.example.bucket;

import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;

/**
 * Runs kmemlab's object allocator contract against your allocator: {@code mvn test}.
 *
 * <p>Each property prints its seed. A failure shows the shortest sequence of steps that breaks it, what
 * was expected and what happened, and the command that replays it, such as
 * {@code mvn test -Dtest=StudentBucketTests -Dkmemlab.seed=42}. {@code -Dkmemlab.tries} and
 * {@code -Dkmemlab.steps} make the search longer.
 */
class StudentBucketTests extends ObjectAllocatorContract {

    @Override
    protected ObjectAllocatorProvider provider() {
        return new StudentBucketProvider();
    }
}
