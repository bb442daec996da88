/**
 * The reference slab cache, provider {@code slab-reference}: Bonwick's {@code kmem_cache} (USENIX 1994),
 * objects of one type with an optional constructor, carved out of slabs from a
 * {@link org.kmemlab.api.spi.PageSource}.
 *
 * <p>The module exports nothing: kmalloc, the testkit and the benchmarks reach it through
 * {@link java.util.ServiceLoader} by its provider name.
 */
module org.kmemlab.slab {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.SlabCacheProvider with org.kmemlab.slab.SlabAllocatorProvider;
}
