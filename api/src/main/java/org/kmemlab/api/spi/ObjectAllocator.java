package org.kmemlab.api.spi;

import java.util.List;
import org.kmemlab.api.Era;
import org.kmemlab.api.stats.SlabInfo;

/**
 * An allocator of small objects carved out of pages: the contract of Linux 2.0's bucket allocator and of
 * today's slab allocators.
 *
 * <p>It serves requests of 1 to {@link #maxSize()} bytes from size classes, taking whole pages from the
 * {@link PageSource} it was created with and giving them back when they hold no live object. A reference
 * implementation lives in module {@code org.kmemlab.bucket}; students test theirs with the testkit's
 * {@code ObjectAllocatorContract}.
 *
 * <h2>Requirements</h2>
 * Every rule carries an id in brackets; the testkit's {@code ObjectAllocatorContract} checks each one and
 * a failure report names the rule it broke.
 * <ul>
 *   <li>[object.memory] {@link #allocate(long, int)} MUST return the direct-map address of at least
 *       {@code size} usable bytes inside a page the allocator holds from its page source; a request is never
 *       rounded down: {@code usableSize(p) >= size}.
 *       [object.no-overlap] The object MUST overlap no other live object.
 *       [object.aligned] It MUST be aligned to at least {@link #minimumAlignment(Era)} bytes: 8 in the
 *       {@link Era#MODERN} era, 4 (the i386 word) in the {@link Era#LINUX_2_0} era, whose bucket sizes 252,
 *       508 and 1020 put every second object at 4 mod 8, as they did on i386 in 1996.
 *       [object.natural-alignment] Objects of a power-of-two class of at most a page SHOULD be naturally
 *       aligned (the modern profile's caches are).</li>
 *   <li>[object.no-false-failure] For a size in {@code 1..maxSize()}, {@code allocate} MUST NOT return
 *       {@link #NULL} unless its page source refused a page during the call.
 *       [object.refuse-when-source-fails] When the page source fails, {@code allocate} MUST return
 *       {@link #NULL} and change nothing.
 *       [object.bad-size] A size of 0 or above {@link #maxSize()} MUST return {@link #NULL}; neither is an
 *       exception.</li>
 *   <li>[object.dma] A request with {@code __GFP_DMA} MUST be served from pages obtained with
 *       {@code __GFP_DMA} (separate DMA caches, like {@code dma-kmalloc-*}).
 *       [object.dma-only-when-asked] Other requests SHOULD NOT use DMA pages.</li>
 *   <li>[object.zero] {@code __GFP_ZERO} MUST return zeroed bytes; otherwise contents are unspecified.
 *       [object.page-gfp] A page request that {@code allocate(size, gfp)} makes MUST NOT allow what
 *       {@code gfp} does not: it carries {@code __GFP_DIRECT_RECLAIM} (may sleep), {@code __GFP_HIGH} (may
 *       use the reserves), {@code __GFP_NOFAIL} or {@code __GFP_MEMALLOC} only when {@code gfp} does, so a
 *       {@code GFP_ATOMIC} kmalloc never sleeps for a page. Pass {@code gfp} on without
 *       {@code __GFP_ZERO}; adding {@code __GFP_NOWARN} or {@code __GFP_NORETRY} is allowed.</li>
 *   <li>[object.free-live] {@link #free(long)} MUST accept exactly the live addresses {@code allocate}
 *       returned, once each.
 *       [object.bad-free] {@code free} MUST throw {@link org.kmemlab.api.bug.KernelBug} and change nothing
 *       for an address that is not in one of its pages, not at the start of an object (bytes that belong to
 *       no object, such as page descriptors, headers or the slack at the end of a page, included), or
 *       already free.</li>
 *   <li>[object.usable-size] {@link #usableSize(long)} of a live object MUST return at least the size asked
 *       for, the same value for as long as the object lives.
 *       [object.bad-usable-size] {@code usableSize} MUST throw {@link org.kmemlab.api.bug.KernelBug} and
 *       change nothing for an address that is not a live object: a freed one, one inside an object, bytes
 *       that belong to no object, or one outside its pages.</li>
 *   <li>[object.shrink] {@link #shrink()} MUST return to the page source every page that holds no live
 *       object; an allocator MAY keep a few empty pages per class between calls to {@code shrink}.
 *       [object.shrink-counts-frames] {@code shrink} MUST return the number of pages (frames) it gave back,
 *       never slabs: a slab of order 2 counts 4.</li>
 *   <li>[object.slabinfo-rows] {@link #slabinfo()} MUST be exact per row: for every class, live objects,
 *       total object slots, object size, objects and pages per slab, and slab counts equal what the
 *       allocator really holds in that class's slabs, not just totals that multiply out.
 *       [object.slabinfo-pages] The slabs it lists MUST account for every page the allocator holds from
 *       its page source.</li>
 *   <li>{@code free(NULL)} is the caller's business: kmalloc filters NULL and {@code ZERO_SIZE_PTR}
 *       before calling {@link #free(long)}, so an implementation MAY treat 0 as any foreign address.</li>
 *   <li>[object.self-check-sound] {@link #checkInvariants()} MUST throw only when one of the allocator's
 *       invariants is really broken.</li>
 *   <li>[object.any-slot] An implementation MAY choose any size classes that satisfy these rules and MAY
 *       return any suitable free slot; the contract never depends on which.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Instances need not be thread-safe; kmalloc serialises or shards calls.
 * [object.no-garbage] Implementations SHOULD NOT allocate Java objects in {@code allocate} and
 * {@code free}.
 */
