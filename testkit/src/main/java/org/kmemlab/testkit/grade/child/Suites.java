package org.kmemlab.testkit.grade.child;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.grade.PropertySet;
import org.kmemlab.testkit.grade.Spi;

/**
 * The properties graded for one provider: its SPI's contract, then the properties of every
 * {@link PropertySet} on the child's class path (an instructor's hidden tests) for that SPI.
 */
final class Suites {

    /** The replay command the contracts print; the grader adds its own, exact one. */
    private static final String REPLAY_PREFIX = "mvn test -Dtest=<your contract test class>";

    private Suites() {
    }

    /**
     * Returns every property for {@code provider}, contract first.
     *
     * @param pageProvider for {@link Spi#ZONE}: the page allocators the zones are built from; else null
     */
    static List<ContractProperty> properties(Spi spi, Provider provider, PageAllocatorProvider pageProvider) {
        List<ContractProperty> all = new ArrayList<>(contract(spi, provider, pageProvider));
        for (PropertySet set : ServiceLoader.load(PropertySet.class)) {
            if (set.spi() == spi) {
                all.addAll(set.properties(provider, pageProvider));
            }
        }
        return all;
    }

    private static List<ContractProperty> contract(Spi spi, Provider provider, PageAllocatorProvider pageProvider) {
        return switch (spi) {
            case PAGE -> PageAllocatorContract.properties((PageAllocatorProvider) provider, REPLAY_PREFIX);
            case OBJECT, ZONE -> throw new IllegalStateException("the " + spi.key()
                    + " contract is not part of this testkit build yet");
        };
    }
}
