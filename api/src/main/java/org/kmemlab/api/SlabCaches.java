package org.kmemlab.api;

import org.kmemlab.api.spi.ObjectConstructor;

/**
 * A kernel's named slab caches as a caller sees them: {@code kmem_cache_create}, {@code _alloc},
 * {@code _free}, {@code _shrink} and {@code _destroy}. {@link KernelMemory#slabCaches()} returns it, or
 * null for a kernel without named caches (Linux 2.0 had none). The testkit's {@code KernelContract}
 * checks any implementation through this interface.
 *
 * <h2>Requirements</h2>
 * <ul>
 *   <li>{@link #alloc} MUST return a direct-map address aligned to {@link Cache#alignment()} of
 *       {@link Cache#objectSize()} bytes that overlap no live allocation of the kernel (kmalloc, pages,
 *       other caches), or {@link KernelMemory#NULL}; an object comes constructed (the constructor ran on
 *       it once) and holds what its last user left.</li>
 *   <li>{@link #free} MUST throw {@link org.kmemlab.api.bug.KernelBug} and change nothing for anything
 *       but a live object of that cache: another cache's or kmalloc's object (a wrong-cache free), an
 *       interior pointer, a second free.</li>
 *   <li>{@link #destroy} MUST throw a {@code KernelBug} whose first line is
 *       {@code kmem_cache_destroy NAME: Slab cache still has objects} while any object is live.</li>
 *   <li>{@code /proc/slabinfo} MUST have one row per live cache, named after it.</li>
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

    /** {@code kmem_cache_shrink}: returns the pages given back. */
    long shrink(Cache cache);

    /** {@code kmem_cache_destroy}. */
    void destroy(Cache cache);
}
