package org.kmemlab.api.spi;

import org.kmemlab.api.stats.SlabInfo;

/**
 * A cache of objects of one type ({@code struct kmem_cache}): Bonwick's slab allocator (USENIX 1994),
 * the fourth assignment. Every object has the same size and alignment; a constructor, if any, runs when
 * an object is first made and not on every allocation.
 *
 * <p>A cache takes slabs (blocks of {@code 2^order} pages) from the {@link PageSource} of its
 * {@link SlabCacheConfig}, cuts each into objects and gives a slab back when it holds no live object. A
 * reference implementation lives in module {@code org.kmemlab.slab} (provider {@code slab-reference});
 * students test theirs with the testkit's {@code SlabCacheContract}.
 *
 * <h2>Requirements</h2>
 * Each rule carries an id in brackets; the testkit's {@code Rule} lists them and every check of the slab
 * contract cites the one it enforces.
 * <ul>
 *   <li>[slab.object] {@link #allocate(int)} MUST return the direct-map address of an object of at least
 *       {@code config.size()} bytes that overlaps no other live object of any cache, inside a block the
 *       page source gave this cache, and MUST NOT return {@link #NULL} while the page source serves its
 *       requests. [slab.aligned] The object MUST be aligned to {@code config.alignment()}
 *       ({@link SlabFlags#alignment SlabFlags.alignment}). [slab.refuse-when-source-fails] When the page
 *       source fails, {@code allocate} MUST return {@link #NULL} and change nothing; that is not an
 *       exception.</li>
 *   <li>[slab.constructor] Every object MUST have been passed to the constructor (when there is one)
 *       before it is handed out for the first time, and MUST NOT be passed again while its slab stays with
 *       the cache: an object that is freed and allocated again comes back with the bytes its user left,
 *       which a correct user leaves in the constructed state. The constructor MUST NOT be called on a live
 *       object. After a slab goes back to the page source its objects are constructed again if their
 *       memory returns in a new slab. [slab.construct-with-slab] A cache SHOULD construct all objects of a
 *       slab when it makes the slab (Bonwick, SLUB). [slab.construct-lazily] A cache MAY instead construct
 *       an object lazily, at its first allocation.</li>
 *   <li>[slab.gfp-zero] {@code __GFP_ZERO} MUST zero the object's {@code size} bytes (after any
 *       constructor). [slab.page-gfp] A page request that {@code allocate(gfp)} makes MUST NOT allow what
 *       {@code gfp} does not: it carries {@code __GFP_DIRECT_RECLAIM} (may sleep), {@code __GFP_HIGH} (may
 *       use the reserves), {@code __GFP_NOFAIL} or {@code __GFP_MEMALLOC} only when {@code gfp} does, so a
 *       {@code GFP_ATOMIC} allocation never sleeps for a slab. Pass {@code gfp} on without
 *       {@code __GFP_ZERO}; adding {@code __GFP_NOWARN} or {@code __GFP_NORETRY} (as SLUB's first,
 *       high-order try does) is allowed.
 *       [slab.cache-dma] {@link SlabFlags#SLAB_CACHE_DMA} MUST add {@code __GFP_DMA} to every page
 *       request.</li>
 *   <li>[slab.free] {@link #free(long)} MUST accept every live address {@link #allocate(int)} returned,
 *       once. [slab.bad-free] For any other address {@code free} MUST throw
 *       {@link org.kmemlab.api.bug.KernelBug} and change nothing: an address in none of this cache's slabs
 *       (which includes an object of another cache: a free into the wrong cache), one that is not the
 *       start of an object, or an object already free.</li>
 *   <li>[slab.poison] With {@link SlabFlags#SLAB_POISON} (and no constructor), {@code free} MUST fill the
 *       object's {@code size} bytes with {@link SlabFlags#POISON_FREE} and its last byte with
 *       {@link SlabFlags#POISON_END}. [slab.poison-check] {@code allocate} MUST check that poison before
 *       handing the object out and on a difference throw {@link org.kmemlab.api.bug.CorruptionBug}
 *       ({@code Poison overwritten}), after restoring the poison so that the object stays free and
 *       usable.</li>
 *   <li>[slab.red-zone] With {@link SlabFlags#SLAB_RED_ZONE}, the {@link SlabFlags#RED_ZONE_SIZE} bytes
 *       right after the object's {@code size} bytes, rounded up to 8, MUST hold
 *       {@link SlabFlags#RED_ACTIVE} while it is live and {@link SlabFlags#RED_INACTIVE} while free.
 *       [slab.red-zone-check] {@code free} MUST check the red zone first and on a difference throw
 *       {@link org.kmemlab.api.bug.CorruptionBug} ({@code Right Redzone overwritten}), restoring the red
 *       zone and leaving the object live.</li>
 *   <li>[slab.shrink] {@link #shrink()} MUST return to the page source every slab that holds no live
 *       object, and return the number of pages (frames, not slabs) it gave back. [slab.keep-empty] A cache
 *       MAY keep a few empty slabs between calls.</li>
 *   <li>[slab.destroy-live] While any object is live, {@link #destroy()} MUST throw
 *       {@link org.kmemlab.api.bug.KernelBug} whose first line is
 *       {@code kmem_cache_destroy NAME: Slab cache still has objects} and change nothing.
 *       [slab.destroy] Otherwise {@code destroy()} MUST return every slab to the page source; the cache is
 *       not used after.</li>
 *   <li>[slab.slabinfo] {@link #slabinfo()} MUST be exact: the configured name (which {@link #name()}
 *       returns too), live objects, object slots, slot size (the object with its alignment padding and
 *       red zone), objects and pages per slab (a cache's slabs all have one order), active slabs (those
 *       holding a live object) and total slabs. [slab.slabinfo-pages] The slabs it
 *       counts MUST be exactly the pages this cache holds from its page source.</li>
 *   <li>[slab.self-check-sound] {@link #checkInvariants()} MUST throw only when one of the cache's
 *       invariants is really broken.</li>
 *   <li>[slab.any-slot] A cache MAY choose any slab order and any free object to hand out; callers and the
 *       contract never depend on which.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Instances need not be thread-safe; the kernel serialises calls to one cache. [slab.no-garbage]
 * {@code allocate} and {@code free} SHOULD NOT allocate Java objects.
 */
