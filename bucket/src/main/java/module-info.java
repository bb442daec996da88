/**
 * The reference bucket object allocator, provider {@code bucket-reference}: Linux 2.0's kmalloc buckets
 * and today's SLUB-like kmalloc caches, carved out of pages from a {@link org.kmemlab.api.spi.PageSource}.
 *
 * <p>The module exports nothing: kmalloc, the testkit and the benchmarks reach it through
 * {@link java.util.ServiceLoader} by its provider name.
 */
module org.kmemlab.bucket {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.ObjectAllocatorProvider with org.kmemlab.bucket.BucketAllocatorProvider;
}
