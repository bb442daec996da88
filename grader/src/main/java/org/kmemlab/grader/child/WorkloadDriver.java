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
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * The tight loops of the performance workloads, run in the submission's JVM. The grader loads one private
 * copy of this class per implementation measured (see {@link DriverCopies}), so the JIT profiles and
 * compiles each loop for one allocator class only: otherwise the first implementation to warm the shared
 * loop up shapes its machine code, and the other pays for it (we saw the same code measured 0.4x and 2.8x
 * "as fast").
 *
 * <p>It times nothing and judges nothing: the grader reads the process's CPU time around
 * {@link #run()} itself, and then checks every result the loop recorded against its own model of the
 * workload (see {@code org.kmemlab.grader.Performance}). A submission that notices it is being measured
 * can change only what it returns, and a wrong result voids the performance points.
 *
 * <p>It uses only exported API (the api module and java.base), because its copies live in unnamed
 * modules of their own.
 */
public final class WorkloadDriver {

    /** The most blocks live at once. */
    public static final int MAX_LIVE = 256;
    /** The object sizes of the object workload; operation codes index it. */
    public static final int[] OBJECT_SIZES = {8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 512, 1024, 2048};
    /** The machine every round runs on: x86-64 with this much RAM. */
    public static final long MACHINE_BYTES = 64 * Sizes.MiB;

    private final String spi;
    private final Object provider;
    private final Object pageProvider;
    private final int[] ops;
    private final long[] results;
    private Object allocator;
    private Object last;

    /**
     * Creates the driver of one implementation.
     *
     * @param spi the SPI's key: {@code page}, {@code object}, {@code zone} or {@code slab}
     * @param provider the provider measured
     * @param pageProvider for zones: the page allocators they are built from; else null
     * @param ops the operation codes: at or above 0 allocate that order (or object size class), below 0
     *            free live block number {@code (-op - 1) % live}
     */
    public WorkloadDriver(String spi, Object provider, Object pageProvider, int[] ops) {
        this.spi = spi;
        this.provider = provider;
        this.pageProvider = pageProvider;
        this.ops = ops.clone();
        this.results = new long[ops.length];
    }

    /**
     * Generates the round's sequence from {@code seed} (as the grader does, to check the results), then
     * boots a fresh machine and creates a fresh allocator: every round runs a sequence of its own, so
     * answers remembered from an earlier round are no use.
     */
    public void prepare(long seed) {
        System.arraycopy(operations(spi, ops.length, seed), 0, ops, 0, ops.length);
        prepare();
    }

    /** Boots a fresh machine and creates a fresh allocator for the next round of the same sequence. */
    public void prepare() {
        Machine machine = Machine.boot(MachineProfile.X86_64, MACHINE_BYTES);
        allocator = switch (spi) {
            case "page" -> ((PageAllocatorProvider) provider).create(
                    new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), 10));
            case "object" -> ((ObjectAllocatorProvider) provider).create(
                    new ObjectAllocatorConfig(machine, new SplittingPageSource(machine), machine.profile().era()));
            case "zone" -> ((ZoneAllocatorProvider) provider).create(
                    ZoneAllocatorConfig.defaults(machine, (PageAllocatorProvider) pageProvider));
            // The lesson's dentry: a 192-byte object, cache-line aligned, whose constructor stores the
            // object's own address in its first word.
            case "slab" -> ((SlabCacheProvider) provider).create(new SlabCacheConfig(machine,
                    new SplittingPageSource(machine), "grader_cache", SLAB_OBJECT, 0, SLAB_FLAGS,
                    addr -> machine.memory().writeLong(machine.pa(addr), addr)));
            default -> throw new IllegalArgumentException("unknown SPI " + spi);
        };
    }

    /**
     * Runs the prepared round and returns what each operation returned (the pfn or address of an
     * allocation; 0 for a free), in operation order.
     */
    public long[] run() {
        Object a = allocator;
        allocator = null;
        if (a == null) {
            throw new IllegalStateException("run() without prepare()");
        }
        last = a;
        return runOn(a);
    }

    /**
     * Runs the operations again on the allocator of the last round, which has its pages and metadata
     * from that round already: what the no-garbage measurement times (the steady state, as the contracts'
     * second run), never a performance round.
     */
    public long[] runAgain() {
        if (last == null) {
            throw new IllegalStateException("runAgain() without run()");
        }
        return runOn(last);
    }

    private long[] runOn(Object a) {
        java.util.Arrays.fill(results, 0);
        if (a instanceof PageAllocator p) {
            pages(p);
        } else if (a instanceof ObjectAllocator o) {
            objects(o);
        } else if (a instanceof SlabCache c) {
            slabs(c);
        } else {
            zones((ZoneAllocator) a);
        }
        return results;
    }

    private void pages(PageAllocator allocator) {
        LiveBlocks live = new LiveBlocks(MAX_LIVE);
        for (int i = 0; i < ops.length; i++) {
            int op = ops[i];
            if (op >= 0) {
                long pfn = allocator.allocate(op);
                results[i] = pfn;
                live.add(pfn, op);
            } else if (live.size() > 0) {
                int k = live.pick(op);
                allocator.free(live.pfn(k), live.order(k));
                live.remove(k);
            }
        }
    }

    private void objects(ObjectAllocator allocator) {
        long[] addr = new long[MAX_LIVE];
        int live = 0;
        long max = allocator.maxSize();
        for (int i = 0; i < ops.length; i++) {
            int op = ops[i];
            if (op >= 0) {
                long a = allocator.allocate(Math.min(OBJECT_SIZES[op], max), Gfp.GFP_KERNEL);
                results[i] = a;
                if (a != ObjectAllocator.NULL && live < MAX_LIVE) {
                    addr[live++] = a;
                }
            } else if (live > 0) {
                int k = (-op - 1) % live;
                allocator.free(addr[k]);
                addr[k] = addr[--live];
            }
        }
    }

    /** The object size of the slab workload: a 192-byte object with a constructor, the lesson's dentry. */
    public static final long SLAB_OBJECT = 192;
    /** The slab workload's cache flags. */
    public static final int SLAB_FLAGS = SlabFlags.SLAB_HWCACHE_ALIGN;

    private void slabs(SlabCache cache) {
        long[] addr = new long[MAX_LIVE];
        int live = 0;
        for (int i = 0; i < ops.length; i++) {
            int op = ops[i];
            if (op >= 0) {
                long a = cache.allocate(Gfp.GFP_KERNEL);
                results[i] = a;
                if (a != SlabCache.NULL && live < MAX_LIVE) {
                    addr[live++] = a;
                }
            } else if (live > 0) {
                int k = (-op - 1) % live;
                cache.free(addr[k]);
                addr[k] = addr[--live];
            }
        }
    }

    private void zones(ZoneAllocator allocator) {
        LiveBlocks live = new LiveBlocks(MAX_LIVE);
        int n = 0;
        for (int i = 0; i < ops.length; i++) {
            int op = ops[i];
            if (op >= 0) {
                long pfn = allocator.allocPages(zoneGfp(n++), op);
                results[i] = pfn;
                live.add(pfn, op);
            } else if (live.size() > 0) {
                int k = live.pick(op);
                allocator.freePages(live.pfn(k), live.order(k));
                live.remove(k);
            }
        }
    }

    /**
     * Returns the gfp of the zone workload's {@code n}-th allocation: one in eight asks for DMA memory,
     * one in eight comes from "interrupt context" (GFP_ATOMIC).
     */
    public static int zoneGfp(int n) {
        return (n & 7) == 3 ? Gfp.GFP_KERNEL | Gfp.GFP_DMA : (n & 7) == 5 ? Gfp.GFP_ATOMIC : Gfp.GFP_KERNEL;
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
            if (p != PageAllocator.NO_PAGE && size < pfn.length) {
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

    /**
     * Generates an operation sequence of {@code spi}: about 55% allocations while fewer than
     * {@link #MAX_LIVE} blocks are live, small orders and sizes far more often than large ones, as in a
     * kernel. The grader runs the same code to know what each round's results must be.
     */
    public static int[] operations(String spi, int count, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int[] ops = new int[count];
        int live = 0;
        for (int i = 0; i < count; i++) {
            boolean allocate = live == 0 || (live < MAX_LIVE && random.nextInt(100) < 55);
            if (allocate) {
                // A slab cache has one object size, so its allocations are all code 0.
                ops[i] = spi.equals("slab") ? 0
                        : spi.equals("object") ? skewed(random, OBJECT_SIZES.length) : skewed(random, 4);
                live++;
            } else {
                ops[i] = -1 - random.nextInt(live);
                live--;
            }
        }
        return ops;
    }

    /** Returns 0 half the time, 1 a quarter of the time, …: small orders and sizes dominate. */
    private static int skewed(java.util.SplittableRandom random, int limit) {
        int value = Integer.numberOfTrailingZeros(random.nextInt() | (1 << (limit - 1)));
        return Math.min(value, limit - 1);
    }
}
