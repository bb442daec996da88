package org.kmemlab.testkit.contract;


import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.page.PageProperties;
import org.kmemlab.testkit.property.Effort;

/**
 * The contract of {@link org.kmemlab.api.spi.PageAllocator}: every property a buddy allocator must have,
 * as JUnit tests.
 *
 * <p>A student writes one class:
 * <pre>{@code
 * class MyBuddyTests extends PageAllocatorContract {
 *     @Override
 *     protected PageAllocatorProvider provider() {
 *         return new MyBuddyProvider();
 *     }
 * }
 * }</pre>
 * and {@code mvn test -Dtest=MyBuddyTests} runs every property of {@link #properties} as a test. Each
 * prints its seed; a failure shows the shrunk steps, the broken invariant, expected and actual, and the
 * command that replays it ({@code -Dkmemlab.seed=…}). {@code -Dkmemlab.tries} and
 * {@code -Dkmemlab.steps} scale the effort.
 *
 * <h2>What is checked</h2>
 * Blocks inside the zone and naturally aligned; no two live blocks overlap (model, and byte patterns
 * written into every live frame); {@code freeFrames()} and buddyinfo exact after every step; NO_PAGE
 * only when nothing fits, changing nothing; freeing everything restores the initial layout; every bad
 * free raises {@code KernelBug} and changes nothing; exhaustion; orders 0, maxOrder and outside; tiny,
 * aligned, uneven and large zones. The allocator's own {@code checkInvariants()} runs after every step.
 * Nothing depends on which free block an allocator picks.
 */
public abstract class PageAllocatorContract {

    /** For subclasses: a student's test class. */
    protected PageAllocatorContract() {
    }

    /** Returns the provider under test; called once per test. */
    protected abstract PageAllocatorProvider provider();

    /** Returns the effort to check with; by default read from {@code -Dkmemlab.*} system properties. */
    protected Effort effort() {
        return Effort.fromSystemProperties();
    }

    /** One dynamic test per contract property. */
    @TestFactory
    List<DynamicTest> pageAllocatorContract() {
        return ContractJUnit.dynamicTests(properties(provider(), "mvn test -Dtest=" + getClass().getSimpleName()),
                effort());
    }

    /**
     * Returns the contract's properties for {@code provider}, replayed with a plain {@code mvn test}.
     * This is what the autograder calls.
     */
    public static List<ContractProperty> properties(PageAllocatorProvider provider) {
        return properties(provider, "mvn test");
    }

    /**
     * Returns the contract's properties for {@code provider}.
     *
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     */
    public static List<ContractProperty> properties(PageAllocatorProvider provider, String replayPrefix) {
        return PageProperties.all(provider, replayPrefix);
    }
}
