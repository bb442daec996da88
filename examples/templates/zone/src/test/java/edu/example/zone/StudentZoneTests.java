package edu.example.zone;

import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;

/**
 * Runs kmemlab's zone allocator contract against your allocator: {@code mvn test}.
 *
 * <p>Each property prints its seed. A failure shows the shortest sequence of steps that breaks it, what
 * was expected and what happened, and the command that replays it, such as
 * {@code mvn test -Dtest=StudentZoneTests -Dkmemlab.seed=42}. {@code -Dkmemlab.tries} and
 * {@code -Dkmemlab.steps} make the search longer.
 */
class StudentZoneTests extends ZoneAllocatorContract {

    @Override
    protected ZoneAllocatorProvider provider() {
        return new StudentZoneProvider();
    }
}
