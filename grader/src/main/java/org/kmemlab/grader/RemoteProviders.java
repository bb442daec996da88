package org.kmemlab.grader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.kmemlab.api.spi.SizeClass;
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

    /**
     * Returns true when query answers that arrived with call {@code epoch} still hold: no call (on any
     * lane) went to the child since, because the submission runs only when called.
     *
     * <p>The grader may have written into the machine's memory since: the contracts write patterns into
     * the blocks and objects the allocator handed out. Those bytes belong to the caller, so what a query
     * answers must not depend on them; an allocator that keeps its lists there is broken, and its next call,
     * which carries the writes, shows it. Answering from the snapshot is therefore what a correct
     * allocator would answer, and it saves the round trip after every pattern.
     */
    static boolean fresh(ChildSession session, Machine machine, long epoch) {
        return epoch >= 0 && epoch == session.calls();
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
                session.pageProxy(allocator.handle, allocator);
                return allocator;
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    /**
     * A page allocator in the child. The answers to a call that may change it carry a snapshot of every
     * query (start, frames, max order, free frames, buddyinfo); queries are answered from it while it is
     * fresh ({@link RemoteProviders#fresh}).
     * A query that finds the snapshot stale asks for a new one, so reading a whole buddyinfo row costs one
     * round trip, also for the page allocators a zone allocator changes behind them; and the answer to a
     * zone allocator's {@code checkInvariants} carries the snapshots of every page allocator of its machine.
     */
    static final class RemotePageAllocator implements PageAllocator {
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
                DataInputStream in = session.call(handle, Op.OBJECT_CREATE, null, out -> {
                    out.writeInt(m);
                    out.writeInt(source);
                    out.writeUTF(config.era().name());
                });
                int a = in.readInt();
                return new RemoteObjectAllocator(session, a, machine, in.readBoolean() ? readSizeClasses(in) : null);
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    /**
     * An object allocator in the child. It keeps the addresses it handed out and not yet freed; the answer
     * to {@code checkInvariants} carries the slabinfo rows and the usable size of each of them, and the
     * contract's check that follows (slabinfo, then {@code usableSize} of every live object) is answered
     * from it while it is fresh ({@link RemoteProviders#fresh}): one round trip instead of one per live
     * object. The size classes are read once, when the allocator is made, as kmalloc reads them at boot.
     */
    private static final class RemoteObjectAllocator implements ObjectAllocator {
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
    }

    /** Reads slabinfo rows: a count, then each row's name and seven numbers. */
    private static List<SlabInfo> readSlabinfo(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 4096) {
            throw new IOException(n + " slabinfo rows");
        }
        List<SlabInfo> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new SlabInfo(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readLong()));
        }
        return List.copyOf(rows);
    }

    /** Reads size classes: a count, then each one's name, size and DMA flag. */
    private static List<SizeClass> readSizeClasses(DataInputStream in) throws IOException {
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

    /** A slab cache provider in the child. */
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

    /**
     * A slab cache in the child. The answer to {@code checkInvariants} carries its name and slabinfo row,
     * from which the contract's check that follows is answered while they are fresh.
     */
    private static final class RemoteSlabCache implements SlabCache {
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

    /**
     * A zone allocator in the child. The answers to {@code allocPages}, {@code freePages} and
     * {@code checkInvariants} carry its free frames and zoneinfo, and the snapshot of every page allocator
     * the grader had made on its machine (the zone allocator changes them behind their proxies): the
     * contract's queries between steps (the watermarks before an allocation; free frames, zoneinfo and every
     * page allocator's buddyinfo row in the check) cost no round trip while they are fresh.
     * Several of the contract's threads call one zone allocator at once, so the snapshot is guarded.
     */
    private static final class RemoteZoneAllocator implements ZoneAllocator {
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
}
