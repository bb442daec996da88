package org.kmemlab.api.spi;

/**
 * What every allocator provider has: a name to be chosen by, and a line describing it.
 *
 * <p>Providers are found through {@link java.util.ServiceLoader} and chosen by {@link #name()}
 * ({@code kmemlab.pages=buddy-reference}). A provider MUST have a public no-argument constructor (or a
 * public static {@code provider()} method on the module path) and MUST be cheap to create: the registry
 * instantiates every provider it finds to learn its name. Creating an allocator is the job of the
 * provider's {@code create} method, not of its constructor.
 */
public interface Provider {

    /**
     * Returns the name this provider is chosen by: lower-case words joined by hyphens, such as
     * {@code buddy-reference} or {@code alice-buddy}. It MUST be unique among the installed providers of
     * the same SPI and MUST NOT change between calls.
     */
    String name();

    /** Returns one line describing the implementation, shown when providers are listed. */
    default String description() {
        return getClass().getName();
    }
}
