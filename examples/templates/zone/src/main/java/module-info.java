/**
 * A student's zone allocator for kmemlab. It may use only {@code org.kmemlab.api} and
 * {@code java.base}; it exports nothing and is found through {@code ServiceLoader}.
 */
module edu.example.zone {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.ZoneAllocatorProvider with edu.example.zone.StudentZoneProvider;
}
