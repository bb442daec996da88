package org.kmemlab.grader.child;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.grader.Spi;

/**
 * The child's side of the channel: a dumb executor. It loads the submission's providers (and the
 * reference ones in a layer of their own), makes the allocators it is told to make on replicas of the
 * grader's machines, runs each SPI call it is sent on the lane's thread, and answers with what the call
 * returned or threw. It decides nothing: it holds no seed, no model, no property, no weight and no key.
 * Here are the handles, the making of providers, machines and allocators, and the answer to a throw; the
 * calls on an allocator once it is made are {@link AllocatorCalls}'.
 *
 * <p>The callbacks an allocator makes (its page source, the shrinkers registered with a zone allocator)
 * go back to the grader on the lane of the call that caused them.
 */
final class Executor implements Wire.Dispatcher {

    private final Replicas replicas;
    private final Map<Integer, Object> objects = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> machineOf = new ConcurrentHashMap<>();
    /** The page allocators the grader had made, by machine: one zone call's answer refreshes them all. */
    private final Map<Integer, List<Integer>> pagesOn = new ConcurrentHashMap<>();
    private final AtomicInteger nextHandle = new AtomicInteger(1);
    private final AllocatorCalls allocatorCalls = new AllocatorCalls(this);
    private final ThreadLocal<Integer> lane = new ThreadLocal<>();
    private volatile ChildProviders providers;
    private volatile Wire wire;

    Executor(Replicas replicas) {
        this.replicas = replicas;
    }

    /** Returns the replicas of the grader's machines. */
    Replicas replicas() {
        return replicas;
    }

    void attach(Wire w) {
        this.wire = w;
    }

    /** Serves lane {@code n} on the current thread until the wire closes. */
    void serveLane(int n) {
        lane.set(n);
        java.util.concurrent.BlockingQueue<Wire.Frame> queue = wire.lane(n);
        try {
            while (true) {
                Wire.Frame f = wire.take(queue);
                if (f.kind() == Wire.CALL) {
                    wire.serve(n, f, this);
                }
            }
        } catch (Wire.Gone gone) {
            // The grader ended the session.
        }
    }

