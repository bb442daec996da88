/**
 * A student's bucket object allocator for kmemlab. It may use only {@code org.kmemlab.api} and
 * {@code java.base}; it exports nothing and is found through {@code ServiceLoader}.
 */
module edu.example.bucket {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.ObjectAllocatorProvider with edu.example.bucket.StudentBucketProvider;
}
