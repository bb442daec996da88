package org.kmemlab.testkit.contract;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.testkit.contract.object.ObjectProperties;
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
        return ObjectProperties.all(provider, replayPrefix);
    }
}
