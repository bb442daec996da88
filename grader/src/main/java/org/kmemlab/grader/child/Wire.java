package org.kmemlab.grader.child;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;

/**
 * The channel between the grader and the submission's JVM: binary frames over a pair of byte streams (the
 * child's standard input and output), in lanes.
 *
 * <h2>Frames and lanes</h2>
 * A frame is {@code lane:int kind:byte}, then the sender's {@link Replicas} section (the memory blocks it
 * wrote since its last frame, and on the child's side its new dmesg lines), then {@code length:int} and
 * the body. A <em>lane</em> is one caller: a thread of the grader and the thread of the child that serves
 * it. A call on a lane is answered on the same lane; while it waits for the answer, the caller serves the
 * calls the other side makes on that lane (a page source called back by an object allocator, a shrinker
 * that frees through the zone allocator that called it), so nesting works in both directions and several
 * lanes (the zone contract's concurrent callers) run at once.
 *
 * <p>One reader thread per side reads every frame, applies its replica section at once (so the bytes are
 * in place before the call they belong to runs), and hands the frame to its lane's queue. When the stream
 * ends (the child died or was killed) every waiting caller is woken with {@link Gone}.
 *
 * <p>Nothing read here is trusted: the grader decodes what the child says as values to check, never as
 * verdicts. The child can write anything on its standard output; the worst it achieves is a wrong answer
 * to a call, which the contract then catches, or a broken frame, which ends the session.
 */
public final class Wire {

    /** A call: {@code target:int op:short context:byte} and the op's arguments. */
    public static final byte CALL = 1;
    /** The value a call returned. */
    public static final byte RETURN = 2;
    /** The exception a call threw, see {@link Failure}. */
    public static final byte THROW = 3;
    /** Sent by the child on lane -1 when its JVM begins to exit before the grader ended the session. */
    public static final byte EXITING = 4;

    private static final int MAX_BODY = 64 << 20;
    /**
     * The most bytes of frames that may wait, read but not yet taken, on the grader's side. A caller takes
     * its answer at once, so honest frames hardly wait; frames nobody asked for would wait for ever.
     */
    private static final long MAX_WAITING = 64L << 20;