public interface ObjectAllocator {

    /** The address returned on failure: 0, NULL. */
    long NULL = 0L;

    /**
     * Returns the alignment every object has in {@code era} (rule object.aligned): 8 bytes today, 4
     * bytes (the i386 word) for Linux 2.0's bucket sizes.
     */
    static int minimumAlignment(Era era) {
        return era == Era.LINUX_2_0 ? 4 : 8;
    }

    /**
     * Allocates an object of at least {@code size} bytes.
     *
     * @param size the number of bytes wanted, 1..{@link #maxSize()}
     * @param gfp allocation flags, passed on to the page source when a new page is needed
     * @return the object's direct-map address, or {@link #NULL}
     */
    long allocate(long size, int gfp);

    /**
     * Frees a live object.
     *
     * @param addr an address {@link #allocate(long, int)} returned and that is still live
     * @throws org.kmemlab.api.bug.KernelBug for any other address
     */
    void free(long addr);

    /**
     * Returns the usable size of a live object: its class size, at least what was asked for (ksize).
     *
     * @throws org.kmemlab.api.bug.KernelBug when {@code addr} is not a live object of this allocator
     */
    long usableSize(long addr);

    /** Returns the largest request this allocator serves; larger ones return {@link #NULL}. */
    long maxSize();

    /**
     * Returns every page that holds no live object to the page source.
     *
     * @return the number of pages (frames, not slabs) returned: a slab of order 2 counts 4 (rule
     *         object.shrink-counts-frames)
     */
    long shrink();

    /**
     * Returns the size classes: the normal ones smallest first, then the DMA ones smallest first. kmalloc
     * maps each request to the smallest class of its kind that holds it and keeps a per-thread magazine
     * per class.
     *
     * <p>[object.size-classes] When declared, the classes MUST agree with {@link #allocate} and
     * {@link #usableSize}: a request of {@code s} bytes gets an object whose usable size is that of the
     * smallest class of its kind of at least {@code s}.
     *
     * <p>The default returns no classes, and kmalloc then learns them at boot by probing
     * {@code usableSize} (which is how submissions written before this method keep working).
     */
    default List<SizeClass> sizeClasses() {
        return List.of();
    }

    /** Returns one {@code /proc/slabinfo} row per size class (DMA classes included), smallest first. */
    List<SlabInfo> slabinfo();

    /**
     * Checks the allocator's own invariants (free lists intact, counts consistent) and throws
     * {@link IllegalStateException} describing the first one broken. The testkit calls it after every
     * step; the default checks nothing.
     */
    default void checkInvariants() {
    }
}
