package org.kmemlab.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference buddy allocator ({@code buddy-reference}) against a real pooled allocator, Netty's
 * {@link PooledByteBufAllocator} (heap arenas, 4 KiB pages, 4 MiB chunks, with and without its
 * per-thread cache), and against {@code new byte[]} of the same sizes as a floor. One operation is one
 * allocate-and-free pair; an order-k block is compared with a buffer of {@code 4096 << k} bytes.
 *
 * <ol>
 *   <li>{@code warmPair*}: order 0 on a warm allocator. Ours has order-0 blocks on its free list whose
 *       buddies are in use, so the pair pops and pushes one list entry and merges nothing (what a page
 *       allocator's per-CPU list gives the kernel); Netty serves from a chunk already in use.</li>
 *   <li>{@code mixPair*}: the seeded {@link PageMixPlan}: about 1,000 live blocks of orders 0..5, each
 *       step frees one and allocates one.</li>
 *   <li>{@code coldPair*}: order 0 from a fully coalesced zone: the allocation splits an order-10 block
 *       ten times, the free merges it back ten times. Netty's peer is its pool with nothing else live
 *       and no thread cache, so each page comes from and goes back to the chunk.</li>
 * </ol>
 * Boot time is in {@link BuddyBootBenchmark}.
 *
 * <p>Run (see {@code bench/README.md} for the figures):
 * <pre>
 * mvn -B -o -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar 'BuddyBenchmarks' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 * Netty's leak detector is switched off in the fork (its sampling would cost Netty time and allocation
 * that a production setting might keep); everything else is Netty's default behaviour.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BuddyBenchmarks {

    /** The buddy page size against which Netty's buffers are sized: 4 KiB. */
    private static final int PAGE = 4096;

    /** Creates the reference allocator for the DMA32 zone of a 1 GiB x86-64 machine, through its provider. */
    static PageAllocator referenceBuddy() {
        Machine machine = Machine.boot(MachineProfile.X86_64, 1L << 30);
        ZoneSpan zone = machine.zone(ZoneType.DMA32);
        PageAllocatorProvider provider = ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference");
        return provider.create(new PageAllocatorConfig(machine, "DMA32", zone.startPfn(), zone.frames(), 10));
    }

    /**
     * Creates Netty's pooled heap allocator: one arena, 4 KiB pages, 4 MiB chunks. With the thread cache,
     * Netty's default cache sizes are used and the cache is switched on for every thread (Netty 4.2 gives
     * one only to its own event-loop threads by default, so a JMH thread would otherwise get none); without
     * it, both cache sizes are 0 and every call goes to the arena.
     */
    static PooledByteBufAllocator netty(boolean threadCache) {
        int smallCache = threadCache ? PooledByteBufAllocator.defaultSmallCacheSize() : 0;
        int normalCache = threadCache ? PooledByteBufAllocator.defaultNormalCacheSize() : 0;
        return new PooledByteBufAllocator(false, 1, 0, PAGE, 10, smallCache, normalCache, threadCache);
    }

    /** Throws when a benchmark's allocator runs dry: a figure measured on failures would mean nothing. */
    static long checked(long pfn) {
        if (pfn == PageAllocator.NO_PAGE) {
            throw new IllegalStateException("the zone ran out of pages; the benchmark must not");
        }
        return pfn;
    }

    // ---------------------------------------------------------------------------------------- states

    /** Ours, warm: 512 free order-0 blocks whose buddies are in use. */
    @State(Scope.Thread)
    public static class WarmBuddy {
        PageAllocator buddy;

        @Setup(Level.Trial)
        public void setUp() {
            buddy = referenceBuddy();
            long[] pages = new long[1024];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = checked(buddy.allocate(0));
            }
            for (int i = 0; i < pages.length; i += 2) {
                buddy.free(pages[i], 0);
            }
        }
    }

    /** Ours, fully coalesced: every block is free at order 10. */
    @State(Scope.Thread)
    public static class ColdBuddy {
        PageAllocator buddy;

        @Setup(Level.Trial)
        public void setUp() {
            buddy = referenceBuddy();
        }
    }

    /** Netty like {@link WarmBuddy}: 512 of 1,024 page buffers still live, so its chunk is in use. */
    @State(Scope.Thread)
    public static class WarmNetty {
        final ByteBuf[] live = new ByteBuf[512];
        PooledByteBufAllocator netty;

        void fill(boolean threadCache) {
            netty = netty(threadCache);
            ByteBuf[] pages = new ByteBuf[2 * live.length];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = netty.heapBuffer(PAGE);
            }
            for (int i = 0; i < pages.length; i += 2) {
                pages[i].release();
                live[i / 2] = pages[i + 1];
            }
        }

        @TearDown(Level.Trial)
        public void releaseAll() {
            for (ByteBuf buffer : live) {
                buffer.release();
            }
        }
    }

    /** {@link WarmNetty} with the thread cache. */
    @State(Scope.Thread)
    public static class WarmNettyCached extends WarmNetty {
        @Setup(Level.Trial)
        public void setUp() {
            fill(true);
        }
    }

    /** {@link WarmNetty} without the thread cache: every call goes to the arena. */
    @State(Scope.Thread)
    public static class WarmNettyUncached extends WarmNetty {
        @Setup(Level.Trial)
        public void setUp() {
            fill(false);
        }
    }

    /** Netty with nothing live and no thread cache: each page comes from and goes back to the chunk. */
    @State(Scope.Thread)
    public static class ColdNetty {
        PooledByteBufAllocator netty;

        @Setup(Level.Trial)
        public void setUp() {
            netty = netty(false);
        }
    }

    /** Ours running the mix. */
    @State(Scope.Thread)
    public static class MixBuddy {
        final PageMixPlan plan = new PageMixPlan(PageMixPlan.SEED);
        final long[] pfn = new long[PageMixPlan.LIVE];
        final int[] order = new int[PageMixPlan.LIVE];
        PageAllocator buddy;
        int step;

        @Setup(Level.Trial)
        public void setUp() {
            buddy = referenceBuddy();
            for (int i = 0; i < PageMixPlan.LIVE; i++) {
                order[i] = plan.initialOrder[i];
                pfn[i] = checked(buddy.allocate(order[i]));
            }
        }
    }

    /** Netty running the mix, with or without its thread cache. */
    @State(Scope.Thread)
    public static class MixNetty {
        final PageMixPlan plan = new PageMixPlan(PageMixPlan.SEED);
        final ByteBuf[] live = new ByteBuf[PageMixPlan.LIVE];
        PooledByteBufAllocator netty;
        int step;

        void fill(boolean threadCache) {
            netty = netty(threadCache);
            for (int i = 0; i < PageMixPlan.LIVE; i++) {
                live[i] = netty.heapBuffer(PageMixPlan.bytes(plan.initialOrder[i]));
            }
        }

        @TearDown(Level.Trial)
        public void releaseAll() {
            for (ByteBuf buffer : live) {
                buffer.release();
            }
        }
    }

    /** {@link MixNetty} with the thread cache. */
    @State(Scope.Thread)
    public static class MixNettyCached extends MixNetty {
        @Setup(Level.Trial)
        public void setUp() {
            fill(true);
        }
    }

    /** {@link MixNetty} without the thread cache. */
    @State(Scope.Thread)
    public static class MixNettyUncached extends MixNetty {
        @Setup(Level.Trial)
        public void setUp() {
            fill(false);
        }
    }

    /** {@code new byte[]} running the mix: the garbage collector is the allocator. */
    @State(Scope.Thread)
    public static class MixByteArray {
        final PageMixPlan plan = new PageMixPlan(PageMixPlan.SEED);
        final byte[][] live = new byte[PageMixPlan.LIVE][];
        int step;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < PageMixPlan.LIVE; i++) {
                live[i] = new byte[PageMixPlan.bytes(plan.initialOrder[i])];
            }
        }
    }

    // ---------------------------------------------------------------------------------------- 1. warm pair

    @Benchmark
    public long warmPairBuddy(WarmBuddy state) {
        return buddyPair(state.buddy);
    }

    @Benchmark
    public ByteBuf warmPairNettyCached(WarmNettyCached state) {
        return nettyPair(state.netty);
    }

    @Benchmark
    public ByteBuf warmPairNettyUncached(WarmNettyUncached state) {
        return nettyPair(state.netty);
    }

    @Benchmark
    public byte[] warmPairByteArray() {
        return new byte[PAGE];
    }

    /** Allocates and frees one order-0 block: one operation of benchmarks 1 and 3. */
    private static long buddyPair(PageAllocator buddy) {
        long pfn = buddy.allocate(0);
        buddy.free(pfn, 0);
        return pfn;
    }

    /** Allocates and releases one page-sized buffer: Netty's side of benchmarks 1 and 3. */
    private static ByteBuf nettyPair(PooledByteBufAllocator netty) {
        ByteBuf buffer = netty.heapBuffer(PAGE);
        buffer.release();
        return buffer;
    }

    // ---------------------------------------------------------------------------------------- 2. mix

    @Benchmark
    public long mixPairBuddy(MixBuddy state) {
        int step = state.step++ & (PageMixPlan.STEPS - 1);
        int slot = state.plan.slot[step];
        int order = state.plan.order[step];
        state.buddy.free(state.pfn[slot], state.order[slot]);
        long pfn = checked(state.buddy.allocate(order));
        state.pfn[slot] = pfn;
        state.order[slot] = order;
        return pfn;
    }

    @Benchmark
    public ByteBuf mixPairNettyCached(MixNettyCached state) {
        return nettyMixStep(state);
    }

    @Benchmark
    public ByteBuf mixPairNettyUncached(MixNettyUncached state) {
        return nettyMixStep(state);
    }

    private static ByteBuf nettyMixStep(MixNetty state) {
        int step = state.step++ & (PageMixPlan.STEPS - 1);
        int slot = state.plan.slot[step];
        state.live[slot].release();
        ByteBuf buffer = state.netty.heapBuffer(PageMixPlan.bytes(state.plan.order[step]));
        state.live[slot] = buffer;
        return buffer;
    }

    @Benchmark
    public byte[] mixPairByteArray(MixByteArray state) {
        int step = state.step++ & (PageMixPlan.STEPS - 1);
        byte[] block = new byte[PageMixPlan.bytes(state.plan.order[step])];
        state.live[state.plan.slot[step]] = block;
        return block;
    }

    // ---------------------------------------------------------------------------------------- 3. cold pair

    @Benchmark
    public long coldPairBuddy(ColdBuddy state) {
        return buddyPair(state.buddy);
    }

    @Benchmark
    public ByteBuf coldPairNettyUncached(ColdNetty state) {
        return nettyPair(state.netty);
    }
}
