package org.kmemlab.grader.child;

import java.io.IOException;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.Shrinker;

/**
 * The grader's objects as the submission's allocators see them: a page source, a page allocator
 * provider, a slab constructor and a shrinker whose every method is a call back to the grader
 * ({@link Executor#callBack}), on the lane of the call that caused it.
 */
final class GraderCallbacks {

    private GraderCallbacks() {
    }

    /** The page source the grader gave an object allocator, reached through callbacks. */
    static final class CallbackPageSource implements PageSource {
        private final Executor executor;
        private final int handle;

        CallbackPageSource(Executor executor, int handle) {
            this.executor = executor;
            this.handle = handle;
        }

        @Override
        public long getFreePages(int gfp, int order) {
            try {
                return executor.callBack(handle, Op.PS_GET_FREE_PAGES, out -> {
                    out.writeInt(gfp);
                    out.writeInt(order);
                }).readLong();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void freePages(long addr, int order) {
            executor.callBack(handle, Op.PS_FREE_PAGES, out -> {
                out.writeLong(addr);
                out.writeInt(order);
            });
        }
    }

    /**
     * The grader's page allocator provider, reached through callbacks: each {@code create} is made by the
     * grader, which answers with the handle of the allocator it had this JVM make.
     */
    static final class CallbackPageProvider implements PageAllocatorProvider {
        private final Executor executor;
        private final int handle;
        private final String name;

        CallbackPageProvider(Executor executor, int handle, String name) {
            this.executor = executor;
            this.handle = handle;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            int machine = executor.replicas().handleOf(config.machine());
            if (machine < 0) {
                throw new IllegalArgumentException("page allocators are made on the zone allocator's machine only");
            }
            try {
                int made = executor.callBack(handle, Op.PP_CREATE, out -> {
                    out.writeInt(machine);
                    out.writeUTF(config.zoneName());
                    out.writeLong(config.startPfn());
                    out.writeLong(config.frames());
                    out.writeInt(config.maxOrder());
                    out.writeUTF(config.era().name());
                }).readInt();
                return (PageAllocator) executor.get(made);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The constructor the grader gave a slab cache, reached through callbacks. */
    static final class CallbackConstructor implements ObjectConstructor {
        private final Executor executor;
        private final int handle;

        CallbackConstructor(Executor executor, int handle) {
            this.executor = executor;
            this.handle = handle;
        }

        @Override
        public void construct(long addr) {
            executor.callBack(handle, Op.CTOR_CONSTRUCT, out -> out.writeLong(addr));
        }
    }

    /** A shrinker the grader registered, reached through callbacks. */
    static final class CallbackShrinker implements Shrinker {
        private final Executor executor;
        private final int handle;

        CallbackShrinker(Executor executor, int handle) {
            this.executor = executor;
            this.handle = handle;
        }

        @Override
        public String name() {
            try {
                return executor.callBack(handle, Op.SH_NAME, out -> { }).readUTF();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public long count() {
            try {
                return executor.callBack(handle, Op.SH_COUNT, out -> { }).readLong();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public long scan(long pages) {
            try {
                return executor.callBack(handle, Op.SH_SCAN, out -> out.writeLong(pages)).readLong();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
