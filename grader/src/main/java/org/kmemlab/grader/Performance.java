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
 * Two JVMs take part: the submission's, and a clean one that holds the reference and nothing of the
 * submission. Each loads a private copy of the tight loop ({@link WorkloadDriver}) for its implementation.
 * A round is one call: the child runs a whole seeded sequence of allocations and frees and answers with
 * every result. Before each round the child boots a fresh machine and allocator and generates the round's
 * sequence from a seed the grader sends (a call of its own, not measured). The grader reads the child's
 * CPU time ({@link CpuTime}: every thread's, the ended ones' too) just before and just after the round:
 * the child reports no time, so a submission that notices it is being measured cannot claim to be fast.
 *
 * <p>Why the reference runs in a JVM of its own: CPU time is per process, so anything the submission's
 * threads do while the reference's round runs in the same JVM (a thread that spins whenever it sees the
 * reference's classes on a stack, a heap kept full so that the reference's garbage collections are slow)
 * would be charged to the reference and raise the ratio. In a clean JVM the reference's time is its own.
 *
 * <p>Why every round has a new sequence: with one sequence for all rounds, an "allocator" that records
 * its answers in the first round and replays them afterwards (each one correct: they were the answers of
 * a working allocator to exactly these calls) would look many times faster than any real one. Each pair
 * of rounds (the submission's and the reference's) runs a sequence of its own, the same for both.
 *
 * <p>Then the grader checks every result of the submission's round against its own model of that
 * round's sequence: each allocation must succeed (the workload keeps a few hundred blocks live on a 64 MiB
 * machine, far below its capacity), lie inside RAM, be aligned, and overlap no live block. One wrong result
 * voids the performance points, so a submission that takes shortcuts while it is measured gains nothing.
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
     * One implementation measured: the child JVM it runs in and its handles there.
     *
     * @param session the child JVM: the submission's, or the clean one of the reference
     * @param provider the provider's handle in that child
     * @param pages for {@link Spi#ZONE}: the page provider the zone allocator is built from there, else -1
     * @param submission true for the submission, whose every result is checked
     */
    record Side(ChildSession session, int provider, int pages, boolean submission) {
    }

    /**
     * Measures workload {@code w}: {@code subject} against {@code reference}, each in its own child.
     *
     * @throws WrongResult when a result of the submission is wrong
     */
    static Timing measure(Spi spi, Side subject, Side reference, Rubric.Workload w, int warmups, int rounds) {
        int[] first = operations(spi, w.ops(), w.seed());
        long bestSubject = Long.MAX_VALUE;
        long bestReference = Long.MAX_VALUE;
        // Every pair of rounds gets a sequence of its own, derived from the workload's seed.
        SplittableRandom seeds = new SplittableRandom(w.seed());
        for (int trial = 0; trial < TRIALS; trial++) {
            int subjectRound = load(spi, subject, first);
            int referenceRound = load(spi, reference, first);
            long warmSubject = 0;
            long warmReference = 0;
            for (int i = 0; i < warmups || warmSubject < MIN_WARMUP_NANOS || warmReference < MIN_WARMUP_NANOS; i++) {
                long seed = seeds.nextLong();
                int[] ops = operations(spi, w.ops(), seed);
                warmSubject += round(spi, subject, subjectRound, seed, ops);
                warmReference += round(spi, reference, referenceRound, seed, ops);
            }
            for (int i = 0; i < rounds; i++) {
                long seed = seeds.nextLong();
                int[] ops = operations(spi, w.ops(), seed);
                if ((i & 1) == 0) {
                    bestSubject = Math.min(bestSubject, round(spi, subject, subjectRound, seed, ops));
                    bestReference = Math.min(bestReference, round(spi, reference, referenceRound, seed, ops));
                } else {
                    bestReference = Math.min(bestReference, round(spi, reference, referenceRound, seed, ops));
                    bestSubject = Math.min(bestSubject, round(spi, subject, subjectRound, seed, ops));
                }
            }
        }
        return new Timing(bestSubject, bestReference);
    }

    private static int load(Spi spi, Side side, int[] ops) {
        try {
            return side.session().call(0, Op.WORKLOAD, null, out -> {
                out.writeUTF(spi.key());
                out.writeInt(side.provider());
                out.writeInt(side.pages());
                out.writeInt(ops.length);
                for (int op : ops) {
                    out.writeInt(op);
                }
            }).readInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs one round of the sequence {@code ops} (which the child generates again from {@code seed}) and
     * returns the child's CPU nanoseconds for it, after checking its results.
     */
    private static long round(Spi spi, Side side, int round, long seed, int[] ops) {
        ChildSession session = side.session();
        session.call(round, Op.WORKLOAD_PREPARE, null, out -> out.writeLong(seed));
        long before = session.cpuNow();
        DataInputStream in;
        try {
            in = session.call(round, Op.WORKLOAD_RUN, null, out -> { });
        } catch (RuntimeException e) {
            if (side.submission()) {
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
        if (side.submission()) {
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

    /** Generates the operation sequence, as the child's driver does from the same seed. */
    static int[] operations(Spi spi, int count, long seed) {
        return WorkloadDriver.operations(spi.key(), count, seed);
    }
}
