package org.kmemlab.grader.child;

import java.util.SplittableRandom;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.grader.Spi;

/**
 * The standard performance workloads: one seeded mix of allocations and frees per SPI, replayed on the
 * submission and on the reference implementation in the same JVM.
 *
 * <h2>How a ratio is measured</h2>
 * The operation sequence is generated once from the seed, so both implementations do exactly the same
 * work, each through its own copy of the timed loop ({@link WorkloadDriver}). Each round builds a fresh
 * allocator on a fresh machine (not timed) and times the whole sequence with {@link System#nanoTime()}.
 * This runs in three trials, each with fresh copies of the loop: first the warm-up rounds (untimed, so the
 * JIT compiles both: at least the rubric's count and at least 0.3 s each), then the timed rounds in alternating order (submission then reference,
 * reference then submission, …) so that neither always runs on a warmer or colder machine. The best
 * (shortest) round of each counts: noise only ever makes a round slower. The parent turns the two best
 * times into a ratio, {@code reference time / submission time}, so 1.0 means "as fast as the
 * reference" and host speed cancels out.
 *
 * <p>The mixes keep at most a few hundred blocks live, far below the machine's capacity, so no
 * allocation fails in a correct allocator and both run the same path.
 */
final class Workloads {

    /** Operation codes at or above 0 allocate that order (or size class); codes below 0 free a live block. */
    private static final int MAX_LIVE = WorkloadDriver.MAX_LIVE;
    /** The least time each implementation is warmed up for in each trial, whatever the rubric's count. */
    private static final long MIN_WARMUP_NANOS = 300_000_000L;
    /** Independent trials, each with fresh driver copies; the best round over all of them counts. */
    private static final int TRIALS = 3;

    private Workloads() {
    }

    /**
     * The best round times of one workload.
     *
     * @param subjectNanos the submission's best round
     * @param referenceNanos the reference's best round
     */
    record Timing(long subjectNanos, long referenceNanos) {
    }

    /**
     * Measures workload {@code run} on {@code subject} and {@code reference}.
     *
     * @param pageProvider for {@link Spi#ZONE}: the page allocators both zone allocators are built from
     */
    static Timing measure(Spi spi, Provider subject, Provider reference, PageAllocatorProvider pageProvider,
                          ChildJob.WorkloadRun run) {
        int[] ops = operations(spi, run.ops(), run.seed());
        long bestSubject = Long.MAX_VALUE;
        long bestReference = Long.MAX_VALUE;
        for (int trial = 0; trial < TRIALS; trial++) {
            // Fresh copies of the driver per trial: the JIT compiles each hot loop (with the allocator's
            // methods inlined) anew, so one unlucky compilation cannot decide the ratio.
            DriverCopies.Round subjectRound = DriverCopies.load(spi.key(), subject, pageProvider, ops);
            DriverCopies.Round referenceRound = DriverCopies.load(spi.key(), reference, pageProvider, ops);
            // Warm up by count and by time: the JIT compiles in the background, and on a busy host a few
            // short rounds end before the second implementation's hot methods are compiled.
            long warmSubject = 0;
            long warmReference = 0;
            for (int i = 0; i < run.warmups() || warmSubject < MIN_WARMUP_NANOS || warmReference < MIN_WARMUP_NANOS;
                    i++) {
                warmSubject += subjectRound.run();
                warmReference += referenceRound.run();
            }
            for (int i = 0; i < run.rounds(); i++) {
                if ((i & 1) == 0) {
                    bestSubject = Math.min(bestSubject, subjectRound.run());
                    bestReference = Math.min(bestReference, referenceRound.run());
                } else {
                    bestReference = Math.min(bestReference, referenceRound.run());
                    bestSubject = Math.min(bestSubject, subjectRound.run());
                }
            }
        }
        return new Timing(bestSubject, bestReference);
    }

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
                ops[i] = spi == Spi.OBJECT ? skewed(random, WorkloadDriver.OBJECT_SIZES.length) : skewed(random, 4);
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
