package org.kmemlab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KmemCache;

/**
 * The headline workloads timed by each thread's CPU time instead of the wall clock: a cross-check for
 * JMH on a machine shared with other work, where a thread that waits for a core makes JMH's figure grow
 * but not this one. Cache misses, coherence traffic and lock spinning still count, because the thread
 * is running while it stalls.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.kmemlab.bench.CpuTimeRun kmalloc 2      # threads
 * java -cp bench/target/benchmarks.jar org.kmemlab.bench.CpuTimeRun kmalloc-fixed 192  # bytes, one thread
 * java -cp bench/target/benchmarks.jar org.kmemlab.bench.CpuTimeRun kmem-cache 192     # a named cache's pair
 * java -cp bench/target/benchmarks.jar org.kmemlab.bench.CpuTimeRun bucket-fixed64 MODERN
 * java -cp bench/target/benchmarks.jar org.kmemlab.bench.CpuTimeRun bucket-mix LINUX_2_0
 * java -cp bench/target/benchmarks.jar org.kmemlab.bench.CpuTimeRun buddy-warm 0
 * </pre>
 * Each run does {@value #ROUNDS} rounds of {@value #PAIRS} pairs per thread (the threads start each round
 * together) and prints every round's CPU nanoseconds per pair, averaged over the threads, then the
 * median and the least of the second half of the rounds (the first half is warm-up). The workloads are
 * those of {@link KmallocBenchmarks}, {@link BucketBenchmarks} and {@link BuddyBenchmarks}, with the same seeded sequence.
 */
public final class CpuTimeRun {

    static final int ROUNDS = 12;
    static final long PAIRS = 1_000_000;

    private CpuTimeRun() {
    }

