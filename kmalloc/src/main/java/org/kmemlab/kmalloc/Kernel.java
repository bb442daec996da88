package org.kmemlab.kmalloc;

import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.ObjectConstructor;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * A running kernel memory system: the installed page, object and zone allocators assembled into the
 * API kernel code calls, {@code kmalloc} and friends, on a simulated {@link Machine}.
 *
 * <pre>{@code
 * Kernel kernel = Kernel.builder().profile(MachineProfile.I386_LINUX_2_0).boot();
 * long p = kernel.kmalloc(100, Gfp.GFP_KERNEL);
 * if (p == Kernel.NULL) {
 *     return -ENOMEM;                     // every allocation can fail: check it
 * }
 * kernel.writeInt(p, 42);
 * kernel.kfree(p);
 * }</pre>
 *
 * <h2>Boot</h2>
 * {@link KernelBuilder#boot()} boots the machine (boot memory reserves the kernel image and
 * {@code mem_map}), creates the zone allocator through the chosen provider (it retires boot memory and
 * frees every other frame into page allocators made by the page provider), then the object allocator with
 * a page source over the zone allocator, learns its size classes, declared or probed
 * ({@link InstalledSizeClasses}), and registers the page cache and the per-thread caches as shrinkers.
 *
 * <h2>Where a request goes</h2>
 * <ul>
 *   <li>{@code kmalloc(0)} returns {@link #ZERO_SIZE_PTR} (on the Linux 2.0 era a real 32-byte block, as
 *       2.0 gave); a size above the era's maximum returns {@link #NULL} and logs a warning.</li>
 *   <li>Up to the object allocator's {@code maxSize()}: a per-thread magazine of that size class, refilled
 *       from the object allocator ({@code GFP_DMA} requests use the DMA classes).</li>
 *   <li>Larger: {@code 2^order} pages ({@code kmalloc_large}), {@code order = get_order(size)}.</li>
 * </ul>
 * {@code kfree} finds the owner of an address through a per-frame table ({@link FrameTable}): a slab
 * page goes back to the object allocator, the head of a large allocation back to the page allocator,
 * anything else is a {@link org.kmemlab.api.bug.KernelBug}. Every allocation whose gfp may sleep calls
 * {@code might_sleep()} first, so {@code GFP_KERNEL} in atomic context is reported even when memory is
 * plentiful.
 *
 * <h2>The Linux 2.0 era's messages</h2>
 * On the Linux 2.0 era a refused kfree, a sleeping kmalloc or {@code __get_free_pages} in an interrupt
 * handler, a failed kmalloc and a {@code free_pages} of a reserved page print what 2.0 printed (or, for
 * the reserved page, nothing), then stop with a {@code KernelBug} or carry on as 2.0 did
 * ({@link Linux20Misuse}, setting {@code kmemlab.misuse}); {@code kfree_s} ignores its size, as 2.0's did.
 *
 * <h2>vmalloc, mempool, fault injection, debugging</h2>
 * {@link #vmalloc(long)} maps single pages through simulated page tables ({@link Vmalloc},
 * {@link PageTables}); the memory methods ({@link #readInt}, {@link #write}, …) take vmalloc addresses too
 * and walk the tables ({@link Mmu}). {@link #mempoolCreate} keeps a reserve ({@link Mempool}).
 * {@link #faultInjection()} makes allocations fail on purpose ({@link FaultInjection}). A kernel booted
 * with {@link KernelBuilder#debug(String)} checks red zones and poison and tracks call sites
 * ({@link SlabDebug}, {@link #validateSlabs()}, {@link #leakReport(long...)}); without it kmalloc and kfree
 * test one field and go on. {@code kmalloc/DEBUGGING.md} walks through all of it.
 *
 * <h2>Concurrency</h2>
 * A kernel is safe for concurrent use. The object allocator is called under one lock, the zone
 * allocator is thread-safe by contract, and per-thread magazines and page lists keep the common path off
 * both ({@link CpuCache}). Objects in magazines count as active in {@code /proc/slabinfo}, as SLUB's
 * per-cpu objects do; {@link #drainCpuCaches()} gives them back.
 *
 * <h2>Where the code is</h2>
 * This class is the facade: each public method checks what belongs to the API (NULL, the debug
 * wrapper) and hands the work to one subsystem, in the order of the sections below.
 * <ul>
 *   <li>boot: the constructor makes the subsystems in boot order; {@link KernelBoot} holds what the
 *       builder passes and boot's small decisions (reserved frames, magazine sizes, the banner).</li>
 *   <li>kmalloc, kfree, ksize: {@link KmallocPath}, over the size classes' magazines ({@link SmallObjects})
 *       and the page path for large requests; krealloc, on top of them: {@link Krealloc}.</li>
 *   <li>pages: {@link GetFreePages} ({@code __get_free_pages}, {@code free_pages} and their checks), over
 *       {@link PagePath} (per-thread page lists, then the zone allocator).</li>
 *   <li>named caches: {@link KmemCaches}; the {@link org.kmemlab.api.SlabCaches} view is
 *       {@link SlabCachesView}.</li>
 *   <li>vmalloc, mempool, fault injection: {@link Vmalloc}, {@link Mempool}, {@link FaultInjection}.</li>
 *   <li>debugging and misuse: {@link SlabDebug} (with {@link RedZonesAndPoison}), {@link KernelDebug},
 *       {@link LeakReport}; the frame owner in a report from {@link FreeReports}; Linux 2.0's messages
 *       from {@link Linux20Misuse}.</li>
 *   <li>per-thread caches: {@link CpuCacheDrain} (which cache a thread uses, draining them).</li>
 *   <li>memory by kernel address: {@link KernelAddresses} (the direct map, or the vmalloc area's page
 *       tables through {@link Mmu}).</li>
 *   <li>reports: {@link ProcFiles} ({@code /proc} files as the era had them), {@link KernelReports}.</li>
 * </ul>
 */
public final class Kernel implements KernelMemory {

    /** The first line of a report that Linux 2.0 did not have, shown on the 2.0 era by {@link #kmemlabView}. */
    public static final String KMEMLAB_VIEW_LABEL = "# kmemlab's view, not a Linux 2.0 file: ";

    private final Machine machine;
    private final Era era;
    private final KernelBoot.Parts parts;
    private final ZoneAllocator zones;
    private final FrameTable frames;
    private final SmallObjects small;
    private final CpuCacheDrain cpuCaches;
    private final PageCache pageCache;
    private final FaultInjection faults;
    private final Vmalloc vmalloc;
    private final KernelAddresses addresses;
    /** Null unless the era is Linux 2.0: what 2.0 printed for misuse and failure, and what follows. */
    private final Linux20Misuse linux20;
    /** Null unless debugging is on: kmalloc's only test of it. */
    private final SlabDebug debug;
    private final KmemCaches kmemCaches;
    private final KmallocPath kmallocPath;
    private final GetFreePages getFreePages;
    private final ProcFiles procFiles;

    private Kernel(KernelBoot.Parts parts, KernelBoot.Debugging debugging) {
        this.parts = parts;
        this.era = parts.era();
        this.machine = parts.bareMachine() != null ? parts.bareMachine() : Machine.boot(parts.profile(), parts.ram());
        this.frames = KernelBoot.frameTable(machine);
        this.zones = parts.zones().create(new ZoneAllocatorConfig(machine, parts.pages(), era, parts.maxWait(),
                parts.minFreeKbytes()));
        AllocatorShards shards = new AllocatorShards(machine, zones, frames, era, parts.objects(),
                AllocatorShards.countFor(parts.cpuCaches()));
        InstalledSizeClasses classes = InstalledSizeClasses.of(shards.get(0).objects(), parts.objects().name());
        int[] capacity = KernelBoot.magazineCapacities(classes, parts.cpuCaches());
        this.small = new SmallObjects(machine, shards, zones, frames, classes, capacity);
        int high = parts.cpuCaches() ? KernelBoot.pcpHigh(machine.frames()) : 0;
        this.faults = new FaultInjection(machine.dmesg());
        PagePath pagePath = new PagePath(machine, zones, frames, high, faults);
        this.cpuCaches = new CpuCacheDrain(small, pagePath, capacity, high);
        this.pageCache = new PageCache(zones, frames);
        zones.registerShrinker(pageCache.shrinker());
        zones.registerShrinker(new CacheShrinker(this));
        this.linux20 = era == Era.LINUX_2_0
                ? new Linux20Misuse(machine, KernelBoot.carryOn(parts.settings()), System::nanoTime) : null;
        this.vmalloc = new Vmalloc(machine, pagePath, linux20);
        PageFaults pageFaults = new PageFaults(machine, vmalloc.tables(), era);
        this.addresses = new KernelAddresses(machine, vmalloc, new Mmu(vmalloc, machine.memory(), pageFaults),
                pageFaults);
        this.debug = debugging.slabDebug().isEmpty() ? null : new SlabDebug(this, debugging.slabDebug());
        if (debug != null) {
            zones.registerShrinker(KernelDebug.quarantineShrinker(this, debug));
            machine.dmesg().info("slab_debug=" + debug.letters() + ": allocation debugging is on");
        }
        int cacheDebug = KernelBoot.cacheDebugFlags(debugging.slabDebug());
        this.kmemCaches = new KmemCaches(machine, era, zones, frames, faults, parts.slabs(), cacheDebug,
                parts.cpuCaches(), small::cacheName);
        this.kmallocPath = new KmallocPath(machine, era, frames, small, pagePath, faults, kmemCaches, addresses,
                cpuCaches, linux20);
        this.getFreePages = new GetFreePages(machine, era, frames, pagePath, cpuCaches, addresses, linux20, debug);
        this.procFiles = new ProcFiles(machine, era, zones, small, kmemCaches, vmalloc, pageCache);
        faults.failslab(debugging.failslab());
        faults.failPageAlloc(debugging.failPageAlloc());
        machine.dmesg().info(KernelBoot.banner(parts, era, classes));
    }

    /** Returns a builder; see {@link KernelBuilder} for the settings and where they come from. */
    public static KernelBuilder builder() {
        return new KernelBuilder();
    }

    /** Boots a kernel with the settings from system properties, {@code kmemlab.properties} and defaults. */
    public static Kernel boot() {
        return builder().boot();
    }

    /** Makes the subsystems from {@code parts} in boot order; see {@link KernelBuilder#boot()}. */
    static Kernel assemble(KernelBoot.Parts parts, KernelBoot.Debugging debugging) {
        return new Kernel(parts, debugging);
    }

    // ---------------------------------------------------------------- what it is

    @Override
    public Machine machine() {
        return machine;
    }

    /** Returns the kmalloc era: size classes, the largest kmalloc and the highest order. */
    public Era era() {
        return era;
    }

    /** Returns the largest request kmalloc serves: 131048 bytes for Linux 2.0, 4 MiB today. */
    @Override
    public long maxKmallocSize() {
        return era.maxKmallocSize();
    }

    /**
     * Returns who owns page frame {@code pfn} now (the flags of its {@code struct page}): free, boot
     * memory, a slab page, a large kmalloc, a get_free_pages block, the page cache, vmalloc, page tables.
     * Memory maps read this instead of watching the providers.
     *
     * @throws IllegalArgumentException when {@code pfn} is not a frame of this machine's RAM
     */
    public FrameOwner frameOwner(long pfn) {
        Checks.requireArgument(pfn >= 0 && pfn < machine.frames(), "pfn %d is not a frame of RAM (0..%d)", pfn,
                machine.frames() - 1);
        return FrameOwner.ofTag(frames.tag(pfn));
    }

    /** Returns the simulated page cache. */
    public PageCache pageCache() {
        return pageCache;
    }

    /** Returns the chosen providers and settings, one per line, with where each came from. */
    public String configuration() {
        return KernelSettings.describe(parts.settings(), parts.profile().name(), Sizes.human(parts.ram()), era.name(),
                parts.maxWait().toMillis() + "ms");
    }

    // ---------------------------------------------------------------- kmalloc

    /**
     * Allocates {@code size} bytes ({@code kmalloc}).
     *
     * @param size 0 .. {@link #maxKmallocSize()}; larger returns NULL with a warning
     * @param gfp the flags: {@code GFP_KERNEL} may sleep, {@code GFP_ATOMIC} never does, {@code GFP_DMA}
     *            gives memory below 16 MiB, {@code __GFP_ZERO} zeroes it
     * @return the address, {@link #ZERO_SIZE_PTR} for size 0 (on the Linux 2.0 era a 32-byte block), or
     *         {@link #NULL}
     * @throws org.kmemlab.api.bug.SleepInAtomicBug for a gfp that may sleep in atomic context
     * @throws IllegalArgumentException for a negative size
     */
    @Override
    public long kmalloc(long size, int gfp) {
        return debug == null ? kmallocRaw(size, gfp) : debug.kmalloc(size, gfp);
    }

    /** kmalloc without the debug wrapper; failslab applies to the object path. */
    long kmallocRaw(long size, int gfp) {
        return kmallocPath.kmallocRaw(size, gfp);
    }

    /** Allocates zeroed memory ({@code kzalloc}). */
    public long kzalloc(long size, int gfp) {
        return kmalloc(size, gfp | Gfp.__GFP_ZERO);
    }

    /**
     * Allocates a zeroed array of {@code n} elements of {@code size} bytes ({@code kcalloc}).
     *
     * @return the address, or {@link #NULL} when {@code n * size} overflows or memory is short
     */
    public long kcalloc(long n, long size, int gfp) {
        Checks.requireArgument(n >= 0 && size >= 0, "kcalloc(%d, %d) has a negative argument", n, size);
        if (size != 0 && n > Long.MAX_VALUE / size) {
            return NULL;
        }
        return kmalloc(n * size, gfp | Gfp.__GFP_ZERO);
    }

    /**
     * Resizes an allocation ({@code krealloc}): {@code NULL} (or ZERO_SIZE_PTR) behaves as kmalloc, size 0
     * frees and returns {@link #ZERO_SIZE_PTR}, a size the block already holds returns the same address,
     * anything else allocates, copies and frees. The contents are kept up to the smaller size.
     *
     * @return the new address, or {@link #NULL} when memory is short, in which case {@code addr} is
     *         still valid and unchanged
     */
    public long krealloc(long addr, long newSize, int gfp) {
        return Krealloc.krealloc(this, addr, newSize, gfp);
    }

    /**
     * Frees memory from kmalloc; {@link #NULL} and {@link #ZERO_SIZE_PTR} are ignored, on both eras, as
     * {@code [kernel.kfree-null]} demands. (Linux 2.0 had no ZERO_SIZE_PTR, {@code kmalloc(0)} returning a
     * real block, so its {@code kfree(16)} looked for a page descriptor in page 0 and printed
     * {@code kfree of non-kmalloced memory}; kmemlab keeps the SPI's rule instead, a deliberate difference.)
     *
     * @throws org.kmemlab.api.bug.KernelBug for an address kmalloc did not return or that is already
     *         free, with nothing changed
     */
    @Override
    public void kfree(long addr) {
        if (Long.compareUnsigned(addr, ZERO_SIZE_PTR) <= 0) {
            return;
        }
        if (debug != null) {
            debug.kfree(addr);
            return;
        }
        kmallocPath.kfree(addr);
    }

    /** kfree without the debug wrapper, of an address above ZERO_SIZE_PTR. */
    void kfreeRaw(long addr) {
        kmallocPath.kfreeRaw(addr);
    }

    /**
     * The old {@code kfree_s(addr, size)}: frees {@code addr} after checking that {@code size} belongs to
     * the allocation's size class (size 0 means "unknown", as in Linux 1.2). On the Linux 2.0 era the size
     * is ignored, as 2.0's {@code #define kfree_s(a,b) kfree(a)} ({@code include/linux/malloc.h}) ignored it.
     *
     * @throws InvalidFreeBug when the size does not fit the allocation, with nothing freed
     */
    public void kfree(long addr, long size) {
        Checks.requireArgument(size >= 0, "kfree_s size %d is negative", size);
        if (size == 0 || linux20 != null || Long.compareUnsigned(addr, ZERO_SIZE_PTR) <= 0) {
            kfree(addr);
            return;
        }
        if (debug != null) {
            debug.kfree(addr, size);
            return;
        }
        kmallocPath.checkFreeSize(addr, size);
        kfree(addr);
    }

    /**
     * Returns the usable size of a live kmalloc allocation ({@code ksize}): its class size, or whole
     * pages for a large one; 0 for {@link #NULL} and {@link #ZERO_SIZE_PTR}.
     *
     * @throws org.kmemlab.api.bug.KernelBug for any other address
     */
    @Override
    public long ksize(long addr) {
        if (Long.compareUnsigned(addr, ZERO_SIZE_PTR) <= 0) {
            return 0;
        }
        return debug == null ? ksizeRaw(addr) : debug.ksize(addr);
    }

    /** ksize without the debug wrapper, of an address above ZERO_SIZE_PTR. */
    long ksizeRaw(long addr) {
        return kmallocPath.ksizeRaw(addr);
    }

    // ---------------------------------------------------------------- pages

    /**
     * Allocates {@code 2^order} contiguous pages ({@code __get_free_pages}).
     *
     * @return the direct-map address of the first page, or {@link #NULL}; an order above the era's
     *         highest also returns NULL, with a warning
     */
    @Override
    public long getFreePages(int gfp, int order) {
        return getFreePages.getFreePages(gfp, order);
    }

    /** Allocates one zeroed page ({@code get_zeroed_page}); returns its address or {@link #NULL}. */
    public long getZeroedPage(int gfp) {
        return getFreePages(gfp | Gfp.__GFP_ZERO, 0);
    }

    /**
     * Allocates {@code 2^order} contiguous pages and returns the first frame number ({@code alloc_pages},
     * which returns a {@code struct page}).
     *
     * @return the first pfn, or {@link PageAllocator#NO_PAGE}
     */
    public long allocPages(int gfp, int order) {
        return getFreePages.allocPages(gfp, order);
    }

    /**
     * Frees pages from {@link #getFreePages} with the order they were allocated with ({@code free_pages});
     * {@link #NULL} is ignored.
     *
     * @throws BadPageStateBug for a block that is not live, or a wrong order
     */
    @Override
    public void freePages(long addr, int order) {
        if (addr == NULL) {
            return;
        }
        getFreePages.freePages(addr, order);
    }

    /**
     * Frees a block from {@link #allocPages} by its first frame ({@code __free_pages}).
     *
     * @throws BadPageStateBug for a block that is not live, or a wrong order
     */
    public void freePagesPfn(long pfn, int order) {
        getFreePages.freePagesPfn(pfn, order);
    }

    // ---------------------------------------------------------------- named slab caches

    /**
     * Creates a named cache of objects of one type ({@code kmem_cache_create}), served by the installed
     * slab cache provider ({@code kmemlab.slabs}, default {@code slab-reference}); see {@link KmemCaches}.
     *
     * <pre>{@code
     * KmemCache dentries = kernel.kmemCacheCreate("dentry", 192, 0, SlabFlags.SLAB_HWCACHE_ALIGN,
     *         d -> kernel.writeLong(d, d));           // constructor: runs once per object, not per alloc
     * long d = kernel.kmemCacheAlloc(dentries, GFP_KERNEL);
     * if (d == Kernel.NULL) {
     *     return -ENOMEM;
     * }
     * kernel.kmemCacheFree(dentries, d);              // leave it constructed: the next user gets it so
     * }</pre>
     *
     * @param name the cache's name in {@code /proc/slabinfo}: one word, unique, not a kmalloc cache's
     * @param size the object size, 1..{@link SlabCacheConfig#MAX_OBJECT_SIZE}
     * @param align 0 or a power of two up to a page
     * @param flags {@link SlabFlags} bits; {@code slab_debug=P} and {@code Z} add POISON and RED_ZONE
     * @param ctor the constructor, or null
     * @return the cache
     * @throws UnsupportedOperationException in the Linux 2.0 era, which had no named caches
     * @throws IllegalArgumentException for a bad argument or a name in use, naming it
     * @throws org.kmemlab.api.spi.ProviderLookupException when no slab cache provider of that name is installed
     */
    public KmemCache kmemCacheCreate(String name, long size, int align, int flags, ObjectConstructor ctor) {
        return kmemCaches.create(name, size, align, flags, ctor);
    }

    /**
     * Allocates an object from {@code cache} ({@code kmem_cache_alloc}); it is constructed, and holds
     * what its last user left in it. {@code __GFP_ZERO} zeroes it (undoing the constructor).
     *
     * @return the object's address, or {@link #NULL}
     * @throws org.kmemlab.api.bug.SleepInAtomicBug for a gfp that may sleep in atomic context
     * @throws org.kmemlab.api.bug.SlabCacheBug when the cache was destroyed
     */
    public long kmemCacheAlloc(KmemCache cache, int gfp) {
        machine.context().mightSleep(gfp, "kmem_cache_alloc");
        return kmemCaches.alloc(cache, gfp);
    }

    /**
     * Frees an object into the cache it came from ({@code kmem_cache_free}); {@link #NULL} is ignored.
     *
     * @throws org.kmemlab.api.bug.KernelBug for an object of another cache ({@code Wrong slab cache}), an
     *         address in no slab of the cache, a pointer into an object, or a second free
     */
    public void kmemCacheFree(KmemCache cache, long addr) {
        if (addr == NULL) {
            return;
        }
        kmemCaches.free(cache, addr);
    }

    /**
     * Gives the empty slabs of {@code cache} back ({@code kmem_cache_shrink}), after emptying the calling
     * thread's magazine and those of finished threads.
     *
     * @return the pages given back
     */
    public long kmemCacheShrink(KmemCache cache) {
        return kmemCaches.shrink(cache);
    }

    /**
     * Destroys {@code cache} ({@code kmem_cache_destroy}); {@code null} is ignored.
     *
     * @throws org.kmemlab.api.bug.SlabCacheBug {@code kmem_cache_destroy NAME: Slab cache still has
     *         objects} while objects are allocated, with the cache unchanged
     */
    public void kmemCacheDestroy(KmemCache cache) {
        if (cache != null) {
            kmemCaches.destroy(cache);
        }
    }

    /**
     * Returns the named caches as the {@link org.kmemlab.api.SlabCaches} interface (for contracts and
     * callers that see only {@link KernelMemory}), or null in the Linux 2.0 era.
     */
    @Override
    public org.kmemlab.api.SlabCaches slabCaches() {
        return era == Era.LINUX_2_0 ? null : new SlabCachesView(this);
    }

    // ---------------------------------------------------------------- vmalloc, mempool, debugging

    /**
     * Allocates {@code size} bytes of virtually contiguous memory with {@code GFP_KERNEL}
     * ({@code vmalloc}): whole pages, each from anywhere in RAM, mapped side by side in the vmalloc area
     * with a guard page after the area ({@link Vmalloc}). Works when memory is too fragmented for a
     * kmalloc of the same size. Read and write it with this kernel's memory methods, which walk the page
     * tables; the memory has no direct-map address.
     *
     * @return the page-aligned address, or {@link #NULL} (size 0 or larger than RAM, address space or
     *         pages or page tables short), with nothing left allocated
     * @throws org.kmemlab.api.bug.SleepInAtomicBug in atomic context
     */
    public long vmalloc(long size) {
        return vmalloc(size, Gfp.GFP_KERNEL);
    }

    /** Allocates zeroed virtually contiguous memory ({@code vzalloc}); see {@link #vmalloc(long)}. */
    public long vzalloc(long size) {
        return vmalloc(size, Gfp.GFP_KERNEL | Gfp.__GFP_ZERO);
    }

    /**
     * {@code __vmalloc(size, gfp)}: {@link #vmalloc(long)} with the caller's flags for the pages and
     * page tables ({@code __GFP_ZERO} zeroes, {@code __GFP_NOWARN} silences the failure message).
     */
    public long vmalloc(long size, int gfp) {
        if (linux20 != null) {
            // 2.0's vmalloc starts with get_vm_area's kmalloc(sizeof(*area), GFP_KERNEL) (mm/vmalloc.c), so
            // in an interrupt handler it got kmalloc's "called nonatomically" report and went on atomically
            gfp = linux20.nonatomicFromInterrupt(gfp, "kmalloc");
        }
        machine.context().mightSleep(gfp, "vmalloc");
        return vmalloc.vmalloc(size, gfp, CallSite.capture(8));
    }

    /**
     * Frees a vmalloc area ({@code vfree}); {@link #NULL} is ignored.
     *
     * @throws InvalidFreeBug for an address that is not the start of a live area
     *         ({@code Trying to vfree() nonexistent vm area}), with nothing changed; on the Linux 2.0 era
     *         2.0's line is logged first, and with {@code kmemlab.misuse=carry-on} vfree returns as 2.0's did
     */
    public void vfree(long addr) {
        vmalloc.vfree(addr);
    }

    /** Returns {@code /proc/vmallocinfo}: one line per area, {@code 0xstart-0xend size caller pages=n vmalloc}. */
    public String procVmallocinfo() {
        return procFiles.vmallocinfo();
    }

    /**
     * Creates a memory pool of at least {@code minNr} elements from {@code alloc} and {@code free}
     * ({@code mempool_create}); see {@link Mempool}.
     *
     * @return the pool, or null when its reserve cannot be allocated
     */
    public Mempool mempoolCreate(int minNr, Mempool.Alloc alloc, Mempool.Free free) {
        return Mempool.create(machine.context(), minNr, alloc, free);
    }

    /** Creates a pool of kmalloc objects of {@code size} bytes ({@code mempool_create_kmalloc_pool}). */
    public Mempool mempoolCreateKmallocPool(int minNr, long size) {
        return Mempool.kmallocPool(this, minNr, size);
    }

    /** Creates a pool of blocks of {@code 2^order} pages ({@code mempool_create_page_pool}). */
    public Mempool mempoolCreatePagePool(int minNr, int order) {
        return Mempool.pagePool(this, minNr, order);
    }

    /** {@code mempool_alloc}: see {@link Mempool#alloc(int)}. */
    public long mempoolAlloc(Mempool pool, int gfp) {
        return Checks.requireNonNull(pool, "mempool").alloc(gfp);
    }

    /** {@code mempool_free}: see {@link Mempool#free(long)}. */
    public void mempoolFree(long element, Mempool pool) {
        Checks.requireNonNull(pool, "mempool").free(element);
    }

    /** {@code mempool_destroy}: see {@link Mempool#destroy()}; a null pool is ignored. */
    public void mempoolDestroy(Mempool pool) {
        if (pool != null) {
            pool.destroy();
        }
    }

    /** Returns the fault injectors ({@code failslab}, {@code fail_page_alloc}), to set at run time. */
    public FaultInjection faultInjection() {
        return faults;
    }

    /** Returns the {@code slab_debug} options on ({@code "FZPU"}), or {@code ""} when debugging is off. */
    public String slabDebug() {
        return debug == null ? "" : debug.letters();
    }

    /**
     * Checks every live kmalloc object's red zones and every freed object's poison now (SLUB's
     * {@code validate}), repairing and logging what it finds; see {@link SlabDebug}.
     *
     * @return the reports found, empty when all is well or debugging is off
     */
    public List<org.kmemlab.api.bug.CorruptionBug> validateSlabs() {
        return debug == null ? List.of() : debug.validate();
    }

    /**
     * Returns a kmemleak-style report of live kmalloc objects and vmalloc areas that no pointer reaches
     * from {@code roots}, the addresses the caller still holds ({@link LeakReport}); empty when none.
     *
     * @throws IllegalStateException when debugging is off (nothing tracks the objects)
     */
    public String leakReport(long... roots) {
        Checks.requireState(debug != null, "kmemleak needs allocation tracking: boot with"
                + " Kernel.builder().debug(...), e.g. debug(\"U\") to record call sites too");
        return new LeakReport(this, debug, vmalloc.areas()).scan(roots.clone());
    }

    /** Returns the kmalloc cache of the live slot at {@code slot}, for debug reports. */
    String cacheNameOf(long slot) {
        return kmallocPath.cacheNameOf(slot);
    }

    // ---------------------------------------------------------------- per-thread caches

    /**
     * Gives back what per-thread caches hold: the calling thread's magazines and page lists and those of
     * threads that have finished, at once; every other live thread's at its next kmalloc or kfree (as
     * {@code drain_all_pages} asks each CPU). Then returns empty slab pages to the zone allocator.
     *
     * @return the pages given back to the zone allocator
     */
    public long drainCpuCaches() {
        if (debug != null) {
            KernelDebug.flushQuietly(debug);
        }
        return cpuCaches.drainAll();
    }

    /** Returns true when the calling thread is inside a call to the object allocator. */
    boolean insideObjectAllocator() {
        return small.insideObjectAllocator();
    }

    /** Returns the number of threads whose caches are registered. */
    int cachedThreads() {
        return cpuCaches.threads();
    }

    /** Returns the pages the object allocator holds. */
    long slabPages() {
        return small.slabPages();
    }

    /** Returns the pages parked in per-thread page lists (an estimate while other threads run). */
    long parkedPages() {
        return cpuCaches.parkedPages();
    }

    // ---------------------------------------------------------------- memory by kernel address

    /** Returns the simulated page tables of the vmalloc area (for the page-fault report's tests). */
    PageTables pageTables() {
        return vmalloc.tables();
    }

    @Override
    public byte readByte(long addr) {
        return addresses.readByte(addr);
    }

    @Override
    public void writeByte(long addr, byte value) {
        addresses.writeByte(addr, value);
    }

    /** Reads a little-endian 32-bit value at kernel address {@code addr}. */
    public int readInt(long addr) {
        return addresses.readInt(addr);
    }

    /** Writes a little-endian 32-bit value at kernel address {@code addr}. */
    public void writeInt(long addr, int value) {
        addresses.writeInt(addr, value);
    }

    /** Reads a little-endian 64-bit value at kernel address {@code addr}. */
    public long readLong(long addr) {
        return addresses.readLong(addr);
    }

    /** Writes a little-endian 64-bit value at kernel address {@code addr}. */
    public void writeLong(long addr, long value) {
        addresses.writeLong(addr, value);
    }

    @Override
    public void read(long addr, byte[] target, int offset, int length) {
        addresses.read(addr, target, offset, length);
    }

    @Override
    public void write(long addr, byte[] source, int offset, int length) {
        addresses.write(addr, source, offset, length);
    }

    @Override
    public void fill(long addr, long length, byte value) {
        addresses.fill(addr, length, value);
    }

    /** Copies {@code length} bytes from kernel address {@code src} to {@code dst} ({@code memmove}). */
    public void copy(long src, long dst, long length) {
        addresses.copy(src, dst, length);
    }

    // ---------------------------------------------------------------- reports

    @Override
    public MemInfo meminfo() {
        return procFiles.meminfo();
    }

    /** {@inheritDoc} Objects waiting in per-thread magazines count as active. */
    @Override
    public List<SlabInfo> slabinfo() {
        return procFiles.slabinfo();
    }

    @Override
    public List<ZoneStats> zoneinfo() {
        return zones.zoneinfo();
    }

    /** Returns {@code /proc/buddyinfo} as text. */
    public String procBuddyinfo() {
        return procFiles.buddyinfo();
    }

    /** Returns {@code /proc/slabinfo} as text. */
    public String procSlabinfo() {
        return procFiles.slabinfoText();
    }

    /** Returns {@code /proc/zoneinfo} as text. */
    public String procZoneinfo() {
        return procFiles.zoneinfo();
    }

    /**
     * Returns {@code /proc/meminfo} as text: today's {@code "%-16s%8lu kB"} lines, or on the Linux 2.0 era
     * 2.0's own file (a table in bytes, then seven kB lines; see {@link Linux20Proc}).
     */
    public String procMeminfo() {
        return procFiles.meminfoText();
    }

    /**
     * Returns what Linux 2.0's {@code show_free_areas()} printed on the console (SysRq-M, an OOM kill):
     * {@code Free pages:} and the free blocks of every order, summed over all zones as 2.0 kept one set of
     * lists. It was 2.0's only window on its free lists; either era may call it.
     */
    public String showFreeAreas() {
        return procFiles.showFreeAreas();
    }

    /**
     * Returns the file {@code path} ({@code /proc/meminfo}, {@code meminfo}, {@code buddyinfo}, …) as text,
     * as the era's kernel had it. Today's kernel has meminfo, buddyinfo, slabinfo, zoneinfo and
     * vmallocinfo; Linux 2.0 had only meminfo (the others are available, labelled, through
     * {@link #kmemlabView}).
     *
     * @throws IllegalArgumentException for another file, listing the ones there are
     */
    public String proc(String path) {
        return procFiles.proc(path);
    }

    /**
     * Returns kmemlab's report {@code name} ({@code buddyinfo}, {@code slabinfo}, {@code zoneinfo} or
     * {@code vmallocinfo}) in today's {@code /proc} layout. On the Linux 2.0 era, which had no such file,
     * the text starts with a line that says so ({@link #KMEMLAB_VIEW_LABEL}), so it is never mistaken for
     * what 2.0 showed; on today's era it is the {@code /proc} file itself.
     *
     * @throws IllegalArgumentException for another name, listing the ones there are
     */
    public String kmemlabView(String name) {
        return procFiles.kmemlabView(name);
    }

    /** Returns the kernel log with printk levels, one line each: {@code <4>[    0.001234] text}. */
    public String dmesg() {
        return KernelReports.dmesg(machine.dmesg());
    }

    /**
     * Checks the zone and object allocators' invariants ({@code checkInvariants} of both SPIs).
     *
     * @throws IllegalStateException describing the first broken one
     */
    public void checkInvariants() {
        zones.checkInvariants();
        small.checkInvariants();
        kmemCaches.checkInvariants();
    }

    @Override
    public String toString() {
        return "Kernel[" + machine + ", " + era + ", pages=" + parts.pages().name() + ", objects="
                + parts.objects().name() + ", zones=" + parts.zones().name() + "]";
    }
}
