package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kmemlab.api.Gfp.GFP_KERNEL;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.stats.MemInfo;

/**
 * Threads sharing one kernel: vmalloc areas and debugged kmalloc objects made, filled with the thread's
 * byte, checked and freed concurrently. No thread sees another's bytes, no debug check fires on correct
 * code, and once each thread has drained its caches every page is back.
 */
class VmallocConcurrencyTests {

    private static final int THREADS = 4;
    private static final int ROUNDS = 150;

    @ParameterizedTest(name = "slab_debug={0}")
    @ValueSource(strings = {"-", "FZPU"})
    void threadsVmallocAndKmallocSideBySideWithoutInterference(String debug) throws Exception {
        long seed = Long.getLong("kmemlab.seed", System.nanoTime());
        System.out.println("VmallocConcurrencyTests slab_debug=" + debug + " seed " + seed);
        Kernel kernel = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).debug(debug).boot();
        kernel.drainCpuCaches();
        MemInfo before = kernel.meminfo();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                byte mine = (byte) (0x10 + t);
                SplittableRandom random = new SplittableRandom(seed + t);
                done.add(pool.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        long size = 1 + random.nextInt(3 * 4096);
                        long v = kernel.vmalloc(size);
                        long k = kernel.kmalloc(1 + random.nextInt(500), GFP_KERNEL);
                        if (v == KernelMemory.NULL || k == KernelMemory.NULL) {
                            throw new AssertionError("a 64 MiB machine ran dry (seed " + seed + ")");
                        }
                        kernel.fill(v, size, mine);
                        kernel.writeByte(k, mine);
                        Thread.yield();
                        byte[] back = new byte[(int) size];
                        kernel.read(v, back, 0, back.length);
                        for (byte b : back) {
                            if (b != mine || kernel.readByte(k) != mine) {
                                throw new AssertionError("another thread's bytes (seed " + seed + ")");
                            }
                        }
                        kernel.vfree(v);
                        kernel.kfree(k);
                    }
                    kernel.drainCpuCaches();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        kernel.drainCpuCaches();
        MemInfo after = kernel.meminfo();
        assertEquals(0, after.vmallocUsed());
        assertEquals(before.pageTables(), after.pageTables());
        assertEquals(before.memFree(), after.memFree(), "seed " + seed);
        assertEquals(List.of(), kernel.validateSlabs());
    }
}