    @Override
    public byte serve(DataInputStream in, DataOutputStream out) throws IOException {
        int target = in.readInt();
        short op = in.readShort();
        byte context = in.readByte();
        try {
            Machine machine = machineFor(target);
            if (machine == null || context == Op.PROCESS) {
                execute(target, op, in, out);
            } else {
                inContext(machine, context, () -> {
                    try {
                        execute(target, op, in, out);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return null;
                });
            }
            return Wire.RETURN;
        } catch (Wire.Gone gone) {
            throw gone;
        } catch (Throwable e) {
            // Whatever the submission threw is an answer, not the executor's failure.
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Failure.write(e, new DataOutputStream(bytes));
            bytes.writeTo(out);
            return Wire.THROW;
        }
    }

    private static <T> T inContext(Machine machine, byte context, Supplier<T> body) {
        if (context == Op.INTERRUPT) {
            Object[] result = new Object[1];
            machine.context().runInInterrupt(0, "the grader's caller", () -> result[0] = body.get());
            @SuppressWarnings("unchecked")
            T t = (T) result[0];
            return t;
        }
        return machine.context().callAtomic("the grader's caller holds a spinlock", body);
    }

    private Machine machineFor(int target) {
        Integer m = machineOf.get(target);
        return m == null ? null : replicas.get(m);
    }

    private void execute(int target, short op, DataInputStream in, DataOutputStream out) throws IOException {
        switch (op) {
            case Op.HELLO -> hello(in, out);
            case Op.PROVIDER -> {
                Spi spi = Spi.of(in.readUTF());
                String name = in.readUTF();
                boolean reference = in.readBoolean();
                Provider p = reference ? providers().referenceProvider(spi, name)
                        : providers().submissionProvider(spi, name);
                if (p == null) {
                    throw new IllegalStateException("no " + spi.type().getSimpleName() + " named \"" + name + "\" "
                            + (reference ? "on the grader's reference path" : "in the submission"));
                }
                out.writeInt(keep(p, -1));
            }
            case Op.MACHINE -> {
                int handle = in.readInt();
                MachineProfile profile = MachineProfile.valueOf(in.readUTF());
                long ram = in.readLong();
                replicas.add(handle, Machine.boot(profile, ram));
            }
            case Op.DROP_MACHINE -> {
                int handle = in.readInt();
                replicas.remove(handle);
                pagesOn.remove(handle);
                machineOf.entrySet().removeIf(e -> {
                    if (e.getValue() == handle) {
                        objects.remove(e.getKey());
                        return true;
                    }
                    return false;
                });
            }
            case Op.WORKLOAD -> {
                String spi = in.readUTF();
                Object provider = get(in.readInt());
                int pages = in.readInt();
                Object pageProvider = pages < 0 ? null : get(pages);
                int[] ops = new int[in.readInt()];
                for (int i = 0; i < ops.length; i++) {
                    ops[i] = in.readInt();
                }
                out.writeInt(keep(DriverCopies.load(spi, provider, pageProvider, ops), -1));
            }
            case Op.WORKLOAD_PREPARE -> ((DriverCopies.Round) get(target)).prepare(in.readLong());
            case Op.WORKLOAD_RUN -> {
                long[] results = ((DriverCopies.Round) get(target)).run();
                out.writeInt(results.length);
                for (long r : results) {
                    out.writeLong(r);
                }
            }
            case Op.NO_GARBAGE -> out.writeLong(garbage((DriverCopies.Round) get(target)));
            case Op.PAGE_CREATE -> {
                PageAllocatorProvider p = (PageAllocatorProvider) get(target);
                int m = in.readInt();
                PageAllocator a = p.create(new PageAllocatorConfig(machine(m), in.readUTF(), in.readLong(),
                        in.readLong(), in.readInt(), Era.valueOf(in.readUTF())));
                int handle = keep(requireNonNull(a, "PageAllocatorProvider.create"), m);
                pagesOn.computeIfAbsent(m, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(handle);
                out.writeInt(handle);
                Snapshots.pageSnapshot(a, out);
            }
            case Op.OBJECT_CREATE -> {
                ObjectAllocatorProvider p = (ObjectAllocatorProvider) get(target);
                int m = in.readInt();
                PageSource source = new GraderCallbacks.CallbackPageSource(this, in.readInt());
                ObjectAllocator a = p.create(new ObjectAllocatorConfig(machine(m), source, Era.valueOf(in.readUTF())));
                out.writeInt(keep(requireNonNull(a, "ObjectAllocatorProvider.create"), m));
                try {
                    List<org.kmemlab.api.spi.SizeClass> classes = requireNonNull(a.sizeClasses(), "sizeClasses");
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    Snapshots.writeSizeClasses(classes, new DataOutputStream(bytes));
                    out.writeBoolean(true);
                    bytes.writeTo(out);
                } catch (Wire.Gone gone) {
                    throw gone;
                } catch (Throwable e) {
                    out.writeBoolean(false);
                }
            }
            case Op.SLAB_CREATE -> {
                SlabCacheProvider p = (SlabCacheProvider) get(target);
                int m = in.readInt();
                PageSource source = new GraderCallbacks.CallbackPageSource(this, in.readInt());
                String name = in.readUTF();
                long size = in.readLong();
                int align = in.readInt();
                int flags = in.readInt();
                int ctor = in.readInt();
                // The constructor is the grader's (the contract's): it runs there, on the grader's machine, and
                // the bytes it writes come back with its answer.
                SlabCache c = p.create(new SlabCacheConfig(machine(m), source, name, size, align, flags,
                        ctor < 0 ? null : new GraderCallbacks.CallbackConstructor(this, ctor)));
                out.writeInt(keep(requireNonNull(c, "SlabCacheProvider.create"), m));
            }
            case Op.ZONE_CREATE -> {
                ZoneAllocatorProvider p = (ZoneAllocatorProvider) get(target);
                int m = in.readInt();
                Machine machine = machine(m);
                // The page allocators: a provider of this JVM, or the grader's (the zone contract wraps the
                // provider to see which allocators the zone allocator makes), called back to create each one.
                boolean local = in.readByte() == 0;
                int pageHandle = in.readInt();
                String pageName = in.readUTF();
                PageAllocatorProvider pages = local ? (PageAllocatorProvider) get(pageHandle)
                        : new GraderCallbacks.CallbackPageProvider(this, pageHandle, pageName);
                ZoneAllocator a = p.create(new ZoneAllocatorConfig(machine, pages, Era.valueOf(in.readUTF()),
                        Duration.ofNanos(in.readLong()), in.readLong()));
                out.writeInt(keep(requireNonNull(a, "ZoneAllocatorProvider.create"), m));
                out.writeBoolean(machine.bootMemory().retired());
            }
            default -> allocatorCalls.execute(target, op, in, out);
        }
    }

    /**
     * Returns the bytes of Java objects the second run of {@code round}, on the same allocator, allocates
     * on this thread (the first warms it up and fills it with pages), or -1 when this JVM has no
     * per-thread counter.
     */
    private static long garbage(DriverCopies.Round round) {
        org.kmemlab.testkit.contract.support.AllocatedBytes counter =
                org.kmemlab.testkit.contract.support.AllocatedBytes.counter();
        if (counter == null || !counter.calibrated()) {
            return -1;
        }
        round.prepare();
        round.run();
        long before = counter.now();
        round.runAgain();
        return counter.now() - before;
    }

    /** Loads the providers and lists them: see {@link ChildProviders#writeListing}. */
    private void hello(DataInputStream in, DataOutputStream out) throws IOException {
        List<String> submission = readStrings(in);
        List<String> references = readStrings(in);
        providers = ChildProviders.load(submission, references);
        providers.writeListing(out);
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(in.readUTF());
        }
        return list;
    }

    private ChildProviders providers() {
        ChildProviders p = providers;
        if (p == null) {
            throw new IllegalStateException("the grader asked for a provider before saying hello");
        }
        return p;
    }

    private Machine machine(int handle) {
        Machine m = replicas.get(handle);
        if (m == null) {
            throw new IllegalStateException("the grader named machine " + handle + ", which this JVM does not have");
        }
        return m;
    }

    private int keep(Object o, int machine) {
        int handle = nextHandle.getAndIncrement();
        objects.put(handle, o);
        if (machine >= 0) {
            machineOf.put(handle, machine);
        }
        return handle;
    }

    /**
     * Returns the handles of the page allocators the grader had made on the machine of object
     * {@code target}, in the order they were made; none when {@code target} is on no machine.
     */
    List<Integer> pageAllocatorsBeside(int target) {
        Integer m = machineOf.get(target);
        return m == null ? List.of() : pagesOn.getOrDefault(m, List.of());
    }

    Object get(int handle) {
        Object o = objects.get(handle);
        if (o == null) {
            throw new IllegalStateException("the grader named object " + handle + ", which this JVM does not have");
        }
        return o;
    }

    static <T> T requireNonNull(T value, String call) {
        if (value == null) {
            throw new NullPointerException(call + " returned null");
        }
        return value;
    }

    /** Makes a call to the grader on the current lane and returns the answer's body. */
    DataInputStream callBack(int handle, short op, Body args) {
        Integer n = lane.get();
        if (n == null) {
            throw new IllegalStateException("a callback of the grader was called from a thread the grader did not"
                    + " start; allocators must not start threads");
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(request);
        try {
            data.writeInt(handle);
            data.writeShort(op);
            data.writeByte(Op.PROCESS);
            args.write(data);
            Wire.Frame answer = wire.call(n, request, this);
            if (answer.kind() == Wire.THROW) {
                throw Failure.read(answer.body());
            }
            return answer.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    interface Body {
        void write(DataOutputStream out) throws IOException;
    }
}
