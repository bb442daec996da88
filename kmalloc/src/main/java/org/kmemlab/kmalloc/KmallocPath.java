package org.kmemlab.kmalloc;

import static org.kmemlab.api.KernelMemory.NULL;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.ExecutionContext;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageAllocator;

/**
 * kmalloc, kfree and ksize without the debug wrapper: where a request goes and how a free finds its
 * owner (the class comment of {@link Kernel} gives the map).
 *
 * <pre>
 *   kmalloc(size)   size &lt;= smallLimit -&gt; failslab? -&gt; SmallObjects (per-thread magazine of the class)
 *                   larger             -&gt; 2^get_order(size) pages from the PagePath, tagged LARGE
 *   kfree(addr)     frame tag SLAB       -&gt; SmallObjects
 *                   LARGE_HEAD, aligned  -&gt; PagePath
 *                   anything else        -&gt; "kfree of non-kmalloced memory" (a KernelBug)
 * </pre>
 *
 * On the Linux 2.0 era a kmalloc that may sleep is checked for interrupt context, a failure and a
 * refused kfree print what 2.0 printed ({@link Linux20Misuse}), and {@code kmalloc(0)} is a real block.
 * {@link SlabDebug} wraps {@link #kmallocRaw}, {@link #kfreeRaw} and {@link #ksizeRaw} when debugging is
 * on.
 *
 * <h2>A fast path in front of the complete one</h2>
 * Nearly every call is the same case: kmalloc of a size with a cached class, served from the calling
 * thread's magazine, and kfree of a LIVE object of the thread's own shard into a magazine with room.
 * {@link #kmallocRaw} and {@link #kfreeRaw} test for exactly that case and handle it in a few lines; any
 * other call, and any call where a test fails, goes to {@link #kmallocSlowly} or {@link #kfreeSlowly},
 * the complete paths, which start again from the beginning and decide everything themselves (so the
 * fast path may give up at any point, as long as it has changed nothing).
 * <pre>
 *   kmalloc fast path: 1 &lt;= size &lt;= the class table, no __GFP_ZERO or __GFP_DMA, modern era
 *                      failslab off; might_sleep (one read while no atomic section is open)
 *                      the thread's cache (drained first if asked); pop; the object must be CACHED -&gt; LIVE
 *   kfree fast path:   in the direct map, 4-byte aligned, frame of a cached kmalloc class
 *                      same shard as the thread, magazine not full
 *                      LIVE -&gt; CACHED by compare-and-set (a second free is reported here, also under races)
 * </pre>
 * Why split: a JIT compiler inlines a method into its caller only while the method's compiled code is
 * small (C2's {@code InlineSmallCode}, 2,500 bytes on JDK 17 and 25). With the complete paths inline,
 * {@code Kernel.kmalloc} and {@code Kernel.kfree} compiled to about 2,550 bytes each, mostly the
 * out-of-line stubs of rarely taken branches (each saves every live value for deoptimisation), so a
 * caller compiled after them paid a real call, or inlined the refill and flush along with them. Split,
 * they compile to about 1,750 and 2,200 bytes and inline; the two tests of each fast path's entry are
 * combined with {@code &} so that they cost one branch and one stub. Issue 16's measurements are in
 * {@code bench/README.md} ("What changed", 22).
 */
final class KmallocPath {

    private static final long PAGE_MASK = MachineProfile.PAGE_SIZE - 1;

    private final Machine machine;
    private final Era era;
    private final FrameTable frames;
    private final SmallObjects small;
    private final PagePath pagePath;
    private final FaultInjection faults;
    private final KmemCaches kmemCaches;
    private final KernelAddresses addresses;
    private final CpuCacheDrain cpuCaches;
    /** Null unless the era is Linux 2.0. */
    private final Linux20Misuse linux20;
    private final long smallLimit;
    private final long pageOffset;
    private final long ramBytes;
    private final ExecutionContext context;
    /** The normal classes' size-to-class table ({@link InstalledSizeClasses#table}), for the fast path. */
    private final byte[] classTable;
    /** The fast path serves sizes 1 .. fastSizes: 0 on the Linux 2.0 era, whose kmalloc has more to check. */
    private final long fastSizes;
    /** Flags that send a kmalloc to the complete path: zeroing and the DMA classes. */
    private static final int SLOW_GFP = Gfp.__GFP_ZERO | Gfp.__GFP_DMA;

