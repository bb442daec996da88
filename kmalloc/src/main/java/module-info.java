/**
 * The running kernel: assembles the installed page, object and zone allocators into a
 * {@link org.kmemlab.kmalloc.Kernel} with kmalloc, kfree, get_free_pages, a simulated page cache and the
 * {@code /proc} reports.
 *
 * <p>This module names no implementation. It finds providers through {@link java.util.ServiceLoader}
 * (hence the four {@code uses} clauses) and chooses them by name, so a student's allocator plays its part
 * in a whole kernel by being on the module or class path.
 */
module org.kmemlab.kmalloc {
    requires transitive org.kmemlab.api;

    exports org.kmemlab.kmalloc;

    uses org.kmemlab.api.spi.PageAllocatorProvider;
    uses org.kmemlab.api.spi.ObjectAllocatorProvider;
    uses org.kmemlab.api.spi.ZoneAllocatorProvider;
    uses org.kmemlab.api.spi.SlabCacheProvider;
}
