package org.kmemlab.grader;

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

/**
 * The properties graded for one provider: its SPI's contract, then the properties of the instructor's
 * {@link PropertySet}s for that SPI. All of them run in the grader's JVM against a proxy of the
 * submission's provider ({@link RemoteProviders}).
 *
 * <p>Property sets load only from the paths the rubric names ({@code hiddenTests}), in a class loader of
 * the grader's: nothing on the submission's path can add, replace or shadow a property. Two properties
 * with the same id are an error in the rubric, reported before anything is graded.
 */
public final class Suites {

    /** The replay command the contracts print; the grader adds its own, exact one. */
    private static final String REPLAY_PREFIX = "mvn test -Dtest=<your contract test class>";

    private Suites() {
    }

    /**
     * Returns every property for {@code provider}, contract first, then those of {@code sets} for its SPI.
     *
     * @param pageProvider for {@link Spi#ZONE}: the page allocators the zones are built from; else null
     * @throws IllegalArgumentException when two properties share an id
     */
    static List<ContractProperty> properties(Spi spi, Provider provider, PageAllocatorProvider pageProvider,
                                             List<PropertySet> sets) {
        List<ContractProperty> all = new ArrayList<>(contract(spi, provider, pageProvider));
        java.util.Map<String, String> origin = new java.util.LinkedHashMap<>();
        for (ContractProperty p : all) {
            origin.put(p.id(), "the " + spi.key() + " contract");
        }
        for (PropertySet set : sets) {
            if (set.spi() != spi) {
                continue;
            }
            for (ContractProperty p : set.properties(provider, pageProvider)) {
                String before = origin.putIfAbsent(p.id(), set.getClass().getName());
                if (before != null) {
                    throw new IllegalArgumentException("property id " + p.id() + " is defined twice: by " + before
                            + " and by " + set.getClass().getName() + "; give the hidden property a unique id such as "
                            + spi.key() + ".hidden." + p.id().substring(p.id().indexOf('.') + 1));
                }
                all.add(p);
            }
        }
        return all;
    }

    /**
     * Loads the {@link PropertySet}s of the jars or folders {@code paths} (a rubric's {@code hiddenTests}),
     * in a class loader of the grader's, and checks that no property id of theirs is defined twice (by
     * the contract or another set), listing them against a provider that runs nothing.
     *
     * @throws IllegalArgumentException naming the set and the id when an id is defined twice, or when a set
     *         cannot be loaded
     */
    static List<PropertySet> load(List<java.nio.file.Path> paths) {
        if (paths.isEmpty()) {
            return List.of();
        }
        java.net.URL[] urls = new java.net.URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException("hidden tests " + paths.get(i) + ": " + e.getMessage());
            }
        }
        ClassLoader loader = new java.net.URLClassLoader("kmemlab-hidden-tests", urls, Suites.class.getClassLoader());
        List<PropertySet> sets = new ArrayList<>();
        try {
            for (PropertySet set : ServiceLoader.load(PropertySet.class, loader)) {
                if (set.getClass().getClassLoader() == loader) {
                    sets.add(set);
                }
            }
        } catch (java.util.ServiceConfigurationError e) {
            throw new IllegalArgumentException("hidden tests " + paths + ": a PropertySet could not be loaded: "
                    + e.getMessage());
        }
        PageAllocatorProvider pages = (PageAllocatorProvider) listingProvider(Spi.PAGE);
        for (Spi spi : Spi.values()) {
            properties(spi, listingProvider(spi), pages, sets);
        }
        return List.copyOf(sets);
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

    /** Returns the ids and titles of every property graded for {@code spi}: the contract's, then the sets'. */
    static java.util.Map<String, String> listing(Spi spi, List<PropertySet> sets) {
        PageAllocatorProvider pages = (PageAllocatorProvider) listingProvider(Spi.PAGE);
        java.util.Map<String, String> listing = new java.util.LinkedHashMap<>();
        for (ContractProperty p : properties(spi, listingProvider(spi), pages, sets)) {
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
