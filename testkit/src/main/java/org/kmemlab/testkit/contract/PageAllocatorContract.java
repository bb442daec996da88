package org.kmemlab.testkit.contract;

import static org.kmemlab.testkit.contract.PageGeometry.Kind.ALIGNED;
import static org.kmemlab.testkit.contract.PageGeometry.Kind.LARGE;
import static org.kmemlab.testkit.contract.PageGeometry.Kind.TINY;
import static org.kmemlab.testkit.contract.PageGeometry.Kind.UNEVEN;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.PageAllocatorProvider;
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
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        String subject = provider.name();
        List<PageGeometry.Kind> all = List.of(TINY, ALIGNED, UNEVEN, UNEVEN, ALIGNED, LARGE);
        List<PageGeometry.Kind> small = List.of(TINY, ALIGNED, UNEVEN);
        Set<PageCheck> none = EnumSet.noneOf(PageCheck.class);
        //                     alloc free misuse exhaust freeAll query
        int[] churn = {55, 35, 0, 3, 5, 0};
        return List.of(
                property("page.range-alignment", "Every block is inside the zone and naturally aligned",
                        subject, replayPrefix, provider, none, all, churn, 0),
                property("page.no-overlap", "No two live blocks share a frame, and their bytes stay as written",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.PATTERNS), all,
                        churn, 0),
                property("page.accounting", "freeFrames() and buddyinfo match the model after every step",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.ACCOUNTING), all, churn, 0),
                property("page.failed-allocation", "NO_PAGE only when no block fits, and it changes nothing",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.FAILED_ALLOCATION), all,
                        new int[] {60, 25, 0, 8, 3, 0}, 8),
                property("page.free-all-restores", "Freeing every block restores the initial buddyinfo",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.RESTORE), all,
                        new int[] {50, 35, 0, 3, 12, 0}, 0),
                property("page.misuse", "Every bad free raises KernelBug, changes nothing, and the allocator"
                                + " keeps working", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.ACCOUNTING, PageCheck.RESTORE), small,
                        new int[] {40, 25, 30, 2, 3, 0}, 0),
                property("page.exhaustion", "Exhausting the zone gives NO_PAGE, never an exception, and"
                                + " everything comes back", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.FAILED_ALLOCATION, PageCheck.RESTORE), all,
                        new int[] {20, 25, 0, 30, 25, 0}, 0),
                property("page.order-boundaries", "Orders 0 and maxOrder work; orders outside 0..maxOrder are"
                                + " refused", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.ACCOUNTING, PageCheck.FAILED_ALLOCATION), small,
                        new int[] {60, 25, 0, 5, 5, 5}, 25),
                property("page.geometries", "Tiny, uneven and large zones: every invariant at once",
                        subject, replayPrefix, provider, EnumSet.allOf(PageCheck.class),
                        List.of(TINY, UNEVEN, LARGE), new int[] {50, 30, 8, 4, 6, 2}, 3));
    }

    private static ContractProperty property(String id, String title, String subject, String replayPrefix,
                                             PageAllocatorProvider provider, Set<PageCheck> checks,
                                             List<PageGeometry.Kind> kinds, int[] weights, int badOrderPercent) {
        PageChain.Focus focus = new PageChain.Focus(checks, kinds, weights, badOrderPercent);
        return ContractProperty.stateful(id, title, subject, replayPrefix, new PageChain(provider, focus));
    }
}