    KmallocPath(Machine machine, Era era, FrameTable frames, SmallObjects small, PagePath pagePath,
                FaultInjection faults, KmemCaches kmemCaches, KernelAddresses addresses, CpuCacheDrain cpuCaches,
                Linux20Misuse linux20) {
        this.machine = machine;
        this.era = era;
        this.frames = frames;
        this.small = small;
        this.pagePath = pagePath;
        this.faults = faults;
        this.kmemCaches = kmemCaches;
        this.addresses = addresses;
        this.cpuCaches = cpuCaches;
        this.linux20 = linux20;
        this.smallLimit = Math.min(small.classes().maxSize(), era.maxKmallocSize());
        this.pageOffset = machine.profile().pageOffset();
        this.ramBytes = machine.ramBytes();
        this.context = machine.context();
        this.classTable = small.classes().table(false);
        this.fastSizes = linux20 != null ? 0 : Math.min(classTable.length - 1, smallLimit);
    }

    /**
     * kmalloc without the debug wrapper; failslab applies to the object path. The common case is served
     * here (see the class comment), everything else by {@link #kmallocSlowly}.
     */
    long kmallocRaw(long size, int gfp) {
        if ((Long.compareUnsigned(size - 1, fastSizes) < 0 & (gfp & SLOW_GFP) == 0) && !faults.slabArmed()) {
            context.mightSleep(gfp, "kmalloc");
            long addr = small.allocateCached(cpuCaches.current(), classTable[(int) size]);
            if (addr != NULL) {
                return addr;
            }
        }
        return kmallocSlowly(size, gfp);
    }

    /**
     * The complete kmalloc: every era, size, flag and failure; also the fast path's fallback, so it checks
     * everything again (might_sleep a second time after an empty magazine, which is harmless).
     */
    long kmallocSlowly(long size, int gfp) {
        if (linux20 != null) {
            gfp = linux20.nonatomicFromInterrupt(gfp, "kmalloc");
        }
        machine.context().mightSleep(gfp, "kmalloc");
        if (size <= 0) {
            Checks.requireArgument(size == 0, "kmalloc size %d is negative", size);
            if (linux20 == null) {
                return Kernel.ZERO_SIZE_PTR;
            }
            size = 1;   // 2.0: 0 + an 8-byte header fits the 32-byte bucket, a real block (ZERO_SIZE_PTR is modern)
        }
        if (size > era.maxKmallocSize()) {
            return tooLarge(size, gfp);
        }
        long addr = kmallocFrom(cpuCaches.current(), size, gfp);
        if (addr == NULL && linux20 != null) {
            linux20.kmallocFailed(gfp);
        }
        return addr;
    }

    private long kmallocFrom(CpuCache cache, long size, int gfp) {
        if (size <= smallLimit) {
            if (faults.shouldFailSlab(gfp, size)) {
                return NULL;
            }
            return small.allocate(cache, size, gfp);
        }
        int order = Sizes.orderForBytes(size, MachineProfile.PAGE_SHIFT);
        long pfn = pagePath.allocate(cache, gfp, order, FrameTable.LARGE_HEAD, FrameTable.LARGE_TAIL);
        return pfn == PageAllocator.NO_PAGE ? NULL : pageOffset + (pfn << MachineProfile.PAGE_SHIFT);
    }

    private long tooLarge(long size, int gfp) {
        if (era == Era.LINUX_2_0) {
            machine.dmesg().warn("kmalloc of too large a block (" + size + " bytes).");
        } else if ((gfp & Gfp.__GFP_NOWARN) == 0) {
            machine.dmesg().warn("WARNING: kmalloc of " + size + " bytes exceeds KMALLOC_MAX_SIZE ("
                    + era.maxKmallocSize() + " bytes), mode:" + Gfp.mode(gfp));
        }
        return NULL;
    }

    /** kfree of an address above ZERO_SIZE_PTR without the debug wrapper, with 2.0's message on that era. */
    void kfree(long addr) {
        if (linux20 != null) {
            kfree20(addr);
            return;
        }
        kfreeRaw(addr);
    }

