package org.kmemlab.grader;

import static org.kmemlab.grader.RemoteProviders.broken;
import static org.kmemlab.grader.RemoteProviders.fresh;
import static org.kmemlab.grader.RemoteProviders.longOf;
import static org.kmemlab.grader.RemoteProviders.readSlabinfo;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.grader.child.Op;

/**
 * A slab cache in the child. The answer to {@code checkInvariants} carries its name and slabinfo row,
 * from which the contract's check that follows is answered while they are fresh.
 */
final class RemoteSlabCache implements SlabCache {
    private final ChildSession session;
    private final int handle;
    private final Machine machine;
    private long epoch = -1;
    /** The snapshot's name and row, each null when its query threw. */
    private String name;
    private SlabInfo row;

    RemoteSlabCache(ChildSession session, int handle, Machine machine) {
        this.session = session;
        this.handle = handle;
        this.machine = machine;
    }

    private DataInputStream call(short op, ChildSession.Args args) {
        return session.call(handle, op, machine, args);
    }

    @Override
    public String name() {
        if (name != null && fresh(session, machine, epoch)) {
            return name;
        }
        try {
            return call(Op.S_NAME, out -> { }).readUTF();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public long allocate(int gfp) {
        long addr = longOf(call(Op.S_ALLOCATE, out -> out.writeInt(gfp)));
        if (addr != NULL) {
            session.countAllocation();
        }
        return addr;
    }

    @Override
    public void free(long addr) {
        call(Op.S_FREE, out -> out.writeLong(addr));
    }

    @Override
    public long shrink() {
        return longOf(call(Op.S_SHRINK, out -> { }));
    }

    @Override
    public void destroy() {
        call(Op.S_DESTROY, out -> { });
    }

    @Override
    public SlabInfo slabinfo() {
        if (row != null && fresh(session, machine, epoch)) {
            return row;
        }
        try {
            return oneRow(call(Op.S_SLABINFO, out -> { }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private static SlabInfo oneRow(DataInputStream in) throws IOException {
        List<SlabInfo> rows = readSlabinfo(in);
        if (rows.size() != 1) {
            throw new IOException("a slab cache's slabinfo is one row");
        }
        return rows.get(0);
    }

    @Override
    public void checkInvariants() {
        epoch = -1;
        DataInputStream in = call(Op.S_CHECK, out -> { });
        try {
            name = in.readBoolean() ? in.readUTF() : null;
            row = in.readBoolean() ? oneRow(in) : null;
            epoch = session.lastCall();
        } catch (IOException e) {
            throw broken(e);
        }
    }
}
