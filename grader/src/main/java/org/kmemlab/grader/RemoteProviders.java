package org.kmemlab.grader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.grader.child.Op;

/**
 * The SPIs on the grader's side of the channel: providers and allocators whose every method is a call
 * into the submission's JVM ({@link ChildSession#call}). The testkit's contracts run against them
 * unchanged, in the grader's process: the contract makes the machine, generates the actions, keeps the
 * model, writes and checks the patterns and shrinks; the submission only answers calls.
 *
 * <p>Each proxy forwards the caller's execution context and the machine it works on (booted again in
 * the child, its memory kept in step by {@link org.kmemlab.grader.child.Replicas}). An object
 * allocator's or slab cache's page source, a slab cache's constructor and a zone allocator's shrinkers
 * stay here: the child calls them back. Every successful allocation is counted ({@link ChildSession#countAllocation()}), so the scorer knows what a
 * property exercised.
 */
final class RemoteProviders {

    private RemoteProviders() {
    }

    /** Returns a proxy of the child's provider {@code handle}, named {@code name}, for {@code spi}. */
    static Provider of(ChildSession session, Spi spi, int handle, String name) {
        return switch (spi) {
            case PAGE -> new Pages(session, handle, name);
            case OBJECT -> new Objects(session, handle, name);
            case ZONE -> new Zones(session, handle, name);
            case SLAB -> new Slabs(session, handle, name);
        };
    }

    /** Returns the child's handle of {@code allocator} when it is a proxy in {@code session}, else -1. */
    static int handleOf(PageAllocator allocator, ChildSession session) {
        return allocator instanceof RemotePageAllocator r && r.session == session ? r.handle : -1;
    }

    private static UncheckedIOException broken(IOException e) {
        return new UncheckedIOException("the submission's JVM sent a short answer", e);
    }

