package org.kmemlab.grader;

import static org.kmemlab.grader.RemoteProviders.broken;
import static org.kmemlab.grader.RemoteProviders.fresh;
import static org.kmemlab.grader.RemoteProviders.longOf;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.grader.child.Op;

/**
 * A zone allocator in the child. The answers to {@code allocPages}, {@code freePages} and
 * {@code checkInvariants} carry its free frames and zoneinfo, and the snapshot of every page allocator
 * the grader had made on its machine (the zone allocator changes them behind their proxies): the
 * contract's queries between steps (the watermarks before an allocation; free frames, zoneinfo and every
 * page allocator's buddyinfo row in the check) cost no round trip while they are fresh.
 * Several of the contract's threads call one zone allocator at once, so the snapshot is guarded.
 */
final class RemoteZoneAllocator implements ZoneAllocator {
    private final ChildSession session;
    private final int handle;
    private final Machine machine;
    private long epoch = -1;
    /** The snapshot's answers, each null when its query threw. */
    private Long freeFrames;
    private List<ZoneStats> zoneinfo;

    RemoteZoneAllocator(ChildSession session, int handle, Machine machine) {
        this.session = session;
        this.handle = handle;
        this.machine = machine;
    }

    private DataInputStream call(short op, ChildSession.Args args) {
        return session.call(handle, op, machine, args);
    }

    @Override
    public long allocPages(int gfp, int order) {
        try {
            DataInputStream in = call(Op.Z_ALLOC_PAGES, out -> {
                out.writeInt(gfp);
                out.writeInt(order);
            });
            long pfn = in.readLong();
            if (pfn != PageAllocator.NO_PAGE) {
                session.countAllocation();
            }
            snapshot(in);
            return pfn;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public void freePages(long pfn, int order) {
        try {
            snapshot(call(Op.Z_FREE_PAGES, out -> {
                out.writeLong(pfn);
                out.writeInt(order);
            }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public long freeFrames() {
        synchronized (this) {
            if (freeFrames != null && fresh(session, machine, epoch)) {
                return freeFrames;
            }
        }
        return longOf(call(Op.Z_FREE_FRAMES, out -> { }));
    }

    @Override
    public List<ZoneStats> zoneinfo() {
        synchronized (this) {
            if (zoneinfo != null && fresh(session, machine, epoch)) {
                return copy(zoneinfo);
            }
        }
        try {
            return readZoneinfo(call(Op.Z_ZONEINFO, out -> { }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Returns a copy whose arrays the caller may change without changing the snapshot. */
    private static List<ZoneStats> copy(List<ZoneStats> zones) {
        List<ZoneStats> out = new ArrayList<>();
        for (ZoneStats z : zones) {
            out.add(new ZoneStats(z.node(), z.type(), z.startPfn(), z.spanned(), z.present(), z.managed(),
                    z.free(), z.min(), z.low(), z.high(), z.promo(), z.protection().clone(),
                    z.freeBlocks().clone()));
        }
        return out;
    }

    private static List<ZoneStats> readZoneinfo(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64) {
            throw new IOException(n + " zoneinfo records");
        }
        List<ZoneStats> zones = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int node = in.readInt();
            ZoneType type;
            try {
                type = ZoneType.valueOf(in.readUTF());
            } catch (IllegalArgumentException e) {
                throw new IOException("a zoneinfo record of an unknown zone type", e);
            }
            long[] v = new long[9];
            for (int k = 0; k < v.length; k++) {
                v[k] = in.readLong();
            }
            zones.add(new ZoneStats(node, type, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                    longs(in), longs(in)));
        }
        return zones;
    }

    private static long[] longs(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 4096) {
            throw new IOException("an array of " + n + " values");
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    @Override
    public void registerShrinker(Shrinker shrinker) {
        int cb = session.callback(shrinker);
        call(Op.Z_REGISTER_SHRINKER, out -> out.writeInt(cb));
    }

    @Override
    public void unregisterShrinker(Shrinker shrinker) {
        int cb = session.callback(shrinker);
        call(Op.Z_UNREGISTER_SHRINKER, out -> out.writeInt(cb));
    }

    @Override
    public void checkInvariants() {
        synchronized (this) {
            epoch = -1;
        }
        try {
            snapshot(call(Op.Z_CHECK, out -> { }));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Reads the zone's snapshot and its page allocators' that end the answer {@code in}. */
    private void snapshot(DataInputStream in) throws IOException {
        synchronized (this) {
            epoch = -1;
        }
        Long free = in.readBoolean() ? in.readLong() : null;
        List<ZoneStats> zones = in.readBoolean() ? readZoneinfo(in) : null;
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException(n + " page allocators in a zone snapshot");
        }
        for (int i = 0; i < n; i++) {
            int pageHandle = in.readInt();
            RemotePageAllocator proxy = session.pageProxy(pageHandle);
            // An allocator the grader has no proxy of (gone with its machine): read and drop its snapshot.
            (proxy != null ? proxy : new RemotePageAllocator(session, pageHandle, machine)).snapshot(in);
        }
        synchronized (this) {
            freeFrames = free;
            zoneinfo = zones;
            epoch = session.lastCall();
        }
    }
}
