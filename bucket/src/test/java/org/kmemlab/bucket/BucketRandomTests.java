package org.kmemlab.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.stats.SlabInfo;

/**
 * Long seeded runs of random allocations and frees against a model of the live objects. The seed is
 * printed; replay a failure with {@code -Dkmemlab.seed=N}.
 */
class BucketRandomTests {

    private static final int STEPS = 20_000;

    @Test
    void freeListsStayIntactThroughRandomWorkOnBothErasAndMachines() {
        long seed = Long.getLong("kmemlab.seed", System.nanoTime());
        System.out.println("BucketRandomTests seed " + seed + " (replay with -Dkmemlab.seed=" + seed + ")");
        run(seed, Era.LINUX_2_0, Machine.boot(MachineProfile.I386_LINUX_2_0, 64 * Sizes.MiB));
        run(seed, Era.MODERN, Machine.boot(MachineProfile.I386_LINUX_2_0, 64 * Sizes.MiB));
        run(seed, Era.LINUX_2_0, Machine.boot(MachineProfile.X86_64, 256 * Sizes.MiB));
        run(seed, Era.MODERN, Machine.boot(MachineProfile.X86_64, 256 * Sizes.MiB));
    }

    private static void run(long seed, Era era, Machine machine) {
        String where = era + " on " + machine + ", seed " + seed;
        SplittableRandom random = new SplittableRandom(seed);
        TestPageSource source = new TestPageSource(machine);
        BucketAllocator buckets = BucketAllocatorTests.allocator(source, era);
        SizeClassTable classes = SizeClassTable.forEra(era);
        PhysicalMemory memory = machine.memory();
        TreeMap<Long, Long> live = new TreeMap<>();
        Map<String, Long> liveByCache = new TreeMap<>();
        List<Long> order = new ArrayList<>();
        Set<Long> dmaObjects = new HashSet<>();
        for (int step = 0; step < STEPS; step++) {
            int action = random.nextInt(100);
            if (action < 55 || order.isEmpty()) {
                int c = random.nextInt(Math.min(classes.count(), era == Era.LINUX_2_0 ? 10 : 13));
                long low = c == 0 ? 1 : classes.usableSize(c - 1) + 1L;
                long size = random.nextLong(low, classes.usableSize(c) + 1L);
                boolean dma = random.nextInt(10) == 0;
                int gfp = Gfp.GFP_KERNEL | (dma ? Gfp.GFP_DMA : 0) | (random.nextInt(10) == 0 ? Gfp.__GFP_ZERO : 0);
                long p = buckets.allocate(size, gfp);
                if (p == 0) {
                    continue;
                }
                long alignment = era == Era.LINUX_2_0 && classes.blockSize(classes.classOf(size)) % 8 != 0 ? 4 : 8;
                assertEquals(0, p & (alignment - 1), where + ": aligned to " + alignment);
                long usable = buckets.usableSize(p);
                assertTrue(usable >= size, where + ": never rounded down");
                if ((gfp & Gfp.__GFP_ZERO) != 0) {
                    assertEquals(-1, memory.findMismatch(machine.pa(p), usable, (byte) 0), where + ": zeroed");
                }
                Map.Entry<Long, Long> below = live.floorEntry(p);
                Map.Entry<Long, Long> above = live.ceilingEntry(p);
                assertTrue(below == null || below.getKey() + buckets.usableSize(below.getKey()) <= p, where + ": overlap below");
                assertTrue(above == null || p + usable <= above.getKey(), where + ": overlap above");
                stamp(memory, machine.pa(p), usable, p);
                live.put(p, size);
                if (dma) {
                    assertTrue(machine.pa(p) < MachineProfile.MAX_DMA_ADDRESS, where + ": DMA object below 16 MiB");
                    dmaObjects.add(p);
                }
                order.add(p);
                liveByCache.merge(cacheName(classes, usable, dma), 1L, Long::sum);
            } else if (action < 98) {
                long p = order.remove(random.nextInt(order.size()));
                long usable = buckets.usableSize(p);
                assertEquals(p, memory.readLong(machine.pa(p)), where + ": the first bytes of the object survived");
                assertEquals(p, memory.readLong(machine.pa(p) + usable - 8), where + ": the last bytes survived");
                String cache = cacheName(classes, usable, dmaObjects.remove(p));
                buckets.free(p);
                live.remove(p);
                liveByCache.merge(cache, -1L, Long::sum);
            } else {
                buckets.shrink();
            }
            if (step % 1000 == 0) {
                buckets.checkInvariants();
                for (SlabInfo info : buckets.slabinfo()) {
                    assertEquals(liveByCache.getOrDefault(info.name(), 0L), info.activeObjects(), where + ": " + info.name());
                }
            }
        }
        buckets.checkInvariants();
        for (long p : order) {
            buckets.free(p);
        }
        buckets.shrink();
        assertEquals(0, source.pagesOutstanding(), where + ": every page went back");
        buckets.checkInvariants();
    }

    private static void stamp(PhysicalMemory memory, long phys, long usable, long value) {
        memory.writeLong(phys, value);
        memory.writeLong(phys + usable - 8, value);
    }

    private static String cacheName(SizeClassTable classes, long usable, boolean dma) {
        return classes.name(classes.classOf(usable), dma);
    }
}
