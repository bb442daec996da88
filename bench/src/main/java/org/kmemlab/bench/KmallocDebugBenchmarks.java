package org.kmemlab.bench;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.kmalloc.Kernel;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kmalloc pair of {@link KmallocBenchmarks} (free a random live object, allocate one of the
 * workload's next size in its place, {@value BucketBenchmarks#LIVE} live objects) with allocation
 * debugging off and on, to show what {@code slab_debug} costs and that turning it off costs nothing.
 *
 * <p>{@code debug} is the {@code slab_debug} letters the kernel boots with: {@code -} is off (the
 * figure to compare with {@code KmallocBenchmarks.kmallocMix1Thread} built from before debugging
 * existed), {@code F} sanity checks with the quarantine, {@code FZPU} everything, call-site capture
 * included.
 *
 * <pre>
 * mvn -B -o -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar 'KmallocDebugBenchmarks' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 * Figures and their ratios are in {@code bench/DEBUG.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KmallocDebugBenchmarks {

    /** One thread's kernel and live objects. */
    @State(Scope.Thread)
    public static class DebugKernel {
        @Param({"-", "F", "FZPU"})
        public String debug;

        final BucketBenchmarks.Workload plan = new BucketBenchmarks.Workload();
        final long[] live = new long[BucketBenchmarks.LIVE];
        int step;
        Kernel kernel;

        @Setup(Level.Trial)
        public void boot() {
            kernel = Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.X86_64)
                    .ram(1L << 30).debug(debug).boot();
            for (int i = 0; i < live.length; i++) {
                live[i] = KmallocBenchmarks.checked(kernel.kmalloc(plan.sizes[i], Gfp.GFP_KERNEL));
            }
        }

        @TearDown(Level.Trial)
        public void freeAll() {
            for (long p : live) {
                kernel.kfree(p);
            }
        }
    }

    /** kfree + kmalloc through the kernel facade with the chosen debugging, one thread. */
    @Benchmark
    @Threads(1)
    public long kmallocMix1Thread(DebugKernel t) {
        int i = t.step++ & (t.plan.sizes.length - 1);
        int slot = t.plan.slots[i];
        t.kernel.kfree(t.live[slot]);
        long p = KmallocBenchmarks.checked(t.kernel.kmalloc(t.plan.sizes[i], Gfp.GFP_KERNEL));
        t.live[slot] = p;
        return p;
    }
}
