/**
 * A student's buddy page allocator for kmemlab. It may use only {@code org.kmemlab.api} and
 * {@code java.base}; it exports nothing and is found through {@code ServiceLoader}.
 */
module edu.example.buddy {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.PageAllocatorProvider with edu.example.buddy.StudentBuddyProvider;
}
