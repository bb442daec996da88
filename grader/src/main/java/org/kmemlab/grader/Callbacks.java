package org.kmemlab.grader;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.grader.child.Failure;
import org.kmemlab.grader.child.Op;
import org.kmemlab.grader.child.Replicas;
import org.kmemlab.grader.child.Wire;

/**
 * The grader's objects that the submission's JVM calls back, on the lane of the call that caused it: an
 * object allocator's or slab cache's page source, a slab cache's constructor, a zone allocator's
 * shrinkers, and the zone contract's page allocator provider (which answers with the child's handle of
 * the allocator it had the child make). Each gets a handle the first time it is passed to the child.
 */
final class Callbacks implements Wire.Dispatcher {

    private final ChildSession session;
    private final Replicas replicas;
    private final CallCounts counts;
    private final Map<Integer, Object> callbacks = new ConcurrentHashMap<>();
    private final Map<Object, Integer> callbackHandles = new IdentityHashMap<>();
    private final AtomicInteger nextCallback = new AtomicInteger(1);

    Callbacks(ChildSession session, Replicas replicas, CallCounts counts) {
        this.session = session;
        this.replicas = replicas;
        this.counts = counts;
    }

    /** Returns the handle by which the child calls {@code callback} back, the same each time. */
    int handle(Object callback) {
        synchronized (callbackHandles) {
            Integer h = callbackHandles.get(callback);
            if (h == null) {
                h = nextCallback.getAndIncrement();
                callbackHandles.put(callback, h);
                callbacks.put(h, callback);
            }
            return h;
        }
    }

    /** Serves a call the child makes back: a page source's, a slab constructor's or a shrinker's method. */
    @Override
    public byte serve(DataInputStream in, DataOutputStream out) throws IOException {
        int target = in.readInt();
        short op = in.readShort();
        in.readByte();
        counts.back(op);
        Object callback = callbacks.get(target);
        try {
            if (callback instanceof PageSource source && op == Op.PS_GET_FREE_PAGES) {
                out.writeLong(source.getFreePages(in.readInt(), in.readInt()));
            } else if (callback instanceof PageSource source && op == Op.PS_FREE_PAGES) {
                source.freePages(in.readLong(), in.readInt());
            } else if (callback instanceof org.kmemlab.api.spi.PageAllocatorProvider pages && op == Op.PP_CREATE) {
                Machine machine = replicas.get(in.readInt());
                if (machine == null) {
                    throw new IllegalStateException("the submission's JVM named a machine the grader does not have");
                }
                org.kmemlab.api.spi.PageAllocator made = pages.create(new org.kmemlab.api.spi.PageAllocatorConfig(
                        machine, in.readUTF(), in.readLong(), in.readLong(), in.readInt(),
                        org.kmemlab.api.Era.valueOf(in.readUTF())));
                int handle = RemoteProviders.handleOf(made, session);
                // A zone allocator that hands frames to page allocators at boot did what zone.boot checks.
                session.countAllocation();
                if (handle < 0) {
                    throw new IllegalStateException("the grader's page allocator provider " + pages.name()
                            + " made an allocator outside the submission's JVM; a zone allocator there cannot use it");
                }
                out.writeInt(handle);
            } else if (callback instanceof ObjectConstructor ctor && op == Op.CTOR_CONSTRUCT) {
                ctor.construct(in.readLong());
            } else if (callback instanceof Shrinker s && op == Op.SH_NAME) {
                out.writeUTF(String.valueOf(s.name()));
            } else if (callback instanceof Shrinker s && op == Op.SH_COUNT) {
                out.writeLong(s.count());
            } else if (callback instanceof Shrinker s && op == Op.SH_SCAN) {
                out.writeLong(s.scan(in.readLong()));
            } else {
                throw new IllegalStateException("the submission's JVM called back operation " + op + " on "
                        + (callback == null ? "an unknown object " + target : callback.getClass().getSimpleName()));
            }
            return Wire.RETURN;
        } catch (RuntimeException e) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Failure.write(e, new DataOutputStream(bytes));
            bytes.writeTo(out);
            return Wire.THROW;
        }
    }
}
