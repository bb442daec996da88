package org.kmemlab.grader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.api.stats.SlabInfo;
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
 *
 * <p>This class holds the four providers and what their proxies share; each allocator's proxy, with the
 * snapshot of its queries, is a class of its own: {@link RemotePageAllocator}, {@link RemoteObjectAllocator},
 * {@link RemoteSlabCache}, {@link RemoteZoneAllocator}.
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

    static UncheckedIOException broken(IOException e) {
        return new UncheckedIOException("the submission's JVM sent a short answer", e);
    }

    /** Reads the long an answer carries. */
    static long longOf(DataInputStream answer) {
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
    static int intOf(DataInputStream answer) {
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
                    out.writeUTF(config.era().name());
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
                return new RemoteObjectAllocator(session, a, machine, in.readBoolean() ? RemoteObjectAllocator.readSizeClasses(in) : null);
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    /** Reads slabinfo rows: a count, then each row's name and seven numbers. */
    static List<SlabInfo> readSlabinfo(DataInputStream in) throws IOException {
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
}
