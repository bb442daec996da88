package org.kmemlab.api.spi;

/**
 * Where an object allocator gets its pages: the kernel's {@code __get_free_pages} and
 * {@code free_pages}, handed to the allocator by kmalloc (or by a test).
 *
 * <p>Addresses are direct-map virtual addresses (use {@link org.kmemlab.api.Machine#pa(long)} to reach
 * the bytes). kmalloc (and the testkit) hand an object allocator a page source that is safe to call
 * from the thread that calls the allocator.
 *
 * <h2>Requirements on the caller</h2>
 * <ul>
 *   <li>[pagesource.give-back] An object allocator MUST give pages back with {@link #freePages(long, int)}
 *       at the address and with the order {@link #getFreePages(int, int)} gave them, once each, and only
 *       pages it holds.</li>
 * </ul>
 */
public interface PageSource {

    /**
     * Allocates {@code 2^order} contiguous, naturally aligned pages.
     *
     * @param gfp the allocation flags; {@code __GFP_DMA} asks for ZONE_DMA pages
     * @param order the number of pages as a power of two
     * @return the direct-map address of the first page, or 0 (NULL) when none can be had
     */
    long getFreePages(int gfp, int order);

    /**
     * Returns pages obtained from {@link #getFreePages(int, int)}, with the same order.
     *
     * @throws org.kmemlab.api.bug.KernelBug when the pages were not obtained from this source
     */
    void freePages(long addr, int order);
}
