package org.kmemlab.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.kmemlab.api.Checks;

/**
 * The installed providers of one SPI, by name.
 *
 * <p>The registry reads every provider {@link ServiceLoader} finds (on the module path through
 * {@code provides}, on the class path through {@code META-INF/services}), and fails fast, with the list
 * of names found, when two providers share a name, when a provider cannot be loaded, or when a name that
 * is asked for is missing. The same implementation class seen twice (a jar on both paths) counts once.
 *
 * <pre>{@code
 * PageAllocatorProvider buddy = ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference");
 * }</pre>
 *
 * @param <P> the provider interface
 */
public final class ProviderRegistry<P extends Provider> {

    private static final System.Logger LOG = System.getLogger(ProviderRegistry.class.getName());

    private final Class<P> type;
    private final Map<String, P> byName;

    private ProviderRegistry(Class<P> type, Map<String, P> byName) {
        this.type = type;
        this.byName = byName;
    }

    /**
     * Loads the providers of {@code type} visible to this module and to the thread's context class
     * loader.
     *
     * @throws ProviderLookupException when a provider fails to load or two share a name
     */
    public static <P extends Provider> ProviderRegistry<P> load(Class<P> type) {
        Checks.requireNonNull(type, "provider type");
        return of(type, ServiceLoader.load(type));
    }

    /**
     * Builds a registry from providers found elsewhere (a {@link ServiceLoader} created by a module that
     * {@code uses} the SPI, or a list assembled by a test).
     *
     * @throws ProviderLookupException when a provider fails to load or two share a name
     */
    public static <P extends Provider> ProviderRegistry<P> of(Class<P> type, Iterable<? extends P> providers) {
        Checks.requireNonNull(type, "provider type");
        Map<String, P> byName = new LinkedHashMap<>();
        Iterator<? extends P> it = providers.iterator();
        while (true) {
            P provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                throw new ProviderLookupException("a " + type.getSimpleName() + " could not be loaded: "
                        + e.getMessage() + "; check its public no-argument constructor and its"
                        + " META-INF/services entry (providers loaded so far: " + byName.keySet() + ")", e);
            }
            String name = provider.name();
            if (name == null || name.isBlank()) {
                throw new ProviderLookupException(type.getSimpleName() + " " + provider.getClass().getName()
                        + " has no name; name() must return a non-blank name such as \"alice-buddy\"");
            }
            P existing = byName.get(name);
            if (existing != null) {
                if (existing.getClass().getName().equals(provider.getClass().getName())) {
                    continue;
                }
                throw new ProviderLookupException("two " + type.getSimpleName() + "s are named \"" + name
                        + "\": " + existing.getClass().getName() + " and " + provider.getClass().getName()
                        + "; rename one of them (names found: " + byName.keySet() + ")");
            }
            byName.put(name, provider);
        }
        LOG.log(System.Logger.Level.DEBUG, "{0} providers found: {1}", type.getSimpleName(), byName.keySet());
        return new ProviderRegistry<>(type, byName);
    }

    /**
     * Returns the provider named {@code name}.
     *
     * @throws ProviderLookupException listing the names found when there is none
     */
    public P get(String name) {
        Checks.requireNonNull(name, "provider name");
        P provider = byName.get(name);
        if (provider == null) {
            throw new ProviderLookupException("no " + type.getSimpleName() + " named \"" + name + "\"; "
                    + (byName.isEmpty()
                        ? "none is installed: put the module or jar that provides one on the module or class path"
                        : "installed: " + String.join(", ", byName.keySet())));
        }
        return provider;
    }

    /** Returns true when a provider is named {@code name}. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Returns the names found, in the order the service loader found them. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    /** Returns the providers found. */
    public List<P> all() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /** Returns the SPI this registry holds providers of. */
    public Class<P> type() {
        return type;
    }
}
