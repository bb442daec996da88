package org.kmemlab.examples.trace;

import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.kmalloc.Kernel;

/**
 * Replays a {@link Trace} against a kernel's kmalloc and measures it, the way the CS:APP malloc lab's
 * driver scores a student's malloc.
 *
 * <h2>What is measured</h2>
 * <ul>
 *   <li><b>Throughput</b>: operations per second over the whole trace, best of a few runs on fresh
 *       kernels (the first run also warms up the JIT). Nothing else is measured in these runs.</li>
 *   <li><b>Peak utilisation</b>: the largest total of requested bytes live at one time, divided by the
 *       largest footprint, the memory the kernel's allocators took from the machine for the trace
 *       (free memory before the trace minus free memory now). 100% would be a perfect allocator.</li>
 *   <li><b>Internal fragmentation</b> at the moment of peak payload: the share of the allocated bytes
 *       ({@code ksize}) that the caller did not ask for (bucket rounding, headers).</li>
 *   <li><b>External fragmentation</b> at the moment of peak footprint: the share of free memory that
 *       lies in free blocks too small for the trace's largest request (of order {@code k}), the
 *       kernel's {@code unusable_free_index} for order {@code k} ({@code /sys/kernel/debug/extfrag}).
 *       At 0% every free page could serve that request; near 100% free memory is crumbs.</li>
 *   <li><b>Failures</b>: kmalloc or krealloc returning NULL. A failed allocation's id stays unallocated,
 *       and a later free of it is skipped.</li>
 *   <li><b>Integrity</b>: every allocation's first and last byte get a pattern derived from its id, and
 *       the pattern is checked when it is freed or resized. A mismatch means two live allocations
 *       overlapped.</li>
 * </ul>
 * The measuring run reads the zone statistics after every operation, which is why it is separate from
 * the timed runs.
 */
public final class Replayer {

    /** How many timed runs the best throughput is taken from. */
    public static final int TIMED_RUNS = 3;

    private final Supplier<Kernel> kernels;

    /**
     * Creates a replayer that boots a fresh kernel from {@code kernels} for each run.
     */
    public Replayer(Supplier<Kernel> kernels) {
        this.kernels = kernels;
    }

    /**
     * Replays {@code trace} {@link #TIMED_RUNS} times for throughput and once more for the other
     * figures, reporting each operation done to {@code progress} (in total {@code (TIMED_RUNS + 1) *
     * ops}).
     */
    public ReplayReport replay(Trace trace, LongConsumer progress) {
        List<TraceOp> ops = trace.ops();
        long done = 0;
        long bestNanos = Long.MAX_VALUE;
        for (int run = 0; run < TIMED_RUNS; run++) {
            Kernel kernel = kernels.get();
            long[] addr = new long[trace.ids()];
            long start = System.nanoTime();
            for (TraceOp op : ops) {
                apply(kernel, op, addr);
            }
            bestNanos = Math.min(bestNanos, Math.max(1, System.nanoTime() - start));
            freeAll(kernel, addr);
            done += ops.size();
            progress.accept(done);
        }
        Kernel kernel = kernels.get();
        Measurement m = new Measurement(kernel, trace.ids(), largestOrder(trace, kernel.machine().pageShift()));
        for (TraceOp op : ops) {
            m.step(op);
            progress.accept(++done);
        }
        long[] addr = m.addr;
        freeAll(kernel, addr);
        return new ReplayReport(trace, kernel.machine(), ops.size(), m.allocs, m.reallocs, m.frees, m.failures,
                m.skippedFrees, bestNanos, m.peakPayload, m.allocatedAtPeakPayload, m.peakFootprint,
                m.freeAtPeakFootprint, m.largestOrder, m.usableFreeAtPeakFootprint, m.integrityErrors);
    }

    /**
     * Does one operation without measuring it, as the timed runs do: {@code addr[id]} holds the address
     * of each live allocation (NULL for none) and is updated. A failed kmalloc leaves NULL; a failed
     * krealloc keeps the old block; a free of NULL does nothing, as kfree(NULL) does.
     */
    public static void apply(Kernel kernel, TraceOp op, long[] addr) {
        int id = op.id();
        switch (op.kind()) {
            case ALLOC -> addr[id] = kernel.kmalloc(op.size(), op.gfp());
            case REALLOC -> {
                if (addr[id] != KernelMemory.NULL) {
                    long moved = kernel.krealloc(addr[id], op.size(), op.gfp());
                    if (moved != KernelMemory.NULL) {
                        addr[id] = moved;
                    }
                }
            }
            case FREE -> {
                kernel.kfree(addr[id]);
                addr[id] = KernelMemory.NULL;
            }
        }
    }

    private static void freeAll(Kernel kernel, long[] addr) {
        for (int id = 0; id < addr.length; id++) {
            kernel.kfree(addr[id]);
            addr[id] = KernelMemory.NULL;
        }
    }

