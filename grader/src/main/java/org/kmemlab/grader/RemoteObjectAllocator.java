package org.kmemlab.grader;

import static org.kmemlab.grader.RemoteProviders.broken;
import static org.kmemlab.grader.RemoteProviders.fresh;
import static org.kmemlab.grader.RemoteProviders.longOf;
import static org.kmemlab.grader.RemoteProviders.readSlabinfo;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.SizeClass;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.grader.child.Op;

/**
 * An object allocator in the child. It keeps the addresses it handed out and not yet freed; the answer
 * to {@code checkInvariants} carries the slabinfo rows and the usable size of each of them, and the
 * contract's check that follows (slabinfo, then {@code usableSize} of every live object) is answered
 * from it while it is fresh ({@link RemoteProviders#fresh}): one round trip instead of one per live
 * object. The size classes are read once, when the allocator is made, as kmalloc reads them at boot.
 */
final class RemoteObjectAllocator implements ObjectAllocator {
    /** Beyond this many live objects the check's answer carries no usable sizes (each is then asked). */
    private static final int MAX_SNAPSHOT_OBJECTS = 1 << 16;

    private final ChildSession session;
    private final int handle;
    private final Machine machine;
    /** The declared size classes, or null when {@code sizeClasses()} threw (then it is asked each time). */
    private final List<SizeClass> sizeClasses;
    private final Set<Long> live = new LinkedHashSet<>();
    private long epoch = -1;
    /** The slabinfo rows of the snapshot, or null when {@code slabinfo()} threw. */
    private List<SlabInfo> slabinfo;
    private final Map<Long, Long> usable = new HashMap<>();

    RemoteObjectAllocator(ChildSession session, int handle, Machine machine, List<SizeClass> sizeClasses) {
        this.session = session;
        this.handle = handle;
        this.machine = machine;
        this.sizeClasses = sizeClasses;
    }

    private DataInputStream call(short op, ChildSession.Args args) {
        return session.call(handle, op, machine, args);
    }

    @Override
    public long allocate(long size, int gfp) {
        try {
            epoch = -1;
            DataInputStream in = call(Op.O_ALLOCATE, out -> {
                out.writeLong(size);
                out.writeInt(gfp);
            });
            long addr = in.readLong();
            if (addr != NULL) {
                session.countAllocation();
                live.add(addr);
                slabinfo = null;
                usable.clear();
                if (in.readBoolean()) {
                    usable.put(addr, in.readLong());
                }
                epoch = session.lastCall();
            }
            return addr;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public void free(long addr) {
        call(Op.O_FREE, out -> out.writeLong(addr));
        live.remove(addr);
    }

    @Override
    public long usableSize(long addr) {
        if (fresh(session, machine, epoch)) {
            Long known = usable.get(addr);
            if (known != null) {
                return known;
            }
        }
        return longOf(call(Op.O_USABLE_SIZE, out -> out.writeLong(addr)));
    }

    @Override
    public long maxSize() {
        return longOf(call(Op.O_MAX_SIZE, out -> { }));
    }

    @Override
    public long shrink() {
        return longOf(call(Op.O_SHRINK, out -> { }));
    }

    @Override
    public List<SizeClass> sizeClasses() {
        if (sizeClasses != null) {
            return sizeClasses;
        }
        try {
            return readSizeClasses(call(Op.O_SIZE_CLASSES, out -> { }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public List<SlabInfo> slabinfo() {
        if (slabinfo != null && fresh(session, machine, epoch)) {
            return slabinfo;
        }
        try {
            return readSlabinfo(call(Op.O_SLABINFO, out -> { }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public void checkInvariants() {
        long[] addrs = new long[live.size() > MAX_SNAPSHOT_OBJECTS ? 0 : live.size()];
        int i = 0;
        for (long addr : live) {
            if (i == addrs.length) {
                break;
            }
            addrs[i++] = addr;
        }
        epoch = -1;
        DataInputStream in = call(Op.O_CHECK, out -> {
            out.writeInt(addrs.length);
            for (long addr : addrs) {
                out.writeLong(addr);
            }
        });
        try {
            slabinfo = in.readBoolean() ? readSlabinfo(in) : null;
            usable.clear();
            for (long addr : addrs) {
                if (in.readBoolean()) {
                    usable.put(addr, in.readLong());
                }
            }
            epoch = session.lastCall();
        } catch (IOException e) {
            throw broken(e);
        }
    }

/** Reads size classes: a count, then each one's name, size and DMA flag. */
static List<SizeClass> readSizeClasses(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 4096) {
        throw new IOException(n + " size classes");
    }
    List<SizeClass> classes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        long size = in.readLong();
        boolean dma = in.readBoolean();
        classes.add(new SizeClass(name, size, dma));
    }
    return List.copyOf(classes);
}
}
