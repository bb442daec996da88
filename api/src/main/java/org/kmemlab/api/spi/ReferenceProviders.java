package org.kmemlab.api.spi;

/**
 * The names of kmemlab's reference providers: the one place they are spelt. A kernel uses them when no
 * setting names another provider; the grader measures a submission against them; each reference
 * module's provider returns its name from here.
 *
 * <p>The pattern is {@code <module>-reference}: the reference buddy allocator of module {@code buddy} is
 * {@code buddy-reference}. A student's provider SHOULD choose a name of its own
 * ({@code student-buddy}); two providers with one name fail every lookup.
 */
public final class ReferenceProviders {

    /** The reference {@link PageAllocatorProvider}: the buddy allocator of module {@code buddy}. */
    public static final String PAGES = "buddy-reference";

    /** The reference {@link ObjectAllocatorProvider}: the bucket allocator of module {@code bucket}. */
    public static final String OBJECTS = "bucket-reference";

    /** The reference {@link ZoneAllocatorProvider}: the zone allocator of module {@code dma-zone}. */
    public static final String ZONES = "dma-zone-reference";

    /** The reference {@link SlabCacheProvider}: the slab cache ({@code kmem_cache}) of module {@code slab}. */
    public static final String SLABS = "slab-reference";

    private ReferenceProviders() {
    }
}
