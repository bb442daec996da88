package org.kmemlab.grader.child;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * The timed loops of the performance workloads. {@link Workloads} loads one private copy of this class
 * per implementation measured (see {@link DriverCopies}), so the JIT profiles and compiles each loop for
 * one allocator class only: otherwise the first implementation to warm the shared loop up shapes its
 * machine code, and the other pays for it (we saw the same code measured 0.4x and 2.8x "as fast").
 *
 * <p>It uses only exported API (the api module and java.base), because its copies live in unnamed
 * modules of their own.
 */
public final class WorkloadDriver {

    /** The most blocks live at once. */
    static final int MAX_LIVE = 256;
    /** The object sizes of the object workload; operation codes index it. */
    static final int[] OBJECT_SIZES = {8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 512, 1024, 2048};
    private static final long MACHINE_BYTES = 64 * Sizes.MiB;

    private WorkloadDriver() {
    }

    /**
     * Runs one round: a fresh machine and allocator (not timed), then {@code ops}, timed.
     *
     * @param spi the SPI's key: {@code page}, {@code object}, {@code zone} or {@code slab}
     * @param provider the provider measured
     * @param pageProvider for zones: the page allocators they are built from; else null
     * @return the nanoseconds the operations took
     */
    public static long round(String spi, Object provider, Object pageProvider, int[] ops) {
        Machine machine = Machine.boot(MachineProfile.X86_64, MACHINE_BYTES);
        return switch (spi) {
            case "page" -> pages(((PageAllocatorProvider) provider).create(
                    new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), 10)), ops);
            case "object" -> objects(((ObjectAllocatorProvider) provider).create(
                    new ObjectAllocatorConfig(machine, new SplittingPageSource(machine), machine.profile().era())),
                    ops);
            case "zone" -> zones(((ZoneAllocatorProvider) provider).create(
                    ZoneAllocatorConfig.defaults(machine, (PageAllocatorProvider) pageProvider)), ops);
            case "slab" -> slabs(((SlabCacheProvider) provider).create(new SlabCacheConfig(machine,
                    new SplittingPageSource(machine), "grader_cache", SLAB_OBJECT, 0, SlabFlags.SLAB_HWCACHE_ALIGN,
                    addr -> machine.memory().writeLong(machine.pa(addr), addr))), ops);
            default -> throw new IllegalArgumentException("unknown SPI " + spi);
        };
    }

    private static long pages(PageAllocator allocator, int[] ops) {
        LiveBlocks live = new LiveBlocks(MAX_LIVE);
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                live.add(allocator.allocate(op), op);
            } else if (live.size() > 0) {
                int i = live.pick(op);
                allocator.free(live.pfn(i), live.order(i));
                live.remove(i);
            }
        }
        return System.nanoTime() - start;
    }

    private static long objects(ObjectAllocator allocator, int[] ops) {
        long[] addr = new long[MAX_LIVE];
        int live = 0;
        long max = allocator.maxSize();
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                long a = allocator.allocate(Math.min(OBJECT_SIZES[op], max), Gfp.GFP_KERNEL);
                if (a != ObjectAllocator.NULL) {
                    addr[live++] = a;
                }
            } else if (live > 0) {
                int i = (-op - 1) % live;
                allocator.free(addr[i]);
                addr[i] = addr[--live];
            }
        }
        return System.nanoTime() - start;
    }

    /** The object size of the slab workload: a 192-byte object with a constructor, the lesson's dentry. */
    static final long SLAB_OBJECT = 192;

    private static long slabs(SlabCache cache, int[] ops) {
        long[] addr = new long[MAX_LIVE];
        int live = 0;
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                long a = cache.allocate(Gfp.GFP_KERNEL);
                if (a != SlabCache.NULL) {
                    addr[live++] = a;
                }
            } else if (live > 0) {
                int i = (-op - 1) % live;
                cache.free(addr[i]);
                addr[i] = addr[--live];
            }
        }
        return System.nanoTime() - start;
    }

    private static long zones(ZoneAllocator allocator, int[] ops) {
        LiveBlocks live = new LiveBlocks(MAX_LIVE);
        int n = 0;
        long start = System.nanoTime();
        for (int op : ops) {
            if (op >= 0) {
                // One in eight requests asks for DMA memory, one in eight comes from "interrupt context".
                int gfp = (n & 7) == 3 ? Gfp.GFP_KERNEL | Gfp.GFP_DMA : (n & 7) == 5 ? Gfp.GFP_ATOMIC : Gfp.GFP_KERNEL;
                n++;
                live.add(allocator.allocPages(gfp, op), op);
            } else if (live.size() > 0) {
                int i = live.pick(op);
                allocator.freePages(live.pfn(i), live.order(i));
                live.remove(i);
            }
        }
        return System.nanoTime() - start;
    }

    /** The live blocks of a page workload: parallel arrays, the last one moved into a freed slot. */
    private static final class LiveBlocks {
        private final long[] pfn;
        private final int[] order;
        private int size;

        LiveBlocks(int capacity) {
            pfn = new long[capacity];
            order = new int[capacity];
        }

        /** Records a block; a failed allocation ({@code NO_PAGE}) records nothing. */
        void add(long p, int o) {
            if (p != PageAllocator.NO_PAGE) {
                pfn[size] = p;
                order[size] = o;
                size++;
            }
        }

        int size() {
            return size;
        }

        /** Returns the slot a free operation {@code op} (below 0) names. */
        int pick(int op) {
            return (-op - 1) % size;
        }

        long pfn(int i) {
            return pfn[i];
        }

        int order(int i) {
            return order[i];
        }

        void remove(int i) {
            size--;
            pfn[i] = pfn[size];
            order[i] = order[size];
        }
    }
}