    /**
     * The bytes read are not a frame the reader accepts: the other side wrote to the channel behind its back
     * (on the child's side, the submission) or out of turn. The session ends, and the grader says why.
     */
    public static final class OutOfStep extends IOException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception; {@code message} ends with "(the channel is out of step)". */
        public OutOfStep(String message) {
            super(message);
        }
    }

    /** The other side is gone: the stream ended or broke. Not an exception a contract catches. */
    public static final class Gone extends Error {
        private static final long serialVersionUID = 1L;

        /** Creates the error. */
        public Gone(String message) {
            super(message);
        }
    }

    /**
     * One frame received.
     *
     * @param kind {@link #CALL}, {@link #RETURN}, {@link #THROW} or {@link #EXITING}
     * @param body the body, to read with {@link DataInputStream}
     */
    public record Frame(byte kind, DataInputStream body, int size) {
    }

    /** What a side does with a call it receives on a lane. */
    public interface Dispatcher {
        /**
         * Serves one call and returns the answer's kind ({@link #RETURN} or {@link #THROW}), having written
         * the body into {@code reply}.
         */
        byte serve(DataInputStream call, DataOutputStream reply) throws IOException;
    }

    private static final Frame GONE = new Frame((byte) 0, null, 0);

    private final DataOutputStream out;
    private final DataInputStream in;
    private final Replicas replicas;
    private final Map<Integer, BlockingQueue<Frame>> lanes = new ConcurrentHashMap<>();
    private final IntConsumer onNewLane;
    private volatile String goneBecause;
    private volatile Runnable onExiting = () -> { };
    private volatile boolean lanesClosed;
    private volatile boolean outOfStep;
    private volatile boolean readerThread;
    private final java.util.concurrent.locks.ReentrantLock readLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile java.util.function.Consumer<String> onGarbage = text -> { };
    private final byte[] header = new byte[5];
    private final java.util.concurrent.atomic.AtomicLong waiting = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Creates a wire; call {@link #start()} to begin reading.
     *
     * @param onNewLane called (on the reader thread) with a lane's number when its first frame arrives
     *                  and nobody waits on it yet: the child starts the lane's serving thread there
     */
    public Wire(InputStream in, OutputStream out, Replicas replicas, IntConsumer onNewLane) {
        this.in = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        this.out = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        this.replicas = replicas;
        this.onNewLane = onNewLane;
    }

    /** Sets what happens when the child announces that its JVM is exiting. */
    public void onExiting(Runnable action) {
        this.onExiting = action;
    }

    /**
     * Sets what happens with bytes that are not a frame: the channel is then out of step and closes, and
     * {@code action} gets the bytes as text (HotSpot prints "Terminating due to
     * java.lang.OutOfMemoryError" on standard output; a submission may write there too).
     */
    public void onGarbage(java.util.function.Consumer<String> action) {
        this.onGarbage = action;
    }

    /**
     * Starts the reader thread: the child's side always has one; the grader's side starts it when a second
     * lane opens. Without one, the single caller reads the stream itself while it waits (no hand-over
     * between threads); with several callers, a reader thread hands each frame to its lane at once.
     */
    public Wire start(String name) {
        readerThread = true;
        Thread reader = new Thread(this::readLoop, name);
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** Returns the queue of {@code lane}, creating it. */
    public BlockingQueue<Frame> lane(int lane) {
        BlockingQueue<Frame> queue = lanes.computeIfAbsent(lane, k -> new LinkedBlockingQueue<>());
        if (lanesClosed) {
            queue.offer(GONE);
        }
        return queue;
    }

    /** Returns why the wire is closed, or null while it is open. */
    public String goneBecause() {
        return goneBecause;
    }

    /**
     * Sends one frame. The replica section goes with it, under the same lock, so each side's written blocks
     * leave in the order they were collected.
     *
     * @throws Gone when the other side cannot be written to
     */
    public void send(int lane, byte kind, ByteArrayOutputStream body) {
        synchronized (out) {
            try {
                out.writeInt(lane);
                out.writeByte(kind);
                replicas.writeChanges(out);
                out.writeInt(body.size());
                body.writeTo(out);
                out.flush();
            } catch (IOException e) {
                close("the channel broke while sending: " + e.getMessage());
                throw new Gone(goneBecause);
            }
        }
    }

    /**
     * Makes a call on {@code lane} and waits for its answer, serving the other side's calls on the same
     * lane meanwhile.
     *
     * @return the answer: {@link #RETURN} or {@link #THROW} with its body
     * @throws Gone when the other side ends first
     */
    public Frame call(int lane, ByteArrayOutputStream request, Dispatcher dispatcher) {
        BlockingQueue<Frame> queue = lane(lane);
        send(lane, CALL, request);
        return await(lane, queue, dispatcher);
    }

    /** Waits on {@code lane} for an answer, serving calls that arrive first. */
    Frame await(int lane, BlockingQueue<Frame> queue, Dispatcher dispatcher) {
        while (true) {
            Frame f = readerThread ? take(queue) : lead(lane, queue);
            if (f.kind() == CALL) {
                serve(lane, f, dispatcher);
            } else {
                return f;
            }
        }
    }

    /** Serves one call that arrived on {@code lane} and sends the answer. */
    void serve(int lane, Frame call, Dispatcher dispatcher) {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte kind;
        try {
            kind = dispatcher.serve(call.body(), new DataOutputStream(reply));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        send(lane, kind, reply);
    }

    /**
     * Returns the next frame of {@code lane} on the grader's side, which has no reader thread: the waiting
     * caller reads the stream itself when no other caller does (so an answer reaches its caller without a
     * hand-over between threads, which on a busy host costs more than the call), and otherwise waits for
     * the reading caller to hand its frame over.
     */
    private Frame lead(int lane, BlockingQueue<Frame> queue) {
        while (true) {
            Frame f = taken(queue.poll());
            if (f == null && readLock.tryLock()) {
                try {
                    f = taken(queue.poll());
                    while (f == null) {
                        if (lanesClosed) {
                            f = GONE;
                            break;
                        }
                        f = readOne(lane);
                    }
                } catch (EOFException e) {
                    close("the other side closed the channel");
                    f = GONE;
                } catch (OutOfStep e) {
                    outOfStep = true;
                    close("the channel broke: " + e.getMessage());
                    f = GONE;
                } catch (IOException | RuntimeException e) {
                    close("the channel broke: " + e.getMessage());
                    f = GONE;
                } finally {
                    readLock.unlock();
                }
            }
            if (f == null) {
                try {
                    f = taken(queue.poll(2, java.util.concurrent.TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Gone("interrupted while waiting for the other side");
                }
            }
            if (f == GONE) {
                queue.offer(GONE);
                throw new Gone(goneBecause);
            }
            if (f != null) {
                return f;
            }
        }
    }

    /** Counts {@code f}, just taken from a lane's queue, as no longer waiting; returns it. */
    private Frame taken(Frame f) {
        if (f != null && f != GONE && f.size() > 0) {
            waiting.addAndGet(-f.size());
        }
        return f;
    }

    /** Takes the next frame of a lane, or throws {@link Gone} when the wire closed. */
    Frame take(BlockingQueue<Frame> queue) {
        Frame f;
        try {
            f = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Gone("interrupted while waiting for the other side");
        }
        if (f == GONE) {
            queue.offer(GONE);
            throw new Gone(goneBecause);
        }
        return taken(f);
    }

    private void readLoop() {
        try {
            while (true) {
                readLock.lock();
                try {
                    readOne(Integer.MIN_VALUE);
                } finally {
                    readLock.unlock();
                }
            }
        } catch (EOFException e) {
            close("the other side closed the channel");
        } catch (OutOfStep e) {
            outOfStep = true;
            close("the channel broke: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            close("the channel broke: " + e.getMessage());
        }
    }

    /**
     * Reads one frame, applies its replica section and hands it to its lane's queue, unless it belongs to
     * {@code mine}: then it is returned. Only one thread reads at a time (the reader thread, or on the
     * grader's side the caller holding {@link #readLock}).
     */
    private Frame readOne(int mine) throws IOException {
        in.readFully(header);
        int lane = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8)
                | (header[3] & 0xff);
        byte kind = header[4];
        if (kind < CALL || kind > EXITING || lane < -1 || lane > 1 << 16) {
            garbage();
            // Told through the garbage handler (the bytes may be the JVM's own out-of-memory message).
            throw new IOException("bytes that are not a frame (the channel is out of step)");
        }
        boolean fresh = kind != EXITING && lane != mine && !lanes.containsKey(lane);
        // On the grader's side (no new lanes are served) the child answers and calls back only on lanes the
        // grader opened, and a caller takes its frame at once: frames that nobody will take would pile up
        // in the grader's heap, so they end the session before their bodies are read.
        boolean grader = onNewLane == null;
        if (grader && fresh) {
            throw new OutOfStep("a frame on lane " + lane + ", which the grader never opened (the channel is out"
                    + " of step)");
        }
        replicas.readChanges(in);
        int length = in.readInt();
        if (length < 0 || length > MAX_BODY) {
            throw new OutOfStep("a frame of " + length + " bytes (the channel is out of step)");
        }
        boolean queued = kind != EXITING && lane != mine;
        if (grader && queued && waiting.addAndGet(length) > MAX_WAITING) {
            throw new OutOfStep("more than " + (MAX_WAITING >> 20) + " MiB of frames that nobody asked for (the"
                    + " channel is out of step)");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        if (kind == EXITING) {
            onExiting.run();
            return null;
        }
        Frame f = new Frame(kind, new DataInputStream(new ByteArrayInputStream(body)), grader ? length : 0);
        if (lane == mine) {
            return f;
        }
        lane(lane).add(f);
        if (fresh && onNewLane != null) {
            onNewLane.accept(lane);
        }
        return null;
    }

    /** Hands the header and what else is waiting to be read, as text, to the garbage handler. */
    private void garbage() {
        try {
            int n = Math.min(in.available(), 1 << 16);
            byte[] rest = new byte[n];
            int got = in.read(rest, 0, n);
            onGarbage.accept(new String(header, java.nio.charset.StandardCharsets.ISO_8859_1)
                    + new String(rest, 0, Math.max(0, got), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            onGarbage.accept(new String(header, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    /** Closes the wire: every caller waiting now or later gets {@link Gone}. */
    public void close(String why) {
        if (goneBecause == null) {
            goneBecause = why;
        }
        lanesClosed = true;
        for (BlockingQueue<Frame> q : lanes.values()) {
            q.offer(GONE);
        }
    }

    /** Returns true when the other side sent something that is not a frame this side accepts. */
    public boolean outOfStep() {
        return outOfStep;
    }

    /** Returns true once {@link #close} ran. */
    public boolean closed() {
        return lanesClosed;
    }
}
