package org.kmemlab.kmalloc;

import org.kmemlab.api.Checks;
import org.kmemlab.api.SlabCaches;
import org.kmemlab.api.spi.ObjectConstructor;

/**
 * A kernel's named caches seen through the {@link SlabCaches} interface, for contracts and callers that
 * see only {@link org.kmemlab.api.KernelMemory}: each call goes to the {@code kmemCache…} method of the
 * same name, so it takes the same checks (sleeping in atomic context, NULL) as a direct call.
 */
final class SlabCachesView implements SlabCaches {

    private final Kernel kernel;

    SlabCachesView(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public Cache create(String name, long size, int align, int flags, ObjectConstructor ctor) {
        return kernel.kmemCacheCreate(name, size, align, flags, ctor);
    }

    @Override
    public long alloc(Cache cache, int gfp) {
        return kernel.kmemCacheAlloc(own(cache), gfp);
    }

    @Override
    public void free(Cache cache, long addr) {
        kernel.kmemCacheFree(own(cache), addr);
    }

    @Override
    public long shrink(Cache cache) {
        return kernel.kmemCacheShrink(own(cache));
    }

    @Override
    public void destroy(Cache cache) {
        kernel.kmemCacheDestroy(own(cache));
    }

    private KmemCache own(Cache cache) {
        Checks.requireArgument(cache instanceof KmemCache, "%s is not a cache of this kernel", cache);
        return (KmemCache) cache;
    }
}
