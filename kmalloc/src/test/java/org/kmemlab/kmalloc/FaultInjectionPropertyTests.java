package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_ATOMIC;
import static org.kmemlab.api.Gfp.GFP_KERNEL;
import static org.kmemlab.api.Gfp.__GFP_ZERO;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.stats.MemInfo;

/**
 * A seeded random mix of kmalloc, kfree, vmalloc, vfree, get_free_pages and mempool calls with both
 * fault injectors on: every failure is a NULL (never an exception), live data is never corrupted, and
 * freeing everything gives every page back. Replay a failure with {@code -Dkmemlab.seed=<seed>}.
 */
class FaultInjectionPropertyTests {

    private static final int STEPS = 1500;
    private static final int MAX_LIVE = 200;

    /** One live allocation and the byte it was filled with. */
    private record Live(char kind, long addr, long size, int order, byte fill) {
    }

    @ParameterizedTest(name = "slab_debug={0}")
    @ValueSource(strings = {"-", "FZPU"})
    void aRandomMixWithFaultsNeverLeaksNeverCorruptsAndFailsOnlyWithNull(String debug) {
        long seed = Long.getLong("kmemlab.seed", System.nanoTime());
        System.out.println("FaultInjectionPropertyTests slab_debug=" + debug + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        Kernel kernel = TestProviders.builder().debug(debug).boot();
        kernel.drainCpuCaches();
        MemInfo before = kernel.meminfo();
        Mempool pool = kernel.mempoolCreateKmallocPool(4, 256);
        assertNotNull(pool);
        kernel.faultInjection().failslab(FaultAttr.probability(20).withIgnoreGfpWait(false).withSeed(seed));
        kernel.faultInjection().failPageAlloc(FaultAttr.probability(10).withIgnoreGfpWait(false).withSeed(seed + 1));

        List<Live> live = new ArrayList<>();
        int failures = 0;
        for (int step = 0; step < STEPS; step++) {
            int op = random.nextInt(100);
            byte fill = (byte) (1 + random.nextInt(250));
            if (live.size() >= MAX_LIVE || (op < 30 && !live.isEmpty())) {
                release(kernel, pool, live.remove(random.nextInt(live.size())));
                continue;
            }
            Live made;
            if (op < 60) {
                long size = 1 + random.nextInt(random.nextBoolean() ? 256 : 6000);
                int gfp = random.nextBoolean() ? GFP_KERNEL : GFP_ATOMIC;
                made = new Live('k', kernel.kmalloc(size, gfp | (random.nextInt(4) == 0 ? __GFP_ZERO : 0)), size, 0,
                        fill);
            } else if (op < 75) {
                long size = 1 + random.nextInt(5 * 4096);
                made = new Live('v', kernel.vmalloc(size), size, 0, fill);
            } else if (op < 88) {
                made = new Live('m', kernel.mempoolAlloc(pool, GFP_ATOMIC), 256, 0, fill);
            } else {
                int order = random.nextInt(3);
                made = new Live('p', kernel.getFreePages(GFP_KERNEL, order), 4096L << order, order, fill);
            }
            if (made.addr() == KernelMemory.NULL) {
                failures++;
                continue;
            }
            kernel.fill(made.addr(), made.size(), fill);
            live.add(made);
            Live probe = live.get(random.nextInt(live.size()));
            check(kernel, probe, "step " + step + ", seed " + seed);
        }
        assertTrue(failures > 0, "the injectors failed nothing in " + STEPS + " steps (seed " + seed + ")");
        for (Live l : live) {
            check(kernel, l, "at the end, seed " + seed);
            release(kernel, pool, l);
        }
        kernel.faultInjection().disable();
        kernel.mempoolDestroy(pool);
        kernel.drainCpuCaches();
        MemInfo after = kernel.meminfo();
        assertEquals(before.memFree(), after.memFree(), "every page came back (seed " + seed + ")");
        assertEquals(before.pageTables(), after.pageTables());
        assertEquals(0, after.vmallocUsed());
        assertEquals("", kernel.procVmallocinfo());
        kernel.checkInvariants();
        if (!debug.equals("-")) {
            assertEquals(List.of(), kernel.validateSlabs(), "seed " + seed);
            assertEquals("", kernel.leakReport(), "seed " + seed);
        }
    }

    private static void check(Kernel kernel, Live l, String when) {
        byte[] bytes = new byte[(int) l.size()];
        kernel.read(l.addr(), bytes, 0, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != l.fill()) {
                throw new AssertionError(when + ": byte " + i + " of " + l + " is " + bytes[i]);
            }
        }
    }

    private static void release(Kernel kernel, Mempool pool, Live l) {
        switch (l.kind()) {
            case 'k' -> kernel.kfree(l.addr());
            case 'v' -> kernel.vfree(l.addr());
            case 'm' -> kernel.mempoolFree(l.addr(), pool);
            default -> kernel.freePages(l.addr(), l.order());
        }
    }
}
