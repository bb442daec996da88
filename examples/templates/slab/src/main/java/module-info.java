/**
 * A student's slab cache for kmemlab. It may use only {@code org.kmemlab.api} and {@code java.base}; it
 * exports nothing and is found through {@code ServiceLoader}.
 */
module edu.example.slab {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.SlabCacheProvider with edu.example.slab.StudentSlabProvider;
}
