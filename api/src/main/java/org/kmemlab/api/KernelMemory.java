package org.kmemlab.api;

import java.util.List;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * The kernel's memory API as a caller sees it: kmalloc and friends, the page allocator, and memory
 * access by kernel address. Module {@code org.kmemlab.kmalloc} implements it by assembling the installed
 * providers; the testkit's {@code KernelContract} checks any implementation through this interface.
 *
 * <h2>Requirements</h2>
 * Every rule carries an id in brackets; the testkit's {@code KernelContract} checks each one and a failure
 * report names the rule it broke.
 * <ul>
 *   <li>[kernel.kmalloc] {@link #kmalloc(long, int)} MUST return the direct-map address of at least
 *       {@code size} bytes that overlap no live allocation (kmalloc memory, page block or object of a named
 *       cache), or {@link #NULL} when memory cannot be had or the size exceeds the era's maximum (logging a warning); allocation
 *       failure is never an exception.
 *       [kernel.zero-size] {@code kmalloc(0, gfp)} MUST return {@link #ZERO_SIZE_PTR}, except on a Linux 2.0
 *       machine, whose kmalloc(0) gave a real block (any live allocation that kfree takes back).</li>
 *   <li>[kernel.gfp-dma] {@code GFP_DMA} memory MUST lie below 16 MiB.
 *       [kernel.gfp-zero] {@code __GFP_ZERO} memory MUST be zeroed.</li>
 *   <li>[kernel.kfree-null] {@link #kfree(long)} of {@link #NULL} or {@link #ZERO_SIZE_PTR} MUST do nothing;
 *       of a live kmalloc address it frees it.
 *       [kernel.bad-kfree] {@code kfree} of anything else (a freed address, an interior pointer, a page
 *       block, an address kmalloc never returned) MUST throw {@link org.kmemlab.api.bug.KernelBug} and
 *       change nothing.</li>
 *   <li>[kernel.ksize] {@link #ksize(long)} MUST return at least the requested size for a live allocation,
 *       the same value for as long as it lives.</li>
 *   <li>[kernel.pages] {@link #getFreePages(int, int)} MUST return a naturally aligned block of
 *       {@code 2^order} pages that overlaps no live allocation, or {@link #NULL}.</li>
 *   <li>[kernel.sleep-in-atomic] An allocation whose gfp may sleep MUST raise
 *       {@link org.kmemlab.api.bug.SleepInAtomicBug} in atomic context and allocate nothing;
 *       {@code GFP_ATOMIC} allocations work there. On the Linux 2.0 era a spinlock held (atomic, not in an
 *       interrupt handler) is not atomic context for this rule: 2.0 had no {@code might_sleep()}, so the
 *       sleeping allocation MUST be served as in process context, with no report.</li>
 *   <li>[kernel.memory] Reads and writes by kernel address MUST reach the bytes of the machine's memory:
 *       what is written to a live allocation reads back unchanged.
 *       [kernel.reports] The reports MUST be consistent with each other and with the live allocations, and
 *       nothing may leak once everything is freed.</li>
 *   <li>[kernel.concurrent] Implementations MUST be safe for concurrent use.</li>
 * </ul>
 */
public interface KernelMemory {

    /** NULL: the address no allocation has. */
    long NULL = 0L;

    /** What {@code kmalloc(0)} returns: 16, distinct from NULL, faults when dereferenced. */
    long ZERO_SIZE_PTR = 16L;

    /** Returns the machine this kernel runs on. */
    Machine machine();

    /**
     * Returns the largest size {@link #kmalloc} serves: 131048 bytes in the Linux 2.0 era (128 KiB less the
     * page descriptor and the block header), 4 MiB today; a larger request returns {@link #NULL} (rule
     * kernel.kmalloc above, which the contract checks against this value).
     *
     * <p>[kernel.max-kmalloc-size] The default is the maximum of the machine profile's era; a kernel booted
     * in another era MUST override it.
     */
    default long maxKmallocSize() {
        return machine().profile().era().maxKmallocSize();
    }

    /**
     * Allocates {@code size} bytes of kernel memory.
     *
     * @return the direct-map address, {@link #ZERO_SIZE_PTR} for size 0, or {@link #NULL} on failure
     */
    long kmalloc(long size, int gfp);

    /** Frees memory from {@link #kmalloc}; NULL and ZERO_SIZE_PTR are ignored. */
    void kfree(long addr);

    /** Returns the usable size of a live kmalloc allocation. */
    long ksize(long addr);

    /**
     * Allocates {@code 2^order} contiguous pages ({@code __get_free_pages}).
     *
     * @return the direct-map address of the first page, or {@link #NULL}
     */
    long getFreePages(int gfp, int order);

    /** Frees pages from {@link #getFreePages} with the same order. */
    void freePages(long addr, int order);

    /** Reads one byte at kernel address {@code addr}. */
    byte readByte(long addr);

    /** Writes one byte at kernel address {@code addr}. */
    void writeByte(long addr, byte value);

    /** Reads {@code length} bytes at kernel address {@code addr} into {@code target[offset...]}. */
    void read(long addr, byte[] target, int offset, int length);

    /** Writes {@code source[offset ... offset+length)} at kernel address {@code addr}. */
    void write(long addr, byte[] source, int offset, int length);

    /** Sets {@code length} bytes at kernel address {@code addr} to {@code value}. */
    void fill(long addr, long length, byte value);

    /**
     * Returns the kernel's named slab caches ({@code kmem_cache_*}), or null when this kernel has none:
     * the default, and the Linux 2.0 era, which predates them.
     */
    default SlabCaches slabCaches() {
        return null;
    }

    /** Returns the {@code /proc/meminfo} figures now. */
    MemInfo meminfo();

    /** Returns the {@code /proc/slabinfo} rows now. */
    List<SlabInfo> slabinfo();

    /** Returns the {@code /proc/zoneinfo} records now. */
    List<ZoneStats> zoneinfo();
}
