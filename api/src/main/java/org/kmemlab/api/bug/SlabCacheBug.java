package org.kmemlab.api.bug;

/**
 * A misuse of a named slab cache that is neither a double free nor a corruption: destroying a cache that
 * still has objects, or freeing an object into a cache it does not come from.
 *
 * <pre>
 * kmem_cache_destroy dentry: Slab cache still has objects
 * INFO: 3 objects are still allocated
 * Hint: free every object with kmem_cache_free() before kmem_cache_destroy()
 * </pre>
 */
public final class SlabCacheBug extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final String cache;

    private SlabCacheBug(String cache, String headline, String details, String advice) {
        super(headline, details, advice);
        this.cache = cache;
    }

    /** Returns the cache the call was made on. */
    public String cache() {
        return cache;
    }

    /** {@code kmem_cache_destroy} of a cache with {@code live} objects still allocated. */
    public static SlabCacheBug stillHasObjects(String cache, long live) {
        return new SlabCacheBug(cache, "kmem_cache_destroy " + cache + ": Slab cache still has objects",
                "INFO: " + live + (live == 1 ? " object is" : " objects are") + " still allocated",
                "free every object with kmem_cache_free() before kmem_cache_destroy()");
    }

    /** {@code kmem_cache_free(cache, p)} of an object that belongs to cache {@code owner}. */
    public static SlabCacheBug wrongCache(String cache, String owner, long address) {
        return new SlabCacheBug(cache, "kmem_cache_free: Wrong slab cache. " + cache + " but object is from "
                + owner, "INFO: object " + hex(address),
                "free an object into the cache it was allocated from");
    }

    /** An address that lies in none of this cache's slabs. */
    public static SlabCacheBug notInCache(String cache, long address) {
        return new SlabCacheBug(cache, "BUG " + cache + " (Not tainted): kmem_cache_free of " + hex(address)
                + ", which is not in this cache", "INFO: " + hex(address) + " lies in none of the cache's slabs",
                "pass kmem_cache_free() the cache and the pointer kmem_cache_alloc() returned");
    }

    /** A call on a cache after {@code kmem_cache_destroy}. */
    public static SlabCacheBug destroyed(String cache, String call) {
        return new SlabCacheBug(cache, "BUG " + cache + ": " + call + " after kmem_cache_destroy",
                "INFO: the cache was destroyed and has given its slabs back",
                "create the cache again, or keep it until its last user is done");
    }
}
