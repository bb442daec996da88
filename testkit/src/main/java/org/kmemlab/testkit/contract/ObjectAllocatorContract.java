package org.kmemlab.testkit.contract;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.testkit.property.Effort;

/**
 * The contract of {@link org.kmemlab.api.spi.ObjectAllocator}: every property a bucket or slab allocator
 * must have, as JUnit tests.
 *
 * <p>A student writes one class:
 * <pre>{@code
 * class MyBucketTests extends ObjectAllocatorContract {
 *     @Override
 *     protected ObjectAllocatorProvider provider() {
 *         return new MyBucketProvider();
 *     }
 * }
 * }</pre>
 * The contract creates the allocators itself, in both eras ({@code LINUX_2_0} on an i386 machine,
 * {@code MODERN} on x86_64), each with a {@link ContractPageSource} that can be made to fail.
 *
 * <h2>What is checked</h2>
 * Objects are direct-map addresses, aligned to {@code ObjectAllocator.minimumAlignment(era)} (8 bytes;
 * 4 in Linux 2.0), inside pages the allocator holds, with at least the
 * size asked for; no two live objects overlap (model, and byte patterns over every usable byte);
 * slabinfo agrees with the live objects and the pages held; NULL only when the page source refuses, and
 * then nothing changes; {@code shrink()} gives back every page without a live object, all of them once
 * everything is freed; double, interior and foreign frees and {@code usableSize} of a dead object raise
 * {@code KernelBug} and change nothing; exhaustion gives NULL; sizes 0, 1, powers of two and their
 * neighbours, maxSize and beyond; {@code __GFP_ZERO} and {@code __GFP_DMA}. What the SPI only says
 * SHOULD happen (natural alignment of power-of-two classes in the modern era, no DMA pages for other
 * requests) is reported as a warning. No size-class table is assumed.
 */
public abstract class ObjectAllocatorContract {

    /** For subclasses: a student's test class. */
    protected ObjectAllocatorContract() {
    }

    /** Returns the provider under test; called once per test. */
    protected abstract ObjectAllocatorProvider provider();

    /** Returns the effort to check with; by default read from {@code -Dkmemlab.*} system properties. */
    protected Effort effort() {
        return Effort.fromSystemProperties();
    }

    /** One dynamic test per contract property. */
    @TestFactory
    List<DynamicTest> objectAllocatorContract() {
        return ContractJUnit.dynamicTests(properties(provider(), "mvn test -Dtest=" + getClass().getSimpleName()),
                effort());
    }

    /**
     * Returns the contract's properties for {@code provider}, replayed with a plain {@code mvn test}.
     * This is what the autograder calls.
     */
    public static List<ContractProperty> properties(ObjectAllocatorProvider provider) {
        return properties(provider, "mvn test");
    }

    /**
     * Returns the contract's properties for {@code provider}.
     *
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     */
    public static List<ContractProperty> properties(ObjectAllocatorProvider provider, String replayPrefix) {
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        String subject = provider.name();
        Set<ObjectCheck> none = EnumSet.noneOf(ObjectCheck.class);
        //                     alloc free misuse exhaust freeAll shrink fails
        int[] churn = {55, 35, 0, 2, 4, 4, 0};
        return List.of(
                property("object.range-alignment", "Objects are aligned (8 bytes; 4 in Linux 2.0), inside the allocator's pages, and"
                        + " at least as large as asked", subject, replayPrefix, provider, none, churn, 0, 30, 10, 10),
                property("object.no-overlap", "No two live objects share a byte, and their bytes stay as written",
                        subject, replayPrefix, provider, EnumSet.of(ObjectCheck.PATTERNS), churn, 0, 30, 10, 10),
                property("object.accounting", "slabinfo matches the live objects and the pages held, after every"
                        + " step", subject, replayPrefix, provider, EnumSet.of(ObjectCheck.ACCOUNTING),
                        new int[] {50, 35, 0, 2, 5, 6, 2}, 3, 30, 15, 10),
                property("object.failed-allocation", "NULL only when the page source fails, and then nothing"
                                + " changes", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.FAILED_ALLOCATION, ObjectCheck.ACCOUNTING),
                        new int[] {50, 25, 0, 4, 4, 5, 12}, 8, 60, 15, 10),
                property("object.shrink-returns-pages", "shrink() returns every page without a live object; all of"
                                + " them once everything is freed", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.SHRINK), new int[] {45, 30, 0, 2, 10, 13, 0}, 0, 30, 15, 10),
                property("object.misuse", "Double, interior and foreign frees raise KernelBug, change nothing, and"
                                + " the allocator keeps working", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.ACCOUNTING, ObjectCheck.SHRINK, ObjectCheck.USABLE_SIZE),
                        new int[] {40, 25, 30, 0, 3, 4, 0}, 0, 30, 10, 10),
                property("object.exhaustion", "Exhausting the page source gives NULL, never an exception, and"
                                + " every page comes back", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.FAILED_ALLOCATION, ObjectCheck.SHRINK),
                        new int[] {25, 20, 0, 25, 15, 15, 0}, 0, 80, 10, 5),
                property("object.size-boundaries", "Sizes 1, powers of two and their neighbours, and maxSize work;"
                                + " 0 and above maxSize give NULL", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.USABLE_SIZE, ObjectCheck.ACCOUNTING),
                        new int[] {60, 30, 0, 0, 4, 4, 0}, 15, 20, 10, 10),
                property("object.gfp-flags", "__GFP_ZERO gives zeroed bytes and __GFP_DMA gives DMA pages",
                        subject, replayPrefix, provider, EnumSet.of(ObjectCheck.GFP),
                        new int[] {55, 35, 0, 2, 4, 4, 0}, 0, 30, 35, 40),
                property("object.everything", "Both eras, roomy and tight page sources: every invariant at once",
                        subject, replayPrefix, provider, EnumSet.allOf(ObjectCheck.class),
                        new int[] {45, 30, 8, 3, 5, 5, 4}, 4, 50, 15, 15));
    }

    private static ContractProperty property(String id, String title, String subject, String replayPrefix,
                                             ObjectAllocatorProvider provider, Set<ObjectCheck> checks,
                                             int[] weights, int badSizePercent, int tightPercent, int dmaPercent,
                                             int zeroPercent) {
        ObjectChain.Focus focus = new ObjectChain.Focus(checks, weights, badSizePercent, tightPercent, dmaPercent,
                zeroPercent);
        return ContractProperty.stateful(id, title, subject, replayPrefix, new ObjectChain(provider, focus));
    }
}