    /** Reads the long an answer carries. */
    private static long longOf(DataInputStream answer) {
        try {
            return answer.readLong();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Reads the int an answer carries. */
    private static int intOf(DataInputStream answer) {
        try {
            return answer.readInt();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** What the three provider proxies share: the session, the child's handle and the name. */
    abstract static class RemoteProvider implements Provider {
        final ChildSession session;
        final int handle;
        private final String name;

        RemoteProvider(ChildSession session, int handle, String name) {
            this.session = session;
            this.handle = handle;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return name + " (in the submission's JVM)";
        }
    }

    /** A page allocator provider in the child. */
    static final class Pages extends RemoteProvider implements PageAllocatorProvider {
        Pages(ChildSession session, int handle, String name) {
            super(session, handle, name);
        }

        @Override
        public PageAllocator create(PageAllocatorConfig config) {
            Machine machine = config.machine();
            int m = session.machine(machine);
            try {
                DataInputStream in = session.call(handle, Op.PAGE_CREATE, null, out -> {
                    out.writeInt(m);
                    out.writeUTF(config.zoneName());
                    out.writeLong(config.startPfn());
                    out.writeLong(config.frames());
                    out.writeInt(config.maxOrder());
                });
                RemotePageAllocator allocator = new RemotePageAllocator(session, in.readInt(), machine);
                allocator.snapshot(in);
                return allocator;
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    /**
     * A page allocator in the child. The answers to a call that may change it carry a snapshot of every
     * query (start, frames, max order, free frames, buddyinfo); queries are answered from it while no other
     * call went to the child since and the grader wrote nothing into the machine's memory since (an
     * allocator may keep its lists there, so the grader's writes could change what a query would say).
     * A query that finds the snapshot stale asks for a new one, so reading a whole buddyinfo row costs one
     * round trip, also for the page allocators a zone allocator changes behind them.
     */
    private static final class RemotePageAllocator implements PageAllocator {
        private final ChildSession session;
        private final int handle;
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
            epoch = session.calls();
        }

        private boolean fresh() {
            return epoch == session.calls() && machine.memory().nextWrittenWord(0) < 0;
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

    /** An object allocator provider in the child. */
    static final class Objects extends RemoteProvider implements ObjectAllocatorProvider {
        Objects(ChildSession session, int handle, String name) {
            super(session, handle, name);
        }

        @Override
        public ObjectAllocator create(ObjectAllocatorConfig config) {
            Machine machine = config.machine();
            int m = session.machine(machine);
            int source = session.callback(config.pages());
            try {
                int a = session.call(handle, Op.OBJECT_CREATE, null, out -> {
                    out.writeInt(m);
                    out.writeInt(source);
                    out.writeUTF(config.era().name());
                }).readInt();
                return new RemoteObjectAllocator(session, a, machine);
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    private record RemoteObjectAllocator(ChildSession session, int handle, Machine machine)
            implements ObjectAllocator {
        private DataInputStream call(short op, ChildSession.Args args) {
            return session.call(handle, op, machine, args);
        }

        @Override
        public long allocate(long size, int gfp) {
            try {
                long addr = call(Op.O_ALLOCATE, out -> {
                    out.writeLong(size);
                    out.writeInt(gfp);
                }).readLong();
                if (addr != NULL) {
                    session.countAllocation();
                }
                return addr;
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        public void free(long addr) {
            call(Op.O_FREE, out -> out.writeLong(addr));
        }

        @Override
        public long usableSize(long addr) {
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
        public List<SlabInfo> slabinfo() {
            try {
                DataInputStream in = call(Op.O_SLABINFO, out -> { });
                int n = in.readInt();
                List<SlabInfo> rows = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    rows.add(new SlabInfo(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                            in.readLong(), in.readLong(), in.readLong()));
                }
                return rows;
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        public void checkInvariants() {
            call(Op.O_CHECK, out -> { });
        }
    }

    /** A zone allocator provider in the child. */
    static final class Slabs extends RemoteProvider implements SlabCacheProvider {
        Slabs(ChildSession session, int handle, String name) {
            super(session, handle, name);
        }

        /**
         * Creates the cache in the submission's JVM. Its page source and its constructor stay here: the
         * child calls them back, so the contract's constructor records every object it constructs.
         */
        @Override
        public SlabCache create(SlabCacheConfig config) {
            Machine machine = config.machine();
            int m = session.machine(machine);
            int source = session.callback(config.pages());
            int ctor = config.ctor() == null ? -1 : session.callback(config.ctor());
            try {
                int c = session.call(handle, Op.SLAB_CREATE, null, out -> {
                    out.writeInt(m);
                    out.writeInt(source);
                    out.writeUTF(config.name());
                    out.writeLong(config.size());
                    out.writeInt(config.align());
                    out.writeInt(config.flags());
                    out.writeInt(ctor);
                }).readInt();
                return new RemoteSlabCache(session, c, machine);
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    private record RemoteSlabCache(ChildSession session, int handle, Machine machine) implements SlabCache {
        private DataInputStream call(short op, ChildSession.Args args) {
            return session.call(handle, op, machine, args);
        }

        @Override
        public String name() {
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
            try {
                DataInputStream in = call(Op.S_SLABINFO, out -> { });
                if (in.readInt() != 1) {
                    throw new IOException("a slab cache's slabinfo is one row");
                }
                return new SlabInfo(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                        in.readLong(), in.readLong(), in.readLong());
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        public void checkInvariants() {
            call(Op.S_CHECK, out -> { });
        }
    }

    static final class Zones extends RemoteProvider implements ZoneAllocatorProvider {
        Zones(ChildSession session, int handle, String name) {
            super(session, handle, name);
        }

        @Override
        public ZoneAllocator create(ZoneAllocatorConfig config) {
            PageAllocatorProvider given = config.pageAllocators();
            boolean local = given instanceof Pages p && p.session == session;
            int pageHandle = local ? ((Pages) given).handle : session.callback(given);
            String pageName = String.valueOf(given.name());
            Machine machine = config.machine();
            int m = session.machine(machine);
            try {
                DataInputStream in = session.call(handle, Op.ZONE_CREATE, null, out -> {
                    out.writeInt(m);
                    out.writeByte(local ? 0 : 1);
                    out.writeInt(pageHandle);
                    out.writeUTF(pageName);
                    out.writeUTF(config.era().name());
                    out.writeLong(config.maxWait().toNanos());
                    out.writeLong(config.minFreeKbytes());
                });
                int a = in.readInt();
                if (in.readBoolean() && !machine.bootMemory().retired()) {
                    machine.bootMemory().retire();
                }
                return new RemoteZoneAllocator(session, a, machine);
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    private record RemoteZoneAllocator(ChildSession session, int handle, Machine machine) implements ZoneAllocator {
        private DataInputStream call(short op, ChildSession.Args args) {
            return session.call(handle, op, machine, args);
        }

        @Override
        public long allocPages(int gfp, int order) {
            try {
                long pfn = call(Op.Z_ALLOC_PAGES, out -> {
                    out.writeInt(gfp);
                    out.writeInt(order);
                }).readLong();
                if (pfn != PageAllocator.NO_PAGE) {
                    session.countAllocation();
                }
                return pfn;
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        public void freePages(long pfn, int order) {
            call(Op.Z_FREE_PAGES, out -> {
                out.writeLong(pfn);
                out.writeInt(order);
            });
        }

        @Override
        public long freeFrames() {
            return longOf(call(Op.Z_FREE_FRAMES, out -> { }));
        }

        @Override
        public List<ZoneStats> zoneinfo() {
            try {
                DataInputStream in = call(Op.Z_ZONEINFO, out -> { });
                int n = in.readInt();
                List<ZoneStats> zones = new ArrayList<>();
                for (int i = 0; i < n && i < 64; i++) {
                    int node = in.readInt();
                    ZoneType type = ZoneType.valueOf(in.readUTF());
                    long[] v = new long[9];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = in.readLong();
                    }
                    zones.add(new ZoneStats(node, type, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                            longs(in), longs(in)));
                }
                return zones;
            } catch (IOException e) {
                throw broken(e);
            }
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
            call(Op.Z_CHECK, out -> { });
        }
    }
}
