package org.kmemlab.grader;

import java.util.List;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.testkit.contract.ContractProperty;

/**
 * Extra properties an instructor adds to a rubric, usually hidden ones: a class that implements this
 * interface, compiled into a jar or directory the rubric names under {@code hiddenTests}, and listed in
 * {@code META-INF/services/org.kmemlab.grader.PropertySet}.
 *
 * <p>The grader puts that jar on the child JVM's class path, finds the sets with
 * {@link java.util.ServiceLoader}, and scores their properties like the contract's: the rubric names
 * them by id (or {@code "*"}), gives weights and visibility, and for a hidden group derives each seed
 * from the submission's hash.
 *
 * <h2>Requirements</h2>
 * <ul>
 *   <li>{@link #spi()} MUST name the SPI whose providers the properties test.</li>
 *   <li>Property ids MUST be unique and SHOULD start with the SPI's key and the set's name, e.g.
 *       {@code page.hidden.split-storm}.</li>
 *   <li>The class MUST have a public no-argument constructor and MUST NOT run the provider when
 *       {@link #properties} is called: only {@link ContractProperty#check} runs it.</li>
 * </ul>
 */
public interface PropertySet {

    /** Returns the SPI the properties test. */
    Spi spi();

    /**
     * Returns the properties for {@code provider}.
     *
     * @param provider the provider under test; an instance of {@link #spi()}'s provider type
     * @param pageProvider for {@link Spi#ZONE}: the page allocator provider the zones are built from;
     *                     null for the other SPIs
     */
    List<ContractProperty> properties(Provider provider, PageAllocatorProvider pageProvider);
}
