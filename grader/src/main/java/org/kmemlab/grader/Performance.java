package org.kmemlab.grader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.grader.child.Op;
import org.kmemlab.grader.child.WorkloadDriver;

/**
 * The performance workloads, measured from outside the submission's JVM.
 *
 * <h2>How a ratio is measured</h2>
 * The grader generates one seeded sequence of allocations and frees per workload and sends it, once, to
 * the child, which loads two private copies of its tight loop ({@link WorkloadDriver}): one for the
 * submission's provider and one for the reference (loaded in a layer of its own in the same JVM). A
 * round is one call: the child runs the whole sequence and answers with every result. Before each round
 * the child boots a fresh machine and allocator (a call of its own, not measured). The grader reads the
 * child's CPU time (the sum over its threads of {@code /proc/<pid>/task/<tid>/schedstat}) just before and
 * just after the round: the child reports no time, so a submission that notices it is being measured
 * cannot claim to be fast.
 *
 * <p>Then the grader checks every result of the round against its own model of the workload: each
 * allocation must succeed (the workload keeps a few hundred blocks live on a 64 MiB machine, far below
 * its capacity), lie inside RAM, be aligned, and overlap no live block. One wrong result voids the
 * performance points, so a submission that takes shortcuts while it is measured gains nothing.
 *
 * <p>Three trials, each with fresh copies of the loop: warm-up rounds (at least the rubric's count and at
 * least 0.3 s of CPU each), then the timed rounds in alternating order; the best round of each counts.
 * The ratio is {@code reference time / submission time}: 1.0 means as fast as the reference.
 */
final class Performance {

    /** Operation codes at or above 0 allocate that order (or size class); codes below 0 free a live block. */
    private static final int MAX_LIVE = WorkloadDriver.MAX_LIVE;
    /** The least CPU time each implementation is warmed up for in each trial, whatever the rubric's count. */
    private static final long MIN_WARMUP_NANOS = 300_000_000L;
    /** Independent trials, each with fresh driver copies; the best round over all of them counts. */
    private static final int TRIALS = 3;

    private Performance() {
    }

    /**
     * The best rounds of one workload.
     *
     * @param subjectNanos the submission's best round, CPU nanoseconds of its JVM
     * @param referenceNanos the reference's best round
     */
    record Timing(long subjectNanos, long referenceNanos) {
    }

