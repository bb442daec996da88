package org.kmemlab.testkit.contract;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.testkit.contract.slab.SlabProperties;
import org.kmemlab.testkit.property.Effort;

/**
 * The contract of {@link org.kmemlab.api.spi.SlabCache}: every property a {@code kmem_cache} must have,
 * as JUnit tests.
 *
 * <p>A student writes one class:
 * <pre>{@code
 * class MySlabTests extends SlabCacheContract {
 *     @Override
 *     protected SlabCacheProvider provider() {
 *         return new MySlabProvider();
 *     }
 * }
 * }</pre>
 * Each chain creates a cache of a random object size (1 byte to 32 KiB, mostly small), alignment, flag
 * set and constructor (or none) on a 64 MiB x86_64 machine, with a page source that can be roomy, tight
 * or made to fail.
 *
 * <h2>What is checked</h2>
 * Objects are direct-map addresses aligned as {@code SlabFlags.alignment} says, inside blocks the page
 * source gave the cache; no two live objects overlap (model, and byte patterns); slabinfo agrees with the
 * live objects and the pages held; NULL only when the page source refuses, and then nothing changes;
 * {@code shrink()} gives back every slab without a live object and {@code destroy()} all of them; the
 * constructor runs once per object when its slab is made, never on a live or a freed object, and freed
 * objects come back in their constructed state; double, interior, foreign and wrong-cache frees raise
 * {@code KernelBug}, as does {@code destroy()} with live objects (with Linux's words), and change
 * nothing; {@code SLAB_POISON} poisons free objects and reports a write after free, {@code SLAB_RED_ZONE}
 * reports a write past the end; {@code __GFP_ZERO} zeroes and {@code SLAB_CACHE_DMA} takes DMA pages.
 */
public abstract class SlabCacheContract {

    /** For subclasses: a student's test class. */
    protected SlabCacheContract() {
    }

    /** Returns the provider under test; called once per test. */
    protected abstract SlabCacheProvider provider();

    /** Returns the effort to check with; by default read from {@code -Dkmemlab.*} system properties. */
    protected Effort effort() {
        return Effort.fromSystemProperties();
    }

    /** One dynamic test per contract property. */
    @TestFactory
    List<DynamicTest> slabCacheContract() {
        return ContractJUnit.dynamicTests(properties(provider(), "mvn test -Dtest=" + getClass().getSimpleName()),
                effort());
    }

    /**
     * Returns the contract's properties for {@code provider}, replayed with a plain {@code mvn test}.
     * This is what the autograder calls.
     */
    public static List<ContractProperty> properties(SlabCacheProvider provider) {
        return properties(provider, "mvn test");
    }

    /**
     * Returns the contract's properties for {@code provider}.
     *
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     */
    public static List<ContractProperty> properties(SlabCacheProvider provider, String replayPrefix) {
        return SlabProperties.all(provider, replayPrefix);
    }
}
