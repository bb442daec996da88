package org.kmemlab.examples.experiment;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.kmalloc.Kernel;

/**
 * The GFP experiment: how often do {@code GFP_ATOMIC}, {@code GFP_KERNEL} and {@code GFP_DMA} requests
 * fail as memory pressure grows?
 *
 * <h2>Method</h2>
 * For every pressure level, every kind of request and every order, a fresh kernel is booted and brought
 * into the same seeded state:
 * <ol>
 *   <li><b>Pinned, fragmented memory.</b> A workload kmallocs objects of random sizes (32 bytes to
 *       4 KiB) and takes random blocks of 1–4 pages, one in {@link #DMA_SHARE} of them from ZONE_DMA
 *       while it lasts (drivers' DMA buffers), until {@code level}% of the managed memory is in use,
 *       frees a random third of what it took, leaving holes, and allocates again until the level is
 *       back. This memory cannot be reclaimed.</li>
 *   <li><b>A full page cache.</b> The kernel's page cache then reads "file data" into every page that is
 *       free above the watermarks, as a real machine's does. Its pages are clean: reclaim may drop them,
 *       oldest first.</li>
 *   <li><b>A burst.</b> {@link #BURST_DIVISOR 1/16} of RAM is requested in blocks of {@code 2^order}
 *       pages, all with the same gfp, and kept; the failure rate is failures / requests.</li>
 * </ol>
 * Kernels are booted with {@code maxWait} 0: nothing frees memory during a burst, so a sleeping request
 * that reclaim could not help would only wait out its timeout before failing anyway.
 *
 * <h2>What to expect, and why</h2>
 * GFP_ATOMIC cannot reclaim: once the page cache has taken the free memory, it lives on the reserve
 * below the min watermark and fails when that is gone. GFP_KERNEL reclaims page cache and keeps going
 * until the pinned memory leaves no cache to drop, or what reclaim frees is too scattered for a large
 * order. GFP_DMA (here {@code GFP_KERNEL | GFP_DMA}) may only use ZONE_DMA: once pinned DMA buffers
 * fill that zone, reclaiming page cache elsewhere cannot help it. The table shows the measured figures.
 */
public final class GfpExperiment {

    /** The requests compared: their names and masks. */
    public static final List<String> GFP_NAMES = List.of("GFP_ATOMIC", "GFP_KERNEL", "GFP_DMA");
    private static final int[] GFPS = {Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN,
        Gfp.GFP_KERNEL | Gfp.GFP_DMA | Gfp.__GFP_NOWARN};

    /** One pinned allocation in this many asks for ZONE_DMA. */
    static final int DMA_SHARE = 3;

    /** A burst asks for RAM / this many bytes. */
    public static final int BURST_DIVISOR = 16;

    private final Supplier<Kernel> kernels;
    private final long seed;
    private final int[] levels;
    private final int[] orders;

    /**
     * Creates the experiment.
     *
     * @param kernels boots a fresh kernel (with {@code maxWait} 0) for each measurement
     * @param seed the seed of the pinned workload
     * @param levels pressure levels in percent of managed memory pinned, ascending
     * @param orders the request orders
     */
    public GfpExperiment(Supplier<Kernel> kernels, long seed, int[] levels, int[] orders) {
        this.kernels = kernels;
        this.seed = seed;
        this.levels = levels.clone();
        this.orders = orders.clone();
    }

    /** Returns the number of measurements {@link #run} makes (for a progress bar). */
    public int cells() {
        return levels.length * GFPS.length * orders.length;
    }

    /** Runs every measurement, reporting each one done to {@code progress}. */
    public GfpTable run(LongConsumer progress) {
        int[][][] requests = new int[levels.length][GFPS.length][orders.length];
        int[][][] failures = new int[levels.length][GFPS.length][orders.length];
        int[] pinnedPercent = new int[levels.length];
        int[] cachePercent = new int[levels.length];
        long done = 0;
        Era era = null;
        for (int l = 0; l < levels.length; l++) {
            for (int g = 0; g < GFPS.length; g++) {
                for (int o = 0; o < orders.length; o++) {
                    Kernel kernel = kernels.get();
                    era = kernel.era();
                    long managedPages = kernel.meminfo().memTotal() / (kernel.machine().pageSize() >> 10);
                    pin(kernel, levels[l], new SplittableRandom(seed + levels[l]));
                    MemInfo before = kernel.meminfo();
                    kernel.pageCache().fillMachine();
                    MemInfo filled = kernel.meminfo();
                    pinnedPercent[l] = (int) (100 * (before.memTotal() - before.memFree()) / before.memTotal());
                    cachePercent[l] = (int) (100 * filled.cached() / filled.memTotal());
                    int count = (int) Math.max(1, (managedPages / BURST_DIVISOR) >> orders[o]);
                    requests[l][g][o] = count;
                    failures[l][g][o] = burst(kernel, GFPS[g], orders[o], count);
                    progress.accept(++done);
                }
            }
        }
        return new GfpTable(GFP_NAMES, levels, orders, pinnedPercent, cachePercent, requests, failures, seed,
                era == null ? Era.MODERN : era);
    }

