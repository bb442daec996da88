package edu.example.slab;

import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.testkit.contract.SlabCacheContract;

/**
 * Runs kmemlab's slab cache contract against your cache: {@code mvn test}.
 *
 * <p>Each property prints its seed. A failure shows the shortest sequence of steps that breaks it, what
 * was expected and what happened, and the command that replays it, such as
 * {@code mvn test -Dtest=StudentSlabTests -Dkmemlab.seed=42}. {@code -Dkmemlab.tries} and
 * {@code -Dkmemlab.steps} make the search longer.
 */
class StudentSlabTests extends SlabCacheContract {

    @Override
    protected SlabCacheProvider provider() {
        return new StudentSlabProvider();
    }
}
