package org.kmemlab.bench;

import io.netty.buffer.ByteBuf;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KmemCache;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One allocate-and-free pair of a hot 192-byte object type (a "dentry" with a constructor that sets a
 * lock word, a self-pointing list head and a reference count) in the same run, one thread:
 * <ul>
 *   <li>{@code kmemCache}: {@code kmemCacheAlloc} + {@code kmemCacheFree} through the kernel (the reference
 *       {@code slab-reference} provider behind a per-thread magazine);</li>
 *   <li>{@code slabCache}: the reference {@code SlabCache} called directly, no kernel in front;</li>
 *   <li>{@code kmalloc}: {@code kmalloc(192)} + {@code kfree}, the object left raw;</li>
 *   <li>{@code kmallocConstructed}: {@code kmalloc(192)}, the constructor's writes, {@code kfree}: what a
 *       kmalloc user must do to get what the cache hands out;</li>
 *   <li>{@code netty}: pooled Netty {@code heapBuffer(192)} + {@code release()}, thread caches on.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -o -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar 'SlabBenchmarks' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SlabBenchmarks {

    static final long DENTRY = 192;

    /** A kernel with a dentry cache, and a bare reference cache over the kernel's pages. */
    @State(Scope.Thread)
    public static class Caches {
        Kernel kernel;
        KmemCache dentries;
        SlabCache bare;

        @Setup(Level.Trial)
        public void boot() {
            kernel = Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.X86_64)
                    .ram(1L << 30).boot();
            Kernel k = kernel;
            dentries = kernel.kmemCacheCreate("dentry", DENTRY, 0, SlabFlags.SLAB_HWCACHE_ALIGN, d -> construct(k, d));
            PageSource pages = new PageSource() {
                @Override
                public long getFreePages(int gfp, int order) {
                    return k.getFreePages(gfp, order);
                }

                @Override
                public void freePages(long addr, int order) {
                    k.freePages(addr, order);
                }
            };
            SlabCacheProvider provider = ProviderRegistry.load(SlabCacheProvider.class).get("slab-reference");
            bare = provider.create(new SlabCacheConfig(kernel.machine(), pages, "bare_dentry", DENTRY, 0,
                    SlabFlags.SLAB_HWCACHE_ALIGN, d -> construct(k, d)));
        }
    }

    /** The constructor: a lock word, a list head pointing at itself, a reference count. */
    static void construct(Kernel kernel, long d) {
        kernel.writeLong(d, 0);
        kernel.writeLong(d + 8, d + 8);
        kernel.writeLong(d + 16, d + 8);
        kernel.writeLong(d + 24, 0);
    }

    @Benchmark
    public long kmemCache(Caches c) {
        long d = KmallocBenchmarks.checked(c.kernel.kmemCacheAlloc(c.dentries, Gfp.GFP_KERNEL));
        c.kernel.kmemCacheFree(c.dentries, d);
        return d;
    }

    @Benchmark
    public long slabCache(Caches c) {
        long d = KmallocBenchmarks.checked(c.bare.allocate(Gfp.GFP_KERNEL));
        c.bare.free(d);
        return d;
    }

    @Benchmark
    public long kmalloc(Caches c) {
        long d = KmallocBenchmarks.checked(c.kernel.kmalloc(DENTRY, Gfp.GFP_KERNEL));
        c.kernel.kfree(d);
        return d;
    }

    @Benchmark
    public long kmallocConstructed(Caches c) {
        long d = KmallocBenchmarks.checked(c.kernel.kmalloc(DENTRY, Gfp.GFP_KERNEL));
        construct(c.kernel, d);
        c.kernel.kfree(d);
        return d;
    }

    @Benchmark
    public int netty(KmallocBenchmarks.SharedNetty n) {
        ByteBuf b = n.netty.heapBuffer((int) DENTRY);
        int cap = b.capacity();
        b.release();
        return cap;
    }
}