    /**
     * Pins memory until {@code level}% of the managed pages are in use, frees a random third of the
     * allocations to punch holes, and pins again until the level is back: kmalloc'd objects of 32 bytes
     * to 4 KiB, and blocks of 1, 2 or 4 pages.
     */
    static void pin(Kernel kernel, int level, SplittableRandom random) {
        Pinned pinned = new Pinned();
        if (!pinned.fill(kernel, level, random)) {
            return;
        }
        pinned.punchHoles(kernel, random);
        pinned.fill(kernel, level, random);
    }

    /**
     * The flags of one pinned allocation: one in {@link #DMA_SHARE} asks for ZONE_DMA, as the DMA
     * buffers of 1990s drivers (sound, floppy, SCSI) did, and takes ordinary memory when ZONE_DMA is
     * full; the rest is ordinary {@code GFP_KERNEL}.
     */
    private static int pinGfp(SplittableRandom random) {
        int gfp = Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN;
        return random.nextInt(DMA_SHARE) == 0 ? gfp | Gfp.GFP_DMA : gfp;
    }

    /** Takes a page block; when ZONE_DMA is full, a DMA request settles for ordinary memory. */
    private static long pinPages(Kernel kernel, int gfp, int order) {
        long block = kernel.getFreePages(gfp, order);
        return block == KernelMemory.NULL && (gfp & Gfp.GFP_DMA) != 0
                ? kernel.getFreePages(gfp & ~Gfp.GFP_DMA, order) : block;
    }

    /** Takes an object; when ZONE_DMA is full, a DMA request settles for ordinary memory. */
    private static long pinObject(Kernel kernel, int gfp, long size) {
        long p = kernel.kmalloc(size, gfp);
        return p == KernelMemory.NULL && (gfp & Gfp.GFP_DMA) != 0 ? kernel.kmalloc(size, gfp & ~Gfp.GFP_DMA) : p;
    }

    /** The memory the workload holds. */
    private static final class Pinned {
        long[] objects = new long[1024];
        long[] blocks = new long[256];
        int[] blockOrders = new int[256];
        int nObjects;
        int nBlocks;

        /** Allocates until {@code level}% is in use; false when an allocation failed first. */
        boolean fill(Kernel kernel, int level, SplittableRandom random) {
            long total = kernel.meminfo().memTotal();
            long target = total * level / 100;
            while (total - kernel.meminfo().memFree() < target) {
                for (int i = 0; i < 64; i++) {
                    if (random.nextInt(4) == 0) {
                        int order = random.nextInt(3);
                        long block = pinPages(kernel, pinGfp(random), order);
                        if (block == KernelMemory.NULL) {
                            return false;
                        }
                        if (nBlocks == blocks.length) {
                            blocks = Arrays.copyOf(blocks, nBlocks * 2);
                            blockOrders = Arrays.copyOf(blockOrders, nBlocks * 2);
                        }
                        blockOrders[nBlocks] = order;
                        blocks[nBlocks++] = block;
                    } else {
                        long p = pinObject(kernel, pinGfp(random), 32 + random.nextInt(4096 - 32 + 1));
                        if (p == KernelMemory.NULL) {
                            return false;
                        }
                        if (nObjects == objects.length) {
                            objects = Arrays.copyOf(objects, nObjects * 2);
                        }
                        objects[nObjects++] = p;
                    }
                }
            }
            return true;
        }

        /** Frees a random third of what is held. */
        void punchHoles(Kernel kernel, SplittableRandom random) {
            int keptObjects = 0;
            for (int i = 0; i < nObjects; i++) {
                if (random.nextInt(3) == 0) {
                    kernel.kfree(objects[i]);
                } else {
                    objects[keptObjects++] = objects[i];
                }
            }
            nObjects = keptObjects;
            int keptBlocks = 0;
            for (int i = 0; i < nBlocks; i++) {
                if (random.nextInt(3) == 0) {
                    kernel.freePages(blocks[i], blockOrders[i]);
                } else {
                    blockOrders[keptBlocks] = blockOrders[i];
                    blocks[keptBlocks++] = blocks[i];
                }
            }
            nBlocks = keptBlocks;
        }
    }

    /** Requests {@code count} blocks of {@code order} with {@code gfp}, keeps them, returns the failures. */
    static int burst(Kernel kernel, int gfp, int order, int count) {
        int failed = 0;
        for (int i = 0; i < count; i++) {
            if (kernel.getFreePages(gfp, order) == KernelMemory.NULL) {
                failed++;
            }
        }
        return failed;
    }
}
