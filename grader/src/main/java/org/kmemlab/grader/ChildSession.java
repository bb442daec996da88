package org.kmemlab.grader;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.kmemlab.api.Machine;
import org.kmemlab.grader.child.Failure;
import org.kmemlab.grader.child.Op;
import org.kmemlab.grader.child.Replicas;
import org.kmemlab.grader.child.Wire;

/**
 * One submission JVM seen from the grader: the process, the channel to it, the replicas of the machines
 * it works on, and the watch that kills it.
 *
 * <h2>The watch</h2>
 * A {@link ChildWatch} kills the child (and every process it started) when the running property has used
 * its time ({@link #beginStep()} restarts that clock), when the group's wall-clock or CPU budget or the
 * run's deadline is used up, or when the child runs too many threads. Standard error is drained into a
 * bounded buffer (the submission's output; {@code System.out} points there too). Killing the child ends
 * the channel, which wakes every waiting caller with {@link Wire.Gone}.
 *
 * <h2>Calls</h2>
 * {@link #call} sends one SPI call on the calling thread's lane, forwarding the thread's execution
 * context (process, atomic, interrupt), and returns the answer's body; a {@link Wire#THROW} answer is
 * thrown again here as the exception the submission threw. Calls the child makes back (a page source, a
 * shrinker) run on the waiting thread, which is where the grader's page source or shrinker expects them.
 */
final class ChildSession {

    private static final String OOM_MARKER = "java.lang.OutOfMemoryError";
    /** Replicas kept in the child at once; a property's chains use one machine each, one after another. */
    private static final int MACHINES_KEPT = 6;

    private final Process process;
    private final Sandbox sandbox;
    private final Wire wire;
    private final Replicas replicas = new Replicas(false);
    private final BoundedOutput output;
    private final Limits limits;
    private final long started = System.nanoTime();
    private final ChildWatch watch;
    private final Thread stderr;
    private volatile boolean exiting;
    private volatile boolean outOfMemory;
    private volatile boolean garbage;
    private final List<Thread> laneOwners = new ArrayList<>();
    private final ThreadLocal<Integer> lane = new ThreadLocal<>();
    private final Map<Machine, Integer> machines = new IdentityHashMap<>();
    private final List<Machine> machineOrder = new ArrayList<>();
    private final AtomicInteger nextMachine = new AtomicInteger(1);
    /** Successful allocations answered since {@link #beginStep()}: what a property exercised. */
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final CallCounts counts = new CallCounts();
    private final Callbacks callbacks = new Callbacks(this, replicas, counts);
    /** Calls sent and not answered yet, on every lane. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** The number of the last call each thread made (see {@link #lastCall()}). */
    private final ThreadLocal<long[]> lastCall = ThreadLocal.withInitial(() -> new long[1]);
    /** The page allocator proxies by the child's handle: a zone call's answer refreshes all of a machine's. */
    private final Map<Integer, RemotePageAllocator> pageProxies =
            new java.util.concurrent.ConcurrentHashMap<>();

    private ChildSession(Process process, Sandbox sandbox, Limits limits, long cpuAlreadyUsed, long groupDeadline,
                         long runDeadline) {
        this.process = process;
        this.sandbox = sandbox;
        this.limits = limits;
        this.output = new BoundedOutput(limits.outputKibibytes() * 1024);
        this.wire = new Wire(process.getInputStream(), process.getOutputStream(), replicas, null);
        wire.onExiting(() -> exiting = true);
        wire.onGarbage(text -> {
            if (text.contains(OOM_MARKER)) {
                outOfMemory = true;
            } else {
                garbage = true;
            }
            output.appendLine(text);
        });
        this.stderr = ChildJvm.drain(process.getErrorStream(), "stderr", line -> {
            if (line.contains(OOM_MARKER)) {
                outOfMemory = true;
            }
            output.appendLine(line);
        }, output);
        this.watch = new ChildWatch(process, sandbox, wire, limits, cpuAlreadyUsed, groupDeadline, runDeadline,
                started);
        watch.start();
    }