public interface SlabCache {

    /** The address returned on failure: 0, NULL. */
    long NULL = 0L;

    /** Returns the cache's name, from its configuration. */
    String name();

    /**
     * Allocates one object ({@code kmem_cache_alloc}).
     *
     * @param gfp allocation flags, passed on to the page source when a new slab is needed
     * @return the object's direct-map address, or {@link #NULL} when no slab can be had
     */
    long allocate(int gfp);

    /**
     * Frees a live object ({@code kmem_cache_free}).
     *
     * @param addr an address {@link #allocate(int)} returned that is still live
     * @throws org.kmemlab.api.bug.KernelBug for any other address, with nothing changed
     */
    void free(long addr);

    /**
     * Returns every slab without a live object to the page source ({@code kmem_cache_shrink}).
     *
     * @return the number of pages (frames, not slabs) returned
     */
    long shrink();

    /**
     * Returns every slab to the page source ({@code kmem_cache_destroy}); the cache is unusable after.
     *
     * @throws org.kmemlab.api.bug.KernelBug {@code kmem_cache_destroy NAME: Slab cache still has objects}
     *         while an object is live, with nothing changed
     */
    void destroy();

    /** Returns this cache's {@code /proc/slabinfo} row. */
    SlabInfo slabinfo();

    /**
     * Checks the cache's own invariants (free lists intact, counts consistent) and throws
     * {@link IllegalStateException} describing the first one broken. The testkit calls it after every
     * step; the default checks nothing.
     */
    default void checkInvariants() {
    }
}
