package org.kmemlab.grader;

import java.util.Locale;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.ReferenceProviders;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * The four SPIs a submission can provide, each graded by its own contract and rubric.
 */
public enum Spi {

    /** A buddy page allocator ({@link PageAllocatorProvider}). */
    PAGE("page", PageAllocatorProvider.class, ReferenceProviders.PAGES),
    /** A bucket / slab-like object allocator ({@link ObjectAllocatorProvider}). */
    OBJECT("object", ObjectAllocatorProvider.class, ReferenceProviders.OBJECTS),
    /** A zone allocator ({@link ZoneAllocatorProvider}). */
    ZONE("zone", ZoneAllocatorProvider.class, ReferenceProviders.ZONES),
    /** A slab cache, {@code kmem_cache} ({@link SlabCacheProvider}): the fourth assignment. */
    SLAB("slab", SlabCacheProvider.class, ReferenceProviders.SLABS);

    private final String key;
    private final Class<? extends Provider> type;
    private final String referenceName;

    Spi(String key, Class<? extends Provider> type, String referenceName) {
        this.key = key;
        this.type = type;
        this.referenceName = referenceName;
    }

    /** Returns the short name used in rubrics, property ids and options: {@code page}, {@code object}, {@code zone}, {@code slab}. */
    public String key() {
        return key;
    }

    /** Returns the provider interface. */
    public Class<? extends Provider> type() {
        return type;
    }

    /** Returns the provider name of the reference implementation that ships with kmemlab. */
    public String referenceName() {
        return referenceName;
    }

    /**
     * Returns the SPI named {@code text}: its key ({@code page}), its enum name, or the provider
     * interface's simple or full name.
     *
     * @throws IllegalArgumentException listing the accepted names when none matches
     */
    public static Spi of(String text) {
        String t = text.trim();
        for (Spi spi : values()) {
            if (spi.key.equalsIgnoreCase(t) || spi.name().equals(t.toUpperCase(Locale.ROOT))
                    || spi.type.getSimpleName().equals(t) || spi.type.getName().equals(t)) {
                return spi;
            }
        }
        throw new IllegalArgumentException("unknown SPI \"" + text + "\"; use page, object, zone or slab");
    }

    /** Returns the SPI whose provider interface {@code provider} implements, or null. */
    public static Spi ofProvider(Provider provider) {
        for (Spi spi : values()) {
            if (spi.type.isInstance(provider)) {
                return spi;
            }
        }
        return null;
    }
}
