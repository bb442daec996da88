package org.kmemlab.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The reference bucket allocator ({@code bucket-reference}) against pooled Netty (heap and direct, with
 * its thread cache) and plain {@code new byte[]}, in one JMH run.
 *
 * <ul>
 *   <li>{@code fixed64_*}: one 64-byte allocation and its free, back to back;</li>
 *   <li>{@code mix_*}: a steady state of {@value #LIVE} live objects; each operation frees a randomly
 *       chosen one and allocates a new one in its place, sizes 8..4096 bytes, every octave
 *       [2^e, 2^(e+1)] for e = 3..11 equally likely, from a seeded ({@value #SEED}) precomputed
 *       sequence.</li>
 * </ul>
 * One operation is one allocate+free pair. Run (see {@code bench/README.md} for figures):
 * <pre>
 * mvn -B -o -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar 'BucketBenchmarks' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BucketBenchmarks {

    static final int LIVE = 10_000;
    static final long SEED = 42;
    private static final int SEQUENCE = 1 << 16;
    private static final int MASK = SEQUENCE - 1;

    /** The precomputed sizes and slots of the mixed workload, shared by every contender. */
    static final class Workload {
        final int[] sizes = new int[SEQUENCE];
        final int[] slots = new int[SEQUENCE];

        Workload() {
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < SEQUENCE; i++) {
                int low = 1 << (3 + random.nextInt(9));
                sizes[i] = low + random.nextInt(low + 1);
                slots[i] = random.nextInt(LIVE);
            }
        }
    }

    static ObjectAllocator bucketAllocator(Era era) {
        Machine machine = era == Era.MODERN
                ? Machine.boot(MachineProfile.X86_64)
                : Machine.boot(MachineProfile.I386_LINUX_2_0, 128 * Sizes.MiB);
        return ProviderRegistry.load(ObjectAllocatorProvider.class).get("bucket-reference")
                .create(new ObjectAllocatorConfig(machine, new BucketBenchPageSource(machine), era));
    }

    static PooledByteBufAllocator pooledNetty(boolean direct) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        // preferDirect, 1 heap arena, 1 direct arena, 8 KiB pages, maxOrder 9, small and normal thread
        // caches of Netty's default sizes, and the thread cache for every thread (JMH's are not
        // FastThreadLocalThreads).
        return new PooledByteBufAllocator(direct, 1, 1, 8192, 9, 256, 64, true);
    }

    // ---------------------------------------------------------------- states

    /** The bucket allocator for the fixed pair. */
    @State(Scope.Thread)
    public static class BucketFixed {
        @Param({"MODERN", "LINUX_2_0"})
        public Era era;
        ObjectAllocator buckets;

        @Setup(Level.Trial)
        public void setUp() {
            buckets = bucketAllocator(era);
        }
    }

    /** The bucket allocator holding {@value #LIVE} live objects. */
    @State(Scope.Thread)
    public static class BucketMix {
        @Param({"MODERN", "LINUX_2_0"})
        public Era era;
        ObjectAllocator buckets;
        final Workload workload = new Workload();
        final long[] live = new long[LIVE];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            buckets = bucketAllocator(era);
            for (int i = 0; i < LIVE; i++) {
                live[i] = buckets.allocate(workload.sizes[i], Gfp.GFP_KERNEL);
                if (live[i] == ObjectAllocator.NULL) {
                    throw new IllegalStateException("the benchmark machine ran out of memory at object " + i);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (long p : live) {
                buckets.free(p);
            }
            buckets.checkInvariants();
        }
    }

    /** Pooled Netty allocators, heap and direct. */
    @State(Scope.Thread)
    public static class NettyFixed {
        final PooledByteBufAllocator heap = pooledNetty(false);
        final PooledByteBufAllocator direct = pooledNetty(true);
    }

    /** Pooled Netty holding {@value #LIVE} live buffers, heap and direct. */
    @State(Scope.Thread)
    public static class NettyMix {
        final PooledByteBufAllocator heap = pooledNetty(false);
        final PooledByteBufAllocator direct = pooledNetty(true);
        final Workload workload = new Workload();
        final ByteBuf[] heapLive = new ByteBuf[LIVE];
        final ByteBuf[] directLive = new ByteBuf[LIVE];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < LIVE; i++) {
                heapLive[i] = heap.heapBuffer(workload.sizes[i], workload.sizes[i]);
                directLive[i] = direct.directBuffer(workload.sizes[i], workload.sizes[i]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (int i = 0; i < LIVE; i++) {
                heapLive[i].release();
                directLive[i].release();
            }
        }
    }

    /** {@code new byte[]} holding {@value #LIVE} live arrays. */
    @State(Scope.Thread)
    public static class ArrayMix {
        final Workload workload = new Workload();
        final byte[][] live = new byte[LIVE][];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < LIVE; i++) {
                live[i] = new byte[workload.sizes[i]];
            }
        }
    }

    // ---------------------------------------------------------------- (1) a fixed 64-byte pair

    @Benchmark
    public long fixed64_bucket(BucketFixed state) {
        long p = state.buckets.allocate(64, Gfp.GFP_KERNEL);
        state.buckets.free(p);
        return p;
    }

    @Benchmark
    public int fixed64_nettyHeap(NettyFixed state) {
        ByteBuf buf = state.heap.heapBuffer(64, 64);
        int capacity = buf.capacity();
        buf.release();
        return capacity;
    }

    @Benchmark
    public int fixed64_nettyDirect(NettyFixed state) {
        ByteBuf buf = state.direct.directBuffer(64, 64);
        int capacity = buf.capacity();
        buf.release();
        return capacity;
    }

    @Benchmark
    public byte[] fixed64_newByteArray() {
        return new byte[64];
    }

    // ---------------------------------------------------------------- (2) a seeded mix, 10,000 live

    @Benchmark
    public long mix_bucket(BucketMix state) {
        int k = state.next;
        state.next = (k + 1) & MASK;
        int slot = state.workload.slots[k];
        state.buckets.free(state.live[slot]);
        long p = state.buckets.allocate(state.workload.sizes[k], Gfp.GFP_KERNEL);
        state.live[slot] = p;
        return p;
    }

    @Benchmark
    public ByteBuf mix_nettyHeap(NettyMix state) {
        return replaceNetty(state, state.heapLive, false);
    }

    @Benchmark
    public ByteBuf mix_nettyDirect(NettyMix state) {
        return replaceNetty(state, state.directLive, true);
    }

    private static ByteBuf replaceNetty(NettyMix state, ByteBuf[] live, boolean direct) {
        int k = state.next;
        state.next = (k + 1) & MASK;
        int slot = state.workload.slots[k];
        int size = state.workload.sizes[k];
        live[slot].release();
        ByteBuf buf = direct ? state.direct.directBuffer(size, size) : state.heap.heapBuffer(size, size);
        live[slot] = buf;
        return buf;
    }

    @Benchmark
    public byte[] mix_newByteArray(ArrayMix state) {
        int k = state.next;
        state.next = (k + 1) & MASK;
        byte[] array = new byte[state.workload.sizes[k]];
        state.live[state.workload.slots[k]] = array;
        return array;
    }
}