    /** The measuring run: the same operations, with accounting after each. */
    private static final class Measurement {
        final Kernel kernel;
        final long[] addr;
        final long[] size;
        final long baselineFreePages;
        final int largestOrder;
        long payload;
        long allocated;
        long allocs;
        long reallocs;
        long frees;
        long failures;
        long skippedFrees;
        long integrityErrors;
        long peakPayload;
        long allocatedAtPeakPayload;
        long peakFootprint;
        long freeAtPeakFootprint;
        long usableFreeAtPeakFootprint;

        Measurement(Kernel kernel, int ids, int largestOrder) {
            this.kernel = kernel;
            this.largestOrder = largestOrder;
            this.addr = new long[ids];
            this.size = new long[ids];
            this.baselineFreePages = freePages(kernel.zoneinfo());
        }

        void step(TraceOp op) {
            int id = op.id();
            switch (op.kind()) {
                case ALLOC -> {
                    allocs++;
                    long p = kernel.kmalloc(op.size(), op.gfp());
                    if (p == KernelMemory.NULL) {
                        failures++;
                    } else {
                        take(id, p, op.size());
                    }
                }
                case REALLOC -> {
                    reallocs++;
                    if (addr[id] == KernelMemory.NULL) {
                        skippedFrees++;
                        break;
                    }
                    check(id);
                    long oldUsable = usable(id);
                    long p = kernel.krealloc(addr[id], op.size(), op.gfp());
                    if (p == KernelMemory.NULL && op.size() != 0) {
                        failures++;          // the old block stays valid, and stays counted
                    } else {
                        forget(id, oldUsable);
                        take(id, p, op.size());
                    }
                }
                case FREE -> {
                    frees++;
                    if (addr[id] == KernelMemory.NULL) {
                        skippedFrees++;
                        break;
                    }
                    check(id);
                    long oldUsable = usable(id);
                    kernel.kfree(addr[id]);
                    forget(id, oldUsable);
                }
            }
            observe();
        }

        private void take(int id, long p, long bytes) {
            addr[id] = p;
            size[id] = bytes;
            if (bytes > 0 && p != KernelMemory.ZERO_SIZE_PTR) {
                allocated += kernel.ksize(p);
                payload += bytes;
                kernel.writeByte(p, pattern(id));
                if (bytes > 1) {
                    kernel.writeByte(p + bytes - 1, (byte) ~pattern(id));
                }
            }
        }

        /** Returns the usable size of id's live block (0 for ZERO_SIZE_PTR); asked before it is freed. */
        private long usable(int id) {
            long p = addr[id];
            return size[id] > 0 && p != KernelMemory.ZERO_SIZE_PTR ? kernel.ksize(p) : 0;
        }

        /** Takes id's block, whose usable size was {@code usable}, out of the live totals. */
        private void forget(int id, long usable) {
            payload -= size[id];
            allocated -= usable;
            addr[id] = KernelMemory.NULL;
            size[id] = 0;
        }

        private void check(int id) {
            long p = addr[id];
            long bytes = size[id];
            if (bytes == 0 || p == KernelMemory.ZERO_SIZE_PTR) {
                return;
            }
            boolean firstOk = kernel.readByte(p) == pattern(id);
            boolean lastOk = bytes == 1 || kernel.readByte(p + bytes - 1) == (byte) ~pattern(id);
            if (!firstOk || !lastOk) {
                integrityErrors++;
            }
        }

        private void observe() {
            if (payload > peakPayload) {
                peakPayload = payload;
                allocatedAtPeakPayload = allocated;
            }
            List<ZoneStats> zones = kernel.zoneinfo();
            long free = freePages(zones);
            long footprint = (baselineFreePages - free) * kernel.machine().pageSize();
            if (footprint > peakFootprint) {
                peakFootprint = footprint;
                freeAtPeakFootprint = free;
                usableFreeAtPeakFootprint = freePagesInBlocksOfAtLeast(zones, largestOrder);
            }
        }

        private static byte pattern(int id) {
            return (byte) (0x5a ^ id ^ (id >>> 8));
        }
    }

    /** Returns the free pages of all zones. */
    static long freePages(List<ZoneStats> zones) {
        long free = 0;
        for (ZoneStats z : zones) {
            free += z.free();
        }
        return free;
    }

    /** Returns the free pages that lie in free blocks of order {@code order} or larger, in all zones. */
    static long freePagesInBlocksOfAtLeast(List<ZoneStats> zones, int order) {
        long pages = 0;
        for (ZoneStats z : zones) {
            long[] blocks = z.freeBlocks();
            for (int o = order; o < blocks.length; o++) {
                pages += blocks[o] << o;
            }
        }
        return pages;
    }

    /** Returns the page order of the trace's largest request ({@code get_order}); 0 for an empty trace. */
    static int largestOrder(Trace trace, int pageShift) {
        long largest = 1;
        for (TraceOp op : trace.ops()) {
            largest = Math.max(largest, op.size());
        }
        return org.kmemlab.api.Sizes.orderForBytes(largest, pageShift);
    }
}
