package org.kmemlab.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.kmalloc.Kernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * kmalloc and kfree through the assembled {@link Kernel} (the reference providers, found by name, with
 * per-thread magazines and page lists) against pooled Netty in the same run.
 *
 * <p>The workload is {@link BucketBenchmarks.Workload}: each thread keeps {@value BucketBenchmarks#LIVE}
 * live objects; one operation frees a randomly chosen one and allocates a new one in its place, sizes
 * 8..4096 bytes, every octave equally likely, from the seeded precomputed sequence. Both contenders run
 * it on one, two and four threads sharing one kernel (one pooled allocator); each thread has its own
 * live set. Netty is {@link PooledByteBufAllocator} with two heap arenas and its thread caches on.
 * {@code locked*} runs the same kernel built with {@code cpuCaches(false)}, so every call takes the
 * object lock or the zone lock: the baseline that shows what the per-thread caches buy.
 *
 * <pre>
 * mvn -B -o -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar 'KmallocBenchmarks' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 * Figures and their ratios are in {@code bench/README.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KmallocBenchmarks {

    /** One kernel shared by every benchmark thread: an x86_64 machine with 1 GiB. */
    @State(Scope.Benchmark)
    public static class SharedKernel {
        Kernel kernel;

        @Setup(Level.Trial)
        public void boot() {
            kernel = boot(true);
        }

        static Kernel boot(boolean cpuCaches) {
            return Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.X86_64)
                    .ram(1L << 30).cpuCaches(cpuCaches).boot();
        }
    }

    /** The same kernel without per-thread caches: every call takes the object lock or the zone lock. */
    @State(Scope.Benchmark)
    public static class SharedLockedKernel {
        Kernel kernel;

        @Setup(Level.Trial)
        public void boot() {
            kernel = SharedKernel.boot(false);
        }
    }

    /** One thread's live objects in a kernel. */
    public abstract static class LiveObjects {
        final BucketBenchmarks.Workload plan = new BucketBenchmarks.Workload();
        final long[] live = new long[BucketBenchmarks.LIVE];
        int step;
        Kernel kernel;

        void fill(Kernel k) {
            kernel = k;
            for (int i = 0; i < live.length; i++) {
                live[i] = checked(kernel.kmalloc(plan.sizes[i], Gfp.GFP_KERNEL));
            }
        }

        @TearDown(Level.Trial)
        public void freeAll() {
            for (long p : live) {
                kernel.kfree(p);
            }
        }
    }

    /** Live objects in the kernel with per-thread caches. */
    @State(Scope.Thread)
    public static class KernelThread extends LiveObjects {
        @Setup(Level.Trial)
        public void setUp(SharedKernel shared) {
            fill(shared.kernel);
        }
    }

    /** Live objects in the kernel without per-thread caches. */
    @State(Scope.Thread)
    public static class LockedKernelThread extends LiveObjects {
        @Setup(Level.Trial)
        public void setUp(SharedLockedKernel shared) {
            fill(shared.kernel);
        }
    }

    /** One pooled Netty allocator shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class SharedNetty {
        PooledByteBufAllocator netty;

        @Setup(Level.Trial)
        public void create() {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            netty = new PooledByteBufAllocator(false, 2, 0, 8192, 9,
                    PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
                    true);
        }
    }

    /** One thread's live buffers in Netty. */
    @State(Scope.Thread)
    public static class NettyThread {
        final BucketBenchmarks.Workload plan = new BucketBenchmarks.Workload();
        final ByteBuf[] live = new ByteBuf[BucketBenchmarks.LIVE];
        int step;

        @Setup(Level.Trial)
        public void fill(SharedNetty shared) {
            for (int i = 0; i < live.length; i++) {
                live[i] = shared.netty.heapBuffer(plan.sizes[i]);
            }
        }

        @TearDown(Level.Trial)
        public void releaseAll() {
            for (ByteBuf b : live) {
                b.release();
            }
        }
    }

    static long checked(long addr) {
        if (addr == KernelMemory.NULL) {
            throw new IllegalStateException("kmalloc returned NULL; the benchmark machine must not run dry");
        }
        return addr;
    }

    private static long kernelPair(LiveObjects t) {
        int i = t.step++ & (t.plan.sizes.length - 1);
        int slot = t.plan.slots[i];
        t.kernel.kfree(t.live[slot]);
        long p = checked(t.kernel.kmalloc(t.plan.sizes[i], Gfp.GFP_KERNEL));
        t.live[slot] = p;
        return p;
    }

    private static ByteBuf nettyPair(SharedNetty shared, NettyThread t) {
        int i = t.step++ & (t.plan.sizes.length - 1);
        int slot = t.plan.slots[i];
        t.live[slot].release();
        ByteBuf b = shared.netty.heapBuffer(t.plan.sizes[i]);
        t.live[slot] = b;
        return b;
    }

    /** kfree + kmalloc through the kernel facade, one thread. */
    @Benchmark
    @Threads(1)
    public long kmallocMix1Thread(KernelThread t) {
        return kernelPair(t);
    }

    /** The same on two threads sharing the kernel. */
    @Benchmark
    @Threads(2)
    public long kmallocMix2Threads(KernelThread t) {
        return kernelPair(t);
    }

    /**
     * The same on four threads. This machine has two cores, so four threads oversubscribe it: the figure
     * shows how the kernel behaves when threads are preempted, not how it scales.
     */
    @Benchmark
    @Threads(4)
    public long kmallocMix4Threads(KernelThread t) {
        return kernelPair(t);
    }

    /** kfree + kmalloc through a kernel without per-thread caches, one thread. */
    @Benchmark
    @Threads(1)
    public long lockedMix1Thread(LockedKernelThread t) {
        return kernelPair(t);
    }

    /** The same on two threads: both contend for the object lock. */
    @Benchmark
    @Threads(2)
    public long lockedMix2Threads(LockedKernelThread t) {
        return kernelPair(t);
    }

    /** release + heapBuffer on pooled Netty, one thread. */
    @Benchmark
    @Threads(1)
    public ByteBuf nettyMix1Thread(SharedNetty shared, NettyThread t) {
        return nettyPair(shared, t);
    }

    /** The same on two threads sharing the allocator. */
    @Benchmark
    @Threads(2)
    public ByteBuf nettyMix2Threads(SharedNetty shared, NettyThread t) {
        return nettyPair(shared, t);
    }

    /** The same on four threads sharing the allocator (two cores: oversubscribed, as for the kernel). */
    @Benchmark
    @Threads(4)
    public ByteBuf nettyMix4Threads(SharedNetty shared, NettyThread t) {
        return nettyPair(shared, t);
    }
}
