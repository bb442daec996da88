package org.kmemlab.grader.child;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.SlabCacheContract;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;
import org.kmemlab.grader.PropertySet;
import org.kmemlab.grader.Spi;

/**
 * The properties graded for one provider: its SPI's contract, then the properties of every
 * {@link PropertySet} on the child's class path (an instructor's hidden tests) for that SPI.
 */
public final class Suites {

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

    /**
     * Returns the ids and titles of {@code spi}'s contract properties, listed without running any
     * implementation (for workflow templates and rubric checks in the parent).
     */
    public static java.util.Map<String, String> contractListing(Spi spi) {
        PageAllocatorProvider pages = (PageAllocatorProvider) listingProvider(Spi.PAGE);
        java.util.Map<String, String> listing = new java.util.LinkedHashMap<>();
        for (ContractProperty p : contract(spi, listingProvider(spi), pages)) {
            listing.put(p.id(), p.title());
        }
        return listing;
    }

    /** A provider of {@code spi} named "listing" that refuses to create anything. */
    private static Provider listingProvider(Spi spi) {
        return spi.type().cast(java.lang.reflect.Proxy.newProxyInstance(spi.type().getClassLoader(),
                new Class<?>[] {spi.type()}, (proxy, method, args) -> switch (method.getName()) {
                    case "name", "toString" -> "listing";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("only listing the properties");
                }));
    }

    private static List<ContractProperty> contract(Spi spi, Provider provider, PageAllocatorProvider pageProvider) {
        return switch (spi) {
            case PAGE -> PageAllocatorContract.properties((PageAllocatorProvider) provider, REPLAY_PREFIX);
            case ZONE -> ZoneAllocatorContract.properties((ZoneAllocatorProvider) provider, pageProvider,
                    REPLAY_PREFIX);
            case OBJECT -> ObjectAllocatorContract.properties((ObjectAllocatorProvider) provider, REPLAY_PREFIX);
            case SLAB -> SlabCacheContract.properties((SlabCacheProvider) provider, REPLAY_PREFIX);
        };
    }
}