    /**
     * Starts a submission JVM.
     *
     * @param cpuAlreadyUsed CPU milliseconds earlier children of the same group used
     * @param groupDeadline {@link System#nanoTime()} at which the group's wall-clock budget ends
     * @param runDeadline {@link System#nanoTime()} at which the whole run must end
     */
    static ChildSession start(ChildPath path, List<Path> submission, Limits limits, long cpuAlreadyUsed,
                              long groupDeadline, long runDeadline, Path workDir) throws IOException {
        Process p = ChildJvm.launch(path, submission, limits, workDir);
        try {
            return new ChildSession(p, path.sandbox(), limits, cpuAlreadyUsed, groupDeadline, runDeadline);
        } catch (RuntimeException | Error e) {
            path.sandbox().cleanUp(p);
            throw e;
        }
    }

    /**
     * One provider the child found.
     *
     * @param spi its SPI
     * @param name its name (empty when it could not be read)
     * @param className its class
     * @param fromSubmission true when its class came from the submission
     * @param error what went wrong loading it, empty when nothing did
     */
    record Listed(Spi spi, String name, String className, boolean fromSubmission, String error) {
    }

    /** Tells the child where the submission and the references are, and returns the providers it found. */
    List<Listed> hello(List<Path> submission, List<Path> references) {
        DataInputStream in = call(0, Op.HELLO, null, out -> {
            writePaths(submission, out);
            writePaths(references, out);
        });
        List<Listed> found = new ArrayList<>();
        try {
            int n = in.readInt();
            for (int i = 0; i < n && i < 1000; i++) {
                found.add(new Listed(Spi.of(in.readUTF()), in.readUTF(), in.readUTF(), in.readBoolean(),
                        in.readUTF()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the submission's JVM sent a broken provider list: " + e.getMessage());
        }
        watch.startedUp();
        beginStep();
        return found;
    }

    private static void writePaths(List<Path> paths, DataOutputStream out) throws IOException {
        out.writeInt(paths.size());
        for (Path p : paths) {
            out.writeUTF(p.toString());
        }
    }

    /** Returns the child's handle of a provider: the submission's, or the reference's. */
    int provider(Spi spi, String name, boolean reference) {
        try {
            return call(0, Op.PROVIDER, null, out -> {
                out.writeUTF(spi.key());
                out.writeUTF(name);
                out.writeBoolean(reference);
            }).readInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restarts the property clock and the count of exercised operations. */
    void beginStep() {
        watch.restartStepClock();
        allocations.set(0);
    }

    /** Returns the successful allocations since {@link #beginStep()}. */
    long allocations() {
        return allocations.get();
    }

    /** Counts one successful allocation (the proxies call this). */
    void countAllocation() {
        allocations.incrementAndGet();
    }

    /**
     * Returns the calls made so far (for the channel's figures). A proxy that keeps the answers of its
     * queries uses it as an epoch: they stay valid only while no other call was made in between.
     */
    long calls() {
        return calls.get();
    }

    /**
     * Returns the number of the last call the current thread made ({@link #calls()} as it was right after
     * that call was counted), or -1 when another call was in flight when it was sent. Query answers that
     * came with that call's answer stay valid while {@link #calls()} still equals it: then no other call
     * ran in the child while it ran (none was in flight when it was sent, none was sent before it was
     * answered) nor since, and the submission runs only when called.
     */
    long lastCall() {
        return lastCall.get()[0];
    }

    /** Keeps {@code proxy} as the proxy of the child's page allocator {@code handle}. */
    void pageProxy(int handle, RemotePageAllocator proxy) {
        pageProxies.put(handle, proxy);
    }

    /** Returns the proxy of the child's page allocator {@code handle}, or null. */
    RemotePageAllocator pageProxy(int handle) {
        return pageProxies.get(handle);
    }

    /** Returns the calls by operation, both ways, so far. */
    CallCounts counts() {
        return counts;
    }

    /** The arguments of a call. */
    interface Args {
        /** Writes them. */
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Calls {@code op} on the child's object {@code target} on the current thread's lane and returns the
     * answer's body.
     *
     * @param machine the machine whose execution context the call runs in (the caller's context is
     *                forwarded), or null
     * @throws RuntimeException what the submission threw, rebuilt
     * @throws Wire.Gone when the child ended
     */
    DataInputStream call(int target, short op, Machine machine, Args args) {
        ByteArrayOutputStream request = new ByteArrayOutputStream(32);
        DataOutputStream out = new DataOutputStream(request);
        try {
            out.writeInt(target);
            out.writeShort(op);
            byte context = 0;
            if (machine != null && machine.context().inAtomic()) {
                context = (byte) (machine.context().inInterrupt() ? 2 : 1);
            }
            out.writeByte(context);
            args.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean alone = inFlight.getAndIncrement() == 0;
        long number = calls.incrementAndGet();
        counts.sent(op);
        Wire.Frame answer;
        try {
            answer = wire.call(myLane(), request, callbacks);
        } finally {
            inFlight.decrementAndGet();
        }
        lastCall.get()[0] = alone ? number : -1;
        if (answer.kind() == Wire.THROW) {
            try {
                throw Failure.read(answer.body());
            } catch (IOException e) {
                throw new IllegalStateException("the submission's JVM sent a broken exception: " + e.getMessage());
            }
        }
        return answer.body();
    }

    /**
     * Returns the calling thread's lane, opening one the first time. A lane whose thread has ended (the
     * zone contract starts new threads for each concurrent step) is handed to the next new thread, so the
     * child keeps one serving thread per caller alive at once, not one per caller ever.
     */
    private int myLane() {
        Integer n = lane.get();
        if (n != null) {
            return n;
        }
        synchronized (laneOwners) {
            for (int i = 0; i < laneOwners.size(); i++) {
                if (!laneOwners.get(i).isAlive()) {
                    laneOwners.set(i, Thread.currentThread());
                    lane.set(i);
                    return i;
                }
            }
            n = laneOwners.size();
            laneOwners.add(Thread.currentThread());
        }
        lane.set(n);
        if (n > 0) {
            watch.allowLaneThread();
        }
        if (n == 1) {
            wire.start("kmemlab-channel-" + process.pid());
        }
        return n;
    }

    /**
     * Returns the child's number for {@code machine}, booting a replica there the first time. Older
     * replicas are dropped once more than a few are kept (each property chain boots its own machine).
     */
    int machine(Machine machine) {
        int handle;
        List<Integer> dropped = new ArrayList<>();
        synchronized (machines) {
            Integer known = machines.get(machine);
            if (known != null) {
                return known;
            }
            handle = nextMachine.getAndIncrement();
            machines.put(machine, handle);
            machineOrder.add(machine);
            while (machineOrder.size() > MACHINES_KEPT) {
                Machine old = machineOrder.remove(0);
                dropped.add(machines.remove(old));
                pageProxies.values().removeIf(p -> p.machine() == old);
            }
        }
        for (int old : dropped) {
            replicas.remove(old);
            call(0, Op.DROP_MACHINE, null, out -> out.writeInt(old));
        }
        replicas.add(handle, machine);
        call(0, Op.MACHINE, null, out -> {
            out.writeInt(handle);
            out.writeUTF(machine.profile().name());
            out.writeLong(machine.ramBytes());
        });
        return handle;
    }

    /**
     * Returns the handle by which the child calls {@code callback} (a page source, a slab constructor or a
     * shrinker) back.
     */
    int callback(Object callback) {
        return callbacks.handle(callback);
    }

    /** Returns true while the child runs and the channel is open. */
    boolean alive() {
        return !wire.closed() && process.isAlive();
    }

    /** Returns the process CPU time of the child and every process it started, in nanoseconds. */
    long cpuNow() {
        return watch.clock().now();
    }

    /**
     * Ends the session: closes the channel (the child halts), waits briefly, kills what is left, and
     * returns what happened.
     */
    ChildRun close() {
        watch.stopping();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        int exitCode;
        try {
            boolean ended = process.waitFor(5, TimeUnit.SECONDS);
            exitCode = ended && watch.kill() == null ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = -1;
        }
        sandbox.cleanUp(process);
        watch.stop();
        wire.close("the grader ended the session");
        ChildJvm.join(stderr);
        long cpu = watch.cpuNanos();
        long wall = (System.nanoTime() - started) / 1_000_000;
        // Well-formed frames the grader did not accept (on a lane it never opened, too large, too many)
        // break the channel as stray bytes do; the reason goes with the output the student reads.
        boolean outOfStep = wire.outOfStep();
        if (outOfStep) {
            output.appendLine("[grader] " + wire.goneBecause());
        }
        return new ChildRun(output.toString(), exitCode, watch.kill(), outOfMemory, exiting, garbage || outOfStep,
                wall, cpu < 0 ? -1 : cpu / 1_000_000);
    }
}
