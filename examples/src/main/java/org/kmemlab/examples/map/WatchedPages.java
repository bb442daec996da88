package org.kmemlab.examples.map;

import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * A page allocator provider that wraps another and reports every block it hands out or takes back to a
 * {@link FrameWatch}: how the memory map learns which frames are free without knowing the allocator's
 * insides. The wrapped allocator decides everything; the wrapper only watches.
 */
public final class WatchedPages extends WatchedProvider<PageAllocatorProvider> implements PageAllocatorProvider {

    /** Wraps {@code inner}, reporting to {@code watch}. */
    public WatchedPages(PageAllocatorProvider inner, FrameWatch watch) {
        super(inner, watch);
    }

    @Override
    public PageAllocator create(PageAllocatorConfig config) {
        PageAllocator allocator = inner.create(config);
        watch.managed(config);
        return new Watched(allocator, watch);
    }

    /** The wrapper around one allocator. */
    private static final class Watched implements PageAllocator {
        private final PageAllocator inner;
        private final FrameWatch watch;

        Watched(PageAllocator inner, FrameWatch watch) {
            this.inner = inner;
            this.watch = watch;
        }

        @Override
        public long startPfn() {
            return inner.startPfn();
        }

        @Override
        public long frames() {
            return inner.frames();
        }

        @Override
        public int maxOrder() {
            return inner.maxOrder();
        }

        @Override
        public long allocate(int order) {
            long pfn = inner.allocate(order);
            if (pfn != NO_PAGE) {
                watch.mark(pfn, 1L << order, Owner.PAGE_CACHE);
            }
            return pfn;
        }

        @Override
        public void free(long pfn, int order) {
            inner.free(pfn, order);
            watch.mark(pfn, 1L << order, Owner.FREE);
        }

        @Override
        public long freeFrames() {
            return inner.freeFrames();
        }

        @Override
        public long freeBlocks(int order) {
            return inner.freeBlocks(order);
        }

        @Override
        public void checkInvariants() {
            inner.checkInvariants();
        }
    }
}
