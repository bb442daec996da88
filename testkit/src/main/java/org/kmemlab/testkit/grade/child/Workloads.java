package org.kmemlab.testkit.grade.child;

import java.util.SplittableRandom;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.grade.Spi;

/**
 * The standard performance workloads: one seeded mix of allocations and frees per SPI, replayed on the
 * submission and on the reference implementation in the same JVM.
 *
 * <h2>How a ratio is measured</h2>
 * The operation sequence is generated once from the seed, so both implementations do exactly the same
 * work. Each round builds a fresh allocator on a fresh machine (not timed) and times the whole
 * sequence with {@link System#nanoTime()}. First come the warm-up rounds (untimed, so the JIT compiles
 * both), then the timed rounds in alternating order (submission then reference, reference then
 * submission, …) so that neither always runs on a warmer or colder machine. The best (shortest) round of
 * each counts: noise only ever makes a round slower. The parent turns the two best times into a ratio,
 * {@code reference time / submission time}, so 1.0 means "as fast as the reference" and host speed
 * cancels out.
 *
 * <p>The mixes keep at most a few hundred blocks live, far below the machine's capacity, so no
 * allocation fails in a correct allocator and both run the same path.
 */
final class Workloads {

    /** Operation codes at or above 0 allocate that order/size class; below 0 free live block {@code -op-1}. */
    private static final int MAX_LIVE = 256;
    private static final long MACHINE_BYTES = 64 * Sizes.MiB;
    private static final int[] OBJECT_SIZES = {8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 512, 1024, 2048};

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
        for (int i = 0; i < run.warmups(); i++) {
            round(spi, subject, pageProvider, ops);
            round(spi, reference, pageProvider, ops);
        }
        long bestSubject = Long.MAX_VALUE;
        long bestReference = Long.MAX_VALUE;
        for (int i = 0; i < run.rounds(); i++) {
            if ((i & 1) == 0) {
                bestSubject = Math.min(bestSubject, round(spi, subject, pageProvider, ops));
                bestReference = Math.min(bestReference, round(spi, reference, pageProvider, ops));
            } else {
                bestReference = Math.min(bestReference, round(spi, reference, pageProvider, ops));
                bestSubject = Math.min(bestSubject, round(spi, subject, pageProvider, ops));
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
                ops[i] = spi == Spi.OBJECT ? skewed(random, OBJECT_SIZES.length) : skewed(random, 4);
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

    private static long round(Spi spi, Provider provider, PageAllocatorProvider pageProvider, int[] ops) {
        Machine machine = Machine.boot(MachineProfile.X86_64, MACHINE_BYTES);
        return switch (spi) {
            case PAGE -> pages(((PageAllocatorProvider) provider).create(
                    new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), 10)), ops);
            case OBJECT -> objects(((ObjectAllocatorProvider) provider).create(
                    new ObjectAllocatorConfig(machine, new SplittingPageSource(machine), machine.profile().era())),
                    ops);
            case ZONE -> zones(((ZoneAllocatorProvider) provider).create(
                    ZoneAllocatorConfig.defaults(machine, pageProvider)), ops);
        };
    }

    private static long pages(PageAllocator allocator, int[] ops) {
        long[] pfn = new long[MAX_LIVE];
        int[] order = new int[MAX_LIVE];
        int live = 0;
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                long p = allocator.allocate(op);
                if (p != PageAllocator.NO_PAGE) {
                    pfn[live] = p;
                    order[live] = op;
                    live++;
                }
            } else if (live > 0) {
                int i = (-op - 1) % live;
                allocator.free(pfn[i], order[i]);
                live--;
                pfn[i] = pfn[live];
                order[i] = order[live];
            }
        }
        return System.nanoTime() - start;
    }

    private static long objects(ObjectAllocator allocator, int[] ops) {
        long[] addr = new long[MAX_LIVE];
        int live = 0;
        long max = allocator.maxSize();
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                long a = allocator.allocate(Math.min(OBJECT_SIZES[op], max), Gfp.GFP_KERNEL);
                if (a != ObjectAllocator.NULL) {
                    addr[live++] = a;
                }
            } else if (live > 0) {
                int i = (-op - 1) % live;
                allocator.free(addr[i]);
                addr[i] = addr[--live];
            }
        }
        return System.nanoTime() - start;
    }

    private static long zones(ZoneAllocator allocator, int[] ops) {
        long[] pfn = new long[MAX_LIVE];
        int[] order = new int[MAX_LIVE];
        int live = 0;
        int n = 0;
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                // One in eight requests asks for DMA memory, one in eight comes from "interrupt context".
                int gfp = (n & 7) == 3 ? Gfp.GFP_KERNEL | Gfp.GFP_DMA : (n & 7) == 5 ? Gfp.GFP_ATOMIC : Gfp.GFP_KERNEL;
                n++;
                long p = allocator.allocPages(gfp, op);
                if (p != PageAllocator.NO_PAGE) {
                    pfn[live] = p;
                    order[live] = op;
                    live++;
                }
            } else if (live > 0) {
                int i = (-op - 1) % live;
                allocator.freePages(pfn[i], order[i]);
                live--;
                pfn[i] = pfn[live];
                order[i] = order[live];
            }
        }
        return System.nanoTime() - start;
    }
}
