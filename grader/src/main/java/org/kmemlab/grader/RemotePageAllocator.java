package org.kmemlab.grader;

import static org.kmemlab.grader.RemoteProviders.broken;
import static org.kmemlab.grader.RemoteProviders.fresh;
import static org.kmemlab.grader.RemoteProviders.intOf;
import static org.kmemlab.grader.RemoteProviders.longOf;

import java.io.DataInputStream;
import java.io.IOException;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.grader.child.Op;

/**
 * A page allocator in the child. The answers to a call that may change it carry a snapshot of every
 * query (start, frames, max order, free frames, buddyinfo); queries are answered from it while it is
 * fresh ({@link RemoteProviders#fresh}).
 * A query that finds the snapshot stale asks for a new one, so reading a whole buddyinfo row costs one
 * round trip, also for the page allocators a zone allocator changes behind them; and the answer to a
 * zone allocator's {@code checkInvariants} carries the snapshots of every page allocator of its machine.
 */
final class RemotePageAllocator implements PageAllocator {
    final ChildSession session;
    final int handle;
    private final Machine machine;
    private long epoch = -1;
    private long startPfn;
    private long frames;
    private int maxOrder;
    private long freeFrames;
    private long[] freeBlocks = new long[0];

    RemotePageAllocator(ChildSession session, int handle, Machine machine) {
        this.session = session;
        this.handle = handle;
        this.machine = machine;
    }

    /** Returns the machine it works on. */
    Machine machine() {
        return machine;
    }

    /** Reads the snapshot that ends the answer {@code in}. */
    void snapshot(DataInputStream in) throws IOException {
        epoch = -1;
        if (!in.readBoolean()) {
            return;
        }
        startPfn = in.readLong();
        frames = in.readLong();
        maxOrder = in.readInt();
        freeFrames = in.readLong();
        if (maxOrder < 0 || maxOrder > 63) {
            throw new IOException("max order " + maxOrder + " in a snapshot");
        }
        freeBlocks = new long[maxOrder + 1];
        for (int order = 0; order <= maxOrder; order++) {
            freeBlocks[order] = in.readLong();
        }
        epoch = session.lastCall();
    }

    private boolean fresh() {
        return RemoteProviders.fresh(session, machine, epoch);
    }

    /**
     * Returns true when the snapshot is fresh, asking the child for a new one (one round trip for all the
     * queries) when it is not; false when one of the queries threw, so each is then asked on its own.
     */
    private boolean refreshed() {
        if (!fresh()) {
            try {
                snapshot(call(Op.P_SNAPSHOT, out -> { }));
            } catch (IOException e) {
                throw broken(e);
            }
        }
        return fresh();
    }

    private DataInputStream call(short op, ChildSession.Args args) {
        epoch = -1;
        return session.call(handle, op, machine, args);
    }

    @Override
    public long startPfn() {
        if (refreshed()) {
            return startPfn;
        }
        return longOf(call(Op.P_START_PFN, out -> { }));
    }

    @Override
    public long frames() {
        if (refreshed()) {
            return frames;
        }
        return longOf(call(Op.P_FRAMES, out -> { }));
    }

    @Override
    public int maxOrder() {
        if (refreshed()) {
            return maxOrder;
        }
        return intOf(call(Op.P_MAX_ORDER, out -> { }));
    }

    @Override
    public long allocate(int order) {
        try {
            DataInputStream in = call(Op.P_ALLOCATE, out -> out.writeInt(order));
            long pfn = in.readLong();
            snapshot(in);
            if (pfn != NO_PAGE) {
                session.countAllocation();
            }
            return pfn;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public void free(long pfn, int order) {
        try {
            snapshot(call(Op.P_FREE, out -> {
                out.writeLong(pfn);
                out.writeInt(order);
            }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public long freeFrames() {
        if (refreshed()) {
            return freeFrames;
        }
        return longOf(call(Op.P_FREE_FRAMES, out -> { }));
    }

    @Override
    public long freeBlocks(int order) {
        if (order >= 0 && order <= 63 && refreshed() && order < freeBlocks.length) {
            return freeBlocks[order];
        }
        return longOf(call(Op.P_FREE_BLOCKS, out -> out.writeInt(order)));
    }

    @Override
    public void checkInvariants() {
        try {
            snapshot(call(Op.P_CHECK, out -> { }));
        } catch (IOException e) {
            throw broken(e);
        }
    }
}