    /**
     * kfree on the Linux 2.0 era: a free the allocator refuses prints 2.0's {@code kfree of non-kmalloced
     * memory} line with the page descriptor's {@code next} and {@code order} words read from the start of
     * the pointer's page, then stops or carries on ({@link Linux20Misuse}).
     */
    private void kfree20(long addr) {
        try {
            kfreeRaw(addr);
        } catch (KernelBug refused) {
            long page = machine.pa(Linux20Misuse.pageOf(addr));
            long next = machine.memory().readInt(page) & 0xffff_ffffL;
            long order = machine.memory().readInt(page + Linux20Misuse.orderOffset());
            linux20.badKfree(addr, next, order, refused);
        }
    }

    /**
     * kfree without the debug wrapper, of an address above ZERO_SIZE_PTR. The common case is served here
     * (see the class comment); a class of at least 0 alone says "a kmalloc slab frame"
     * ({@link FrameTable#classOf}). Everything else goes to {@link #kfreeSlowly}.
     */
    void kfreeRaw(long addr) {
        long phys = addr - pageOffset;
        if (Long.compareUnsigned(phys, ramBytes) < 0 & (addr & FrameTable.GRANULE_MASK) == 0) {
            long pfn = phys >>> MachineProfile.PAGE_SHIFT;
            int sizeClass = frames.classOf(pfn);
            if (sizeClass >= 0 && small.freeCached(cpuCaches.current(), addr, pfn, sizeClass)) {
                return;
            }
        }
        kfreeSlowly(addr);
    }

    /** The complete kfree: every kind of frame, every misuse; also the fast path's fallback. */
    void kfreeSlowly(long addr) {
        long pfn = addresses.pfnOf(addr, "kfree");
        CpuCache cache = cpuCaches.current();
        byte tag = frames.tag(pfn);
        if (tag == FrameTable.SLAB) {
            small.free(cache, addr, pfn);
        } else if (tag == FrameTable.LARGE_HEAD && (addr & PAGE_MASK) == 0) {
            int order = frames.order(pfn);
            if (!frames.compareAndSetTag(pfn, FrameTable.LARGE_HEAD, FrameTable.FREE)) {
                throw FreeReports.freedAlready(addr, pfn);
            }
            pagePath.free(cache, pfn, order);
        } else {
            throw FreeReports.notKmalloced(frames, pageOffset, addr, pfn, tag, "kfree");
        }
    }

    /**
     * The check of {@code kfree_s(addr, size)} with debugging off, of an address above ZERO_SIZE_PTR and a
     * size above 0: {@code size} must belong to the allocation's size class, or for a large allocation
     * give its order.
     *
     * @throws InvalidFreeBug when the size does not fit the allocation
     */
    void checkFreeSize(long addr, long size) {
        long pfn = addresses.pfnOf(addr, "kfree_s");
        long usable = ksizeRaw(addr);
        if (frames.tag(pfn) == FrameTable.SLAB) {
            int sizeClass = frames.classOf(pfn);
            boolean fits = sizeClass >= 0
                    ? small.classes().classFor(size, small.classes().isDma(sizeClass)) == sizeClass
                    : size <= usable;
            if (!fits) {
                throw InvalidFreeBug.wrongSize(small.cacheName(pfn), addr, size, usable);
            }
        } else if (size <= smallLimit || Sizes.orderForBytes(size, MachineProfile.PAGE_SHIFT) != frames.order(pfn)) {
            throw InvalidFreeBug.wrongSize("kmalloc-large (order " + frames.order(pfn) + ")", addr, size, usable);
        }
    }

    /** ksize without the debug wrapper, of an address above ZERO_SIZE_PTR. */
    long ksizeRaw(long addr) {
        long pfn = addresses.pfnOf(addr, "ksize");
        byte tag = frames.tag(pfn);
        if (tag == FrameTable.SLAB) {
            return small.usableSize(addr, pfn);
        }
        if (tag == FrameTable.LARGE_HEAD && (addr & PAGE_MASK) == 0) {
            return MachineProfile.PAGE_SIZE << frames.order(pfn);
        }
        throw FreeReports.notKmalloced(frames, pageOffset, addr, pfn, tag, "ksize");
    }

    /** Returns the kmalloc cache of the live slot at {@code slot}, for debug reports. */
    String cacheNameOf(long slot) {
        long pfn = addresses.pfnOf(slot, "ksize");
        byte tag = frames.tag(pfn);
        return tag == FrameTable.SLAB ? small.cacheName(pfn)
                : tag == FrameTable.KMEM_CACHE ? kmemCaches.cacheNameOfFrame(pfn) : "kmalloc-large";
    }
}
