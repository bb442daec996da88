package edu.example.slab;

import org.kmemlab.api.bug.SlabCacheBug;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.stats.SlabInfo;

/**
 * Your slab cache: objects of one size, carved out of slabs of pages (Bonwick, USENIX 1994).
 *
 * <p>The specification is the Javadoc of {@link SlabCache}: every MUST there is tested by
 * {@code mvn test}. This skeleton compiles and answers honestly (it never has an object, so every free is
 * a bug and every allocation fails), and it fails the contract until you write the TODOs.
 *
 * <p>A plan that works:
 * <ol>
 *   <li>Decide the slot: {@code config.size()} rounded up to 8, plus {@value
 *       org.kmemlab.api.spi.SlabFlags#RED_ZONE_SIZE} bytes of red zone with {@code SLAB_RED_ZONE}, rounded
 *       up to {@code config.alignment()}. Decide the slab order (how many pages per slab).</li>
 *   <li>{@code allocate}: take a free object from a partial slab, else from an empty one, else get a new
 *       slab from {@code config.pages()} (add {@code __GFP_DMA} with {@code SLAB_CACHE_DMA}), set up its
 *       free list and run the constructor on every object of it, once.</li>
 *   <li>{@code free}: find the slab of the address, check it is the start of a live object, put it back
 *       on the free list (keep the free list outside the objects, or the constructed state is lost), move
 *       the slab between the full, partial and empty lists.</li>
 *   <li>{@code shrink}, {@code destroy}, {@code slabinfo}; then poison and red zones.</li>
 * </ol>
 */
final class StudentSlabCache implements SlabCache {

    private final SlabCacheConfig config;
    private long liveObjects;

    StudentSlabCache(SlabCacheConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public long allocate(int gfp) {
        // TODO: hand out a free object, growing the cache by a slab from config.pages() when none is free.
        return NULL;
    }

    @Override
    public void free(long addr) {
        // TODO: find the slab holding addr; check; put the object back on its slab's free list.
        throw SlabCacheBug.notInCache(config.name(), addr);
    }

    @Override
    public long shrink() {
        // TODO: give every slab without a live object back to config.pages(); return the pages given back.
        return 0;
    }

    @Override
    public void destroy() {
        if (liveObjects > 0) {
            throw SlabCacheBug.stillHasObjects(config.name(), liveObjects);
        }
        // TODO: give every slab back.
    }

    @Override
    public SlabInfo slabinfo() {
        // TODO: report the real figures: objects in use, slots, slot size, objects and pages per slab, slabs.
        return new SlabInfo(config.name(), liveObjects, 0, config.size(), 0, 1, 0, 0);
    }
}
