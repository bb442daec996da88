package org.kmemlab.examples.map;

import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageSource;

/**
 * An object allocator provider that wraps another and watches the pages it takes from its page source,
 * so that the memory map can label them as slab pages, and counts the live objects on each of them.
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
        return new Counted(inner.create(new ObjectAllocatorConfig(machine, watched, config.era())), machine, watch);
    }

    /** The wrapper around one object allocator: counts the live objects of every slab page. */
    private static final class Counted implements ObjectAllocator {
        private final ObjectAllocator inner;
        private final Machine machine;
        private final FrameWatch watch;

        Counted(ObjectAllocator inner, Machine machine, FrameWatch watch) {
            this.inner = inner;
            this.machine = machine;
            this.watch = watch;
        }

        @Override
        public long allocate(long size, int gfp) {
            long addr = inner.allocate(size, gfp);
            if (addr != NULL) {
                watch.object(machine.virtToPfn(addr), 1, inner.usableSize(addr));
            }
            return addr;
        }

        @Override
        public void free(long addr) {
            long bytes;
            try {
                bytes = inner.usableSize(addr);
            } catch (RuntimeException notLive) {
                inner.free(addr);           // a misuse: let the allocator report it in its own words
                return;
            }
            inner.free(addr);
            watch.object(machine.virtToPfn(addr), -1, bytes);
        }

        @Override
        public long usableSize(long addr) {
            return inner.usableSize(addr);
        }

        @Override
        public long maxSize() {
            return inner.maxSize();
        }

        @Override
        public long shrink() {
            return inner.shrink();
        }

        @Override
        public java.util.List<org.kmemlab.api.spi.SizeClass> sizeClasses() {
            // Forwarded, not left to the default: without the inner allocator's table kmalloc would learn
            // the classes by probing at boot, and the probe's allocations and frees would reorder the free
            // lists, so a watched kernel would hand out other addresses than the kernel it watches.
            return inner.sizeClasses();
        }

        @Override
        public java.util.List<org.kmemlab.api.stats.SlabInfo> slabinfo() {
            return inner.slabinfo();
        }

        @Override
        public void checkInvariants() {
            inner.checkInvariants();
        }
    }
}
