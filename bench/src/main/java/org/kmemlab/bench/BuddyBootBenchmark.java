package org.kmemlab.bench;

import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Boot: creating the reference buddy allocator for a 16 GiB zone (4 Mi frames), every frame free.
 *
 * <p>Netty has no like-for-like figure: a pooled allocator reserves nothing up front and creates 4 MiB
 * chunks only when buffers are asked for, so it never "boots" 16 GiB. The baseline measured in the same
 * run is therefore the floor of any design that keeps per-frame arrays: allocating (and so zeroing) the
 * same 9 bytes per frame, {@code metadataFloor}. The difference between the two is the cost of carving
 * the zone into its initial free blocks. Two maximum orders are measured: Linux 2.0's 5 (131,072 initial
 * blocks of 128 KiB) and today's 10 (4,096 blocks of 4 MiB).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar 'BuddyBootBenchmark' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class BuddyBootBenchmark {

    /** The highest order of the allocator booted. */
    @Param({"5", "10"})
    public int maxOrder;

    private PageAllocatorProvider provider;
    private PageAllocatorConfig config;

    @Setup(Level.Trial)
    public void bootMachine() {
        Machine machine = Machine.boot(MachineProfile.X86_64, 16L << 30);
        provider = ProviderRegistry.load(PageAllocatorProvider.class).get("buddy-reference");
        config = new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), maxOrder);
    }

    @Benchmark
    public PageAllocator bootSixteenGibZone() {
        return provider.create(config);
    }

    @Benchmark
    public void metadataFloor(Blackhole sink) {
        int frames = (int) config.frames();
        sink.consume(new byte[frames]);
        sink.consume(new int[frames]);
        sink.consume(new int[frames]);
    }
}
