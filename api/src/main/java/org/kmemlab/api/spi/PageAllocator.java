package org.kmemlab.api.spi;

/**
 * A page allocator for one zone's frames: the buddy system's contract.
 *
 * <p>An instance manages the frames {@code [startPfn(), startPfn() + frames())}, which are all free when
 * it is created. It hands out <em>blocks</em> of {@code 2^order} contiguous frames for orders
 * {@code 0 ..maxOrder()} and takes them back. A reference implementation lives in module
 * {@code org.kmemlab.buddy}; students write their own and test it with the testkit's
 * {@code PageAllocatorContract}.
 *
 * <h2>Requirements</h2>
 * Every rule carries an id in brackets; the testkit's {@code PageAllocatorContract} checks each one and a
 * failure report names the rule it broke.
 * <ul>
 *   <li>[page.in-range] {@link #allocate(int)} MUST return the first pfn of a block of {@code 2^order}
 *       frames that all lie inside the managed range.
 *       [page.aligned] The block MUST be <em>naturally aligned</em>: {@code pfn % 2^order == 0} (absolute
 *       frame numbers, not relative to {@code startPfn}).
 *       [page.no-overlap] {@code allocate} MUST NOT return a block that overlaps any live block: all its
 *       frames are free before the call.</li>
 *   <li>[page.refuse-when-full] When no such block exists, {@code allocate} MUST return {@link #NO_PAGE} and
 *       change nothing; running out of memory is a normal result, never an exception.
 *       [page.no-false-failure] While a free block of at least the requested order exists,
 *       {@code allocate} MUST NOT return {@link #NO_PAGE}.</li>
 *   <li>[page.bad-order] {@code allocate} with an order outside {@code 0..maxOrder()} MUST return
 *       {@link #NO_PAGE} and change nothing (the kernel refuses such orders the same way).</li>
 *   <li>[page.free-live] {@link #free(long, int)} MUST accept exactly the blocks that {@code allocate}
 *       returned, with the order they were allocated with, once each.
 *       [page.bad-free] For anything else {@code free} MUST throw {@link org.kmemlab.api.bug.KernelBug}
 *       (normally a {@link org.kmemlab.api.bug.BadPageStateBug}) and leave its state unchanged: a pfn
 *       outside the range, a pfn not aligned to the order, an order outside {@code 0..maxOrder()}, a block
 *       that is (even partly) free already, a pfn inside a live block that is not the block's first frame,
 *       or an order other than the allocated one.</li>
 *   <li>[page.coalesce] Free buddies MUST coalesce, and at once: after every call no two free buddies of
 *       equal order below {@code maxOrder()} lie side by side unmerged, so once every block is freed,
 *       {@link #freeBlocks(int)} reports exactly the initial layout again, for every order.</li>
 *   <li>[page.accounting] {@link #freeFrames()} and {@link #freeBlocks(int)} MUST be exact at all times:
 *       the number of free frames, and the number of free blocks of each order (the
 *       {@code /proc/buddyinfo} row).</li>
 *   <li>[page.initial-layout] The initial free blocks SHOULD be the largest naturally aligned blocks that
 *       fit the range (a buddy allocator's natural layout); the contract checks only that they are
 *       consistent.</li>
 *   <li>[page.any-block] An implementation MAY return any suitable free block (lowest address, last freed,
 *       …), and on the modern era any part of a larger block it splits; the contract never depends on
 *       which.</li>
 *   <li><b>Linux 2.0.</b> Today's kernel splits a larger block by keeping the lower half and freeing the
 *       upper one ({@code expand()}); Linux 2.0's {@code EXPAND} did the opposite.
 *       [page.linux20-expand] When the configured era ({@code PageAllocatorConfig.era()}) is
 *       {@link org.kmemlab.api.Era#LINUX_2_0}, an {@code allocate} that splits a larger free block MUST
 *       hand out the block's top {@code 2^order} frames and keep its lower part free, as 2.0's
 *       {@code EXPAND} did (mm/page_alloc.c:161-172).</li>
 *   <li>[page.self-check] {@link #checkInvariants()} SHOULD check what the implementation can check about
 *       itself.
 *       [page.self-check-sound] It MUST throw only when one of the allocator's invariants is really
 *       broken.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Instances need not be thread-safe: the zone allocator serialises calls with the zone lock.
 * [page.no-garbage] Implementations SHOULD NOT allocate Java objects in {@code allocate} and
 * {@code free}.
 */
public interface PageAllocator {

    /** The pfn returned when no block is available: {@code -1}, never a valid frame. */
    long NO_PAGE = -1L;

    /** Returns the first frame of the managed range. */
    long startPfn();

    /** Returns the number of frames in the managed range. */
    long frames();

    /** Returns the highest order this allocator serves (blocks of {@code 2^maxOrder} frames). */
    int maxOrder();

    /**
     * Allocates a naturally aligned block of {@code 2^order} free frames.
     *
     * @param order the block size as a power of two of frames
     * @return the block's first pfn, or {@link #NO_PAGE} when none is free or the order is out of range
     */
    long allocate(int order);

    /**
     * Frees a block that {@link #allocate(int)} returned.
     *
     * @param pfn the block's first frame, as returned
     * @param order the order passed to {@code allocate}
     * @throws org.kmemlab.api.bug.KernelBug for any free that does not match a live block exactly
     */
    void free(long pfn, int order);

    /** Returns the number of free frames. */
    long freeFrames();

    /**
     * Returns the number of free blocks of exactly {@code order}: one column of {@code /proc/buddyinfo}.
     *
     * @param order in {@code 0..maxOrder()}
     * @throws IllegalArgumentException for another order
     */
    long freeBlocks(int order);

    /**
     * Checks the allocator's own invariants and throws {@link IllegalStateException} describing the first
     * one broken (the student-written consistency checker of the malloc lab, {@code mm_checkheap}). The
     * testkit calls it after every step; the default checks nothing (see rule page.self-check).
     */
    default void checkInvariants() {
    }
}