    /** One thread's pair loop; {@code round} runs {@value #PAIRS} pairs. */
    interface Loop {
        long round(long pairs);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CpuTimeRun kmalloc <threads> | kmalloc-own <threads>"
                    + " | kmalloc-fixed <size> | kmem-cache <size> | bucket-fixed64 <era>"
                    + " | bucket-mix <era> | buddy-warm 0   (era MODERN or LINUX_2_0; buddy-warm takes order 0)");
        }
        double[] perRound;
        switch (args[0]) {
            case "kmalloc" -> {
                Kernel kernel = KmallocBenchmarks.SharedKernel.boot(true);
                perRound = run(Integer.parseInt(args[1]), () -> kmallocLoop(kernel));
            }
            case "kmalloc-own" -> perRound = run(Integer.parseInt(args[1]),
                    () -> kmallocLoop(KmallocBenchmarks.SharedKernel.boot(true)));
            case "kmalloc-fixed" -> perRound = run(1,
                    () -> kmallocFixedLoop(KmallocBenchmarks.SharedKernel.boot(true), Long.parseLong(args[1])));
            case "kmem-cache" -> perRound = run(1,
                    () -> kmemCacheLoop(KmallocBenchmarks.SharedKernel.boot(true), Long.parseLong(args[1])));
            case "bucket-fixed64" -> {
                ObjectAllocator buckets = BucketBenchmarks.bucketAllocator(Era.valueOf(args[1]));
                perRound = run(1, () -> pairs -> {
                    long sink = 0;
                    for (long n = 0; n < pairs; n++) {
                        long p = buckets.allocate(64, Gfp.GFP_KERNEL);
                        buckets.free(p);
                        sink += p;
                    }
                    return sink;
                });
            }
            case "bucket-mix" -> {
                ObjectAllocator buckets = BucketBenchmarks.bucketAllocator(Era.valueOf(args[1]));
                perRound = run(1, () -> bucketMixLoop(buckets));
            }
            case "buddy-warm" -> {
                perRound = run(1, () -> buddyWarmLoop(args[1]));
            }
            default -> throw new IllegalArgumentException("unknown workload " + args[0]
                    + "; use kmalloc, kmalloc-own, kmalloc-fixed, kmem-cache, bucket-fixed64, bucket-mix or buddy-warm");
        }
        StringBuilder line = new StringBuilder(args[0] + " " + args[1] + ": CPU ns per pair by round:");
        for (double ns : perRound) {
            line.append(String.format(Locale.ROOT, " %.1f", ns));
        }
        double[] steady = Arrays.copyOfRange(perRound, perRound.length / 2, perRound.length);
        Arrays.sort(steady);
        line.append(String.format(Locale.ROOT, " | median %.1f, least %.1f", steady[steady.length / 2], steady[0]));
        System.out.println(line);
    }

    static Loop kmallocLoop(Kernel kernel) {
        BucketBenchmarks.Workload plan = new BucketBenchmarks.Workload();
        long[] live = new long[BucketBenchmarks.LIVE];
        for (int i = 0; i < live.length; i++) {
            live[i] = KmallocBenchmarks.checked(kernel.kmalloc(plan.sizes[i], Gfp.GFP_KERNEL));
        }
        int[] step = new int[1];
        return pairs -> {
            long sink = 0;
            for (long n = 0; n < pairs; n++) {
                int i = step[0]++ & (plan.sizes.length - 1);
                int slot = plan.slots[i];
                kernel.kfree(live[slot]);
                long p = KmallocBenchmarks.checked(kernel.kmalloc(plan.sizes[i], Gfp.GFP_KERNEL));
                live[slot] = p;
                sink += p;
            }
            return sink;
        };
    }

    /** {@link SlabBenchmarks#kmalloc}'s loop: {@code kmalloc(size)} and {@code kfree} of the same object. */
    static Loop kmallocFixedLoop(Kernel kernel, long size) {
        return pairs -> {
            long sink = 0;
            for (long n = 0; n < pairs; n++) {
                long p = KmallocBenchmarks.checked(kernel.kmalloc(size, Gfp.GFP_KERNEL));
                kernel.kfree(p);
                sink += p;
            }
            return sink;
        };
    }

    /** {@link SlabBenchmarks#kmemCache}'s loop without the constructor: a named cache of {@code size} bytes. */
    static Loop kmemCacheLoop(Kernel kernel, long size) {
        KmemCache cache = kernel.kmemCacheCreate("bench_" + size, size, 0, SlabFlags.SLAB_HWCACHE_ALIGN, null);
        return pairs -> {
            long sink = 0;
            for (long n = 0; n < pairs; n++) {
                long p = KmallocBenchmarks.checked(kernel.kmemCacheAlloc(cache, Gfp.GFP_KERNEL));
                kernel.kmemCacheFree(cache, p);
                sink += p;
            }
            return sink;
        };
    }

    /** {@link BuddyBenchmarks#warmPairBuddy}'s loop: order-0 pairs on a warm buddy allocator. */
    private static Loop buddyWarmLoop(String order) {
        if (!"0".equals(order)) {
            throw new IllegalArgumentException("buddy-warm measures order 0 only (the warm pair); got " + order);
        }
        BuddyBenchmarks.WarmBuddy warm = new BuddyBenchmarks.WarmBuddy();
        warm.setUp();
        PageAllocator buddy = warm.buddy;
        return pairs -> {
            long sink = 0;
            for (long n = 0; n < pairs; n++) {
                long pfn = buddy.allocate(0);
                buddy.free(pfn, 0);
                sink += pfn;
            }
            return sink;
        };
    }

    private static Loop bucketMixLoop(ObjectAllocator buckets) {
        BucketBenchmarks.Workload plan = new BucketBenchmarks.Workload();
        long[] live = new long[BucketBenchmarks.LIVE];
        for (int i = 0; i < live.length; i++) {
            live[i] = buckets.allocate(plan.sizes[i], Gfp.GFP_KERNEL);
        }
        int[] step = new int[1];
        return pairs -> {
            long sink = 0;
            for (long n = 0; n < pairs; n++) {
                int i = step[0]++ & (plan.sizes.length - 1);
                int slot = plan.slots[i];
                buckets.free(live[slot]);
                long p = buckets.allocate(plan.sizes[i], Gfp.GFP_KERNEL);
                live[slot] = p;
                sink += p;
            }
            return sink;
        };
    }

    /**
     * Makes a loop per thread (on that thread) and returns the CPU ns per pair of each round, averaged
     * over the threads.
     */
    private static double[] run(int threads, java.util.function.Supplier<Loop> loops) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CyclicBarrier start = new CyclicBarrier(threads);
        double[][] ns = new double[threads][ROUNDS];
        long[] sinks = new long[threads];
        Thread[] workers = new Thread[threads];
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                try {
                    Loop loop = loops.get();
                    for (int round = 0; round < ROUNDS; round++) {
                        start.await(10, TimeUnit.MINUTES);
                        long before = mx.getCurrentThreadCpuTime();
                        sinks[id] += loop.round(PAIRS);
                        ns[id][round] = (mx.getCurrentThreadCpuTime() - before) / (double) PAIRS;
                    }
                } catch (Exception e) {
                    // The first failure is the cause; breaking the barrier makes the other workers fail
                    // too (BrokenBarrierException), and those must not hide it.
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = new IllegalStateException("worker " + id + " failed", e);
                        }
                    }
                    start.reset();
                }
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        double[] mean = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int t = 0; t < threads; t++) {
                mean[round] += ns[t][round] / threads;
            }
        }
        if (Arrays.stream(sinks).sum() == 42) {
            System.out.println("(the sum of the addresses is 42, which keeps the loop from being optimised away)");
        }
        return mean;
    }
}
