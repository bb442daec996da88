package edu.example.slab;

import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;

/**
 * How kmemlab finds your slab cache: through {@code ServiceLoader} ({@code module-info.java} and
 * {@code META-INF/services}), chosen by {@link #NAME} ({@code --slabs student-slab}).
 */
public final class StudentSlabProvider implements SlabCacheProvider {

    /** The name kmemlab chooses your cache by. */
    public static final String NAME = "student-slab";

    /** Creates the provider; it must stay cheap: kmemlab creates every provider to learn its name. */
    public StudentSlabProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SlabCache create(SlabCacheConfig config) {
        return new StudentSlabCache(config);
    }
}
