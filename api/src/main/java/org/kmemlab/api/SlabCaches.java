package org.kmemlab.api;

import org.kmemlab.api.spi.ObjectConstructor;

/**
 * A kernel's named slab caches as a caller sees them: {@code kmem_cache_create}, {@code _alloc},
 * {@code _free}, {@code _shrink} and {@code _destroy}. {@link KernelMemory#slabCaches()} returns it, or
 * null for a kernel without named caches (Linux 2.0 had none). The testkit's {@code KernelContract}
 * checks any implementation through this interface.
 *
 * <h2>Requirements</h2>
 * Every rule carries an id in brackets; the testkit's {@code KernelContract} checks each one (property
 * {@code kernel.named-caches}) and a failure report names the rule it broke.
 * <ul>
 *   <li>[kernel.cache-alloc] {@link #alloc} MUST return the direct-map address of
 *       {@link Cache#objectSize()} bytes that overlap no live allocation of the kernel (kmalloc memory, page
 *       blocks, objects of any cache), or {@link KernelMemory#NULL} when memory cannot be had; allocation
 *       failure is never an exception.
 *       [kernel.cache-aligned] Every object MUST be aligned to {@link Cache#alignment()}.
 *       [kernel.cache-constructed] In a cache with a constructor an object MUST come constructed: the
 *       constructor ran on it once, and an object allocated again holds what its last user left.</li>
 *   <li>[kernel.cache-free] {@link #free} MUST accept a live object of that cache, once.
 *       [kernel.cache-bad-free] For anything else {@code free} MUST throw
 *       {@link org.kmemlab.api.bug.KernelBug} and change nothing: another cache's or kmalloc's object (a
 *       wrong-cache free), an interior pointer, a second free.</li>
 *   <li>[kernel.cache-shrink] {@link #shrink} MUST return the number of pages (frames, never slabs) it gave
 *       back: the cache's pages in {@code /proc/slabinfo} fall by exactly that number.</li>
 *   <li>[kernel.cache-destroy-live] {@link #destroy} MUST throw a {@code KernelBug} whose first line is
 *       {@code kmem_cache_destroy NAME: Slab cache still has objects} while any object is live, and change
 *       nothing.
 *       [kernel.cache-destroy] Once no object is live, {@code destroy} MUST succeed and the cache's row
 *       MUST leave {@code /proc/slabinfo}.</li>
 *   <li>[kernel.cache-slabinfo] {@code /proc/slabinfo} MUST have one row per live cache, named after it,
 *       whose active objects count at least the cache's live objects.</li>
 * </ul>
 */
public interface SlabCaches {

    /** A cache handle ({@code struct kmem_cache *}). */
    interface Cache {
        /** Returns the cache's name. */
        String name();

        /** Returns the object size asked for at creation. */
        long objectSize();

        /** Returns the alignment of every object. */
        int alignment();
    }

    /** {@code kmem_cache_create}; see {@link org.kmemlab.api.spi.SlabCacheConfig} for the arguments. */
    Cache create(String name, long size, int align, int flags, ObjectConstructor ctor);

    /** {@code kmem_cache_alloc}: an object, or {@link KernelMemory#NULL}. */
    long alloc(Cache cache, int gfp);

    /** {@code kmem_cache_free}. */
    void free(Cache cache, long addr);

    /** {@code kmem_cache_shrink}: gives the cache's empty slabs back; returns the pages given back. */
    long shrink(Cache cache);

    /** {@code kmem_cache_destroy}. */
    void destroy(Cache cache);
}