    /** A result of the submission that the model rejects: the performance points are void. */
    static final class WrongResult extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrongResult(String message) {
            super(message);
        }
    }

    /**
     * Measures workload {@code w} in {@code session} on the child's providers {@code subject} and
     * {@code reference}.
     *
     * @param pages for {@link Spi#ZONE}: the child's page provider both zone allocators are built from, else -1
     * @throws WrongResult when a result of the submission is wrong
     */
    static Timing measure(ChildSession session, Spi spi, int subject, int reference, int pages, Rubric.Workload w,
                          int warmups, int rounds) {
        int[] ops = operations(spi, w.ops(), w.seed());
        long bestSubject = Long.MAX_VALUE;
        long bestReference = Long.MAX_VALUE;
        for (int trial = 0; trial < TRIALS; trial++) {
            int subjectRound = load(session, spi, subject, pages, ops);
            int referenceRound = load(session, spi, reference, pages, ops);
            long warmSubject = 0;
            long warmReference = 0;
            for (int i = 0; i < warmups || warmSubject < MIN_WARMUP_NANOS || warmReference < MIN_WARMUP_NANOS; i++) {
                warmSubject += round(session, spi, subjectRound, ops, true);
                warmReference += round(session, spi, referenceRound, ops, false);
            }
            for (int i = 0; i < rounds; i++) {
                if ((i & 1) == 0) {
                    bestSubject = Math.min(bestSubject, round(session, spi, subjectRound, ops, true));
                    bestReference = Math.min(bestReference, round(session, spi, referenceRound, ops, false));
                } else {
                    bestReference = Math.min(bestReference, round(session, spi, referenceRound, ops, false));
                    bestSubject = Math.min(bestSubject, round(session, spi, subjectRound, ops, true));
                }
            }
        }
        return new Timing(bestSubject, bestReference);
    }

    private static int load(ChildSession session, Spi spi, int provider, int pages, int[] ops) {
        try {
            return session.call(0, Op.WORKLOAD, null, out -> {
                out.writeUTF(spi.key());
                out.writeInt(provider);
                out.writeInt(pages);
                out.writeInt(ops.length);
                for (int op : ops) {
                    out.writeInt(op);
                }
            }).readInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one round and returns the child's CPU nanoseconds for it, after checking its results. */
    private static long round(ChildSession session, Spi spi, int round, int[] ops, boolean submission) {
        session.call(round, Op.WORKLOAD_PREPARE, null, out -> { });
        long before = session.cpuNow();
        DataInputStream in;
        try {
            in = session.call(round, Op.WORKLOAD_RUN, null, out -> { });
        } catch (RuntimeException e) {
            if (submission) {
                throw new WrongResult("the round threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            throw e;
        }
        long after = session.cpuNow();
        session.beginStep();
        long[] results;
        try {
            int n = in.readInt();
            if (n != ops.length) {
                throw new WrongResult("the round answered " + n + " results for " + ops.length + " operations");
            }
            results = new long[n];
            for (int i = 0; i < n; i++) {
                results[i] = in.readLong();
            }
        } catch (IOException e) {
            throw new WrongResult("the round's results were cut short");
        }
        if (submission) {
            verify(spi, ops, results);
        }
        if (before < 0 || after < 0) {
            throw new IllegalStateException("the CPU time of the submission's JVM cannot be read on this platform");
        }
        return Math.max(1, after - before);
    }

    /**
     * Replays {@code ops} against a model of live blocks and checks every result: no failed allocation,
     * in RAM, aligned (8 bytes for objects, the cache's alignment for slab objects), no overlap with a live
     * block.
     *
     * @throws WrongResult naming the first wrong result
     */
    static void verify(Spi spi, int[] ops, long[] results) {
        Machine machine = MODEL_MACHINE;
        long frames = WorkloadDriver.MACHINE_BYTES / machine.pageSize();
        TreeMap<Long, Long> live = new TreeMap<>();
        long[] start = new long[MAX_LIVE];
        long[] end = new long[MAX_LIVE];
        int count = 0;
        for (int i = 0; i < ops.length; i++) {
            int op = ops[i];
            long r = results[i];
            if (op >= 0) {
                long from;
                long to;
                if (spi == Spi.SLAB) {
                    // Every slab operation allocates one 192-byte object of a cache-line aligned cache.
                    long size = WorkloadDriver.SLAB_OBJECT;
                    long align = SlabFlags.alignment(WorkloadDriver.SLAB_FLAGS, 0, size);
                    if (r == SlabCache.NULL) {
                        throw new WrongResult("operation " + i + ": allocate(GFP_KERNEL) returned NULL with only "
                                + count + " objects live");
                    }
                    if (!machine.isDirectMapped(r) || machine.pa(r) + size > WorkloadDriver.MACHINE_BYTES
                            || (r & (align - 1)) != 0) {
                        throw new WrongResult("operation " + i + ": allocate(GFP_KERNEL) returned 0x"
                                + Long.toHexString(r) + ", not a " + align + "-byte aligned address in the machine's"
                                + " RAM");
                    }
                    from = r;
                    to = r + size;
                } else if (spi == Spi.OBJECT) {
                    if (r == ObjectAllocator.NULL) {
                        throw new WrongResult("operation " + i + ": allocate(" + WorkloadDriver.OBJECT_SIZES[op]
                                + ") returned NULL with only " + count + " objects live");
                    }
                    long size = WorkloadDriver.OBJECT_SIZES[op];
                    if (!machine.isDirectMapped(r) || machine.pa(r) + size > WorkloadDriver.MACHINE_BYTES
                            || (r & 7) != 0) {
                        throw new WrongResult("operation " + i + ": allocate(" + size + ") returned 0x"
                                + Long.toHexString(r) + ", not an 8-byte aligned address in the machine's RAM");
                    }
                    from = r;
                    to = r + size;
                } else {
                    if (r == PageAllocator.NO_PAGE) {
                        throw new WrongResult("operation " + i + ": an order-" + op + " allocation failed with only "
                                + count + " blocks live on a 64 MiB machine");
                    }
                    long n = 1L << op;
                    if (r < 0 || r + n > frames || (r & (n - 1)) != 0) {
                        throw new WrongResult("operation " + i + ": order " + op + " returned pfn " + r
                                + ", not a naturally aligned block inside the machine's " + frames + " frames");
                    }
                    from = r;
                    to = r + n;
                }
                java.util.Map.Entry<Long, Long> below = live.floorEntry(to - 1);
                if (below != null && below.getValue() > from) {
                    throw new WrongResult("operation " + i + ": the block returned at " + from + " overlaps the live"
                            + " block at " + below.getKey());
                }
                if (count < MAX_LIVE) {
                    live.put(from, to);
                    start[count] = from;
                    end[count] = to;
                    count++;
                }
            } else if (count > 0) {
                int k = (-op - 1) % count;
                live.remove(start[k]);
                count--;
                start[k] = start[count];
                end[k] = end[count];
            }
        }
    }

    private static final Machine MODEL_MACHINE = Machine.boot(MachineProfile.X86_64, WorkloadDriver.MACHINE_BYTES);

    /**
     * Generates the operation sequence: about 55% allocations while fewer than {@link #MAX_LIVE} blocks
     * are live, small orders and sizes far more often than large ones, as in a kernel.
     */
    static int[] operations(Spi spi, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ops = new int[count];
        int live = 0;
        for (int i = 0; i < count; i++) {
            boolean allocate = live == 0 || (live < MAX_LIVE && random.nextInt(100) < 55);
            if (allocate) {
                // A slab cache has one object size, so its allocations are all code 0.
                ops[i] = spi == Spi.SLAB ? 0
                        : spi == Spi.OBJECT ? skewed(random, WorkloadDriver.OBJECT_SIZES.length) : skewed(random, 4);
                live++;
            } else {
                ops[i] = -1 - random.nextInt(live);
                live--;
            }
        }
        return ops;
    }

    /** Returns 0 half the time, 1 a quarter of the time, …: small orders and sizes dominate. */
    private static int skewed(SplittableRandom random, int limit) {
        int value = Integer.numberOfTrailingZeros(random.nextInt() | (1 << (limit - 1)));
        return Math.min(value, limit - 1);
    }
}
