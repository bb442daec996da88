package org.kmemlab.api.spi;

/**
 * Something that can give memory back when the machine runs short: a page cache, a cache of objects.
 * The zone allocator calls registered shrinkers during direct reclaim, on behalf of an allocation that
 * may sleep ({@code GFP_KERNEL}), as the kernel's {@code shrink_slab} does.
 *
 * <p>A shrinker is called without any zone lock held and frees its pages through the normal free path
 * (for example {@link ZoneAllocator#freePages}). It MUST NOT allocate memory while shrinking.
 */
public interface Shrinker {

    /** Returns the shrinker's name for reports, e.g. {@code "page-cache"}. */
    String name();

    /** Returns how many pages {@link #scan(long)} could free now ({@code count_objects}). */
    long count();

    /**
     * Frees up to {@code pages} pages ({@code scan_objects}).
     *
     * @param pages how many pages the allocator would like back, at least one
     * @return how many pages were actually freed
     */
    long scan(long pages);
}
