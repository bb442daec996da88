package org.kmemlab.examples.map;

import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageSource;

/**
 * An object allocator provider that wraps another and watches the pages it takes from its page source,
 * so that the memory map can label them as slab pages.
 */
public final class WatchedSlabs extends WatchedProvider<ObjectAllocatorProvider>
        implements ObjectAllocatorProvider {

    /** Wraps {@code inner}, reporting to {@code watch}. */
    public WatchedSlabs(ObjectAllocatorProvider inner, FrameWatch watch) {
        super(inner, watch);
    }

    @Override
    public ObjectAllocator create(ObjectAllocatorConfig config) {
        Machine machine = config.machine();
        PageSource pages = config.pages();
        PageSource watched = new PageSource() {
            @Override
            public long getFreePages(int gfp, int order) {
                long addr = pages.getFreePages(gfp, order);
                if (addr != 0) {
                    watch.mark(machine.virtToPfn(addr), 1L << order, Owner.SLAB);
                }
                return addr;
            }

            @Override
            public void freePages(long addr, int order) {
                pages.freePages(addr, order);
            }
        };
        return inner.create(new ObjectAllocatorConfig(machine, watched, config.era()));
    }
}
