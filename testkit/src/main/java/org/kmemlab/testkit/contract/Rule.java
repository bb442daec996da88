package org.kmemlab.testkit.contract;

import org.kmemlab.api.Checks;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * The rules of the SPIs, one constant per sentence of their Javadoc that says MUST, SHOULD or MAY, with
 * the id the Javadoc gives it in brackets ({@code [page.aligned]}) and the sentence itself.
 *
 * <p>Every check of a contract cites the rule it enforces: it fails with {@link #violation} of that rule,
 * so that a report names the rule and quotes the SPI. A SHOULD rule never fails a property; its check
 * reports a {@link #warning}. A MAY rule is a freedom the contracts must leave alone; correct alternates
 * in the testkit's zoo use it. {@code RuleTableTests} keeps this list equal to the SPI sources, and checks
 * that every rule has a check and a mutant that only that check kills (the table in testkit/README.md).
 */
public enum Rule {

    /** PageAllocator: page.in-range. */
    PAGE_IN_RANGE("page.in-range", "PageAllocator", Level.MUST,
            "allocate(int) MUST return the first pfn of a block of 2^order frames that all lie inside "
                + "the managed range."),
    /** PageAllocator: page.aligned. */
    PAGE_ALIGNED("page.aligned", "PageAllocator", Level.MUST,
            "The block MUST be naturally aligned: pfn % 2^order == 0 (absolute frame numbers, not "
                + "relative to startPfn)."),
    /** PageAllocator: page.no-overlap. */
    PAGE_NO_OVERLAP("page.no-overlap", "PageAllocator", Level.MUST,
            "allocate MUST NOT return a block that overlaps any live block: all its frames are free "
                + "before the call."),
    /** PageAllocator: page.refuse-when-full. */
    PAGE_REFUSE_WHEN_FULL("page.refuse-when-full", "PageAllocator", Level.MUST,
            "When no such block exists, allocate MUST return NO_PAGE and change nothing; running out "
                + "of memory is a normal result, never an exception."),
    /** PageAllocator: page.no-false-failure. */
    PAGE_NO_FALSE_FAILURE("page.no-false-failure", "PageAllocator", Level.MUST,
            "While a free block of at least the requested order exists, allocate MUST NOT return "
                + "NO_PAGE."),
    /** PageAllocator: page.bad-order. */
    PAGE_BAD_ORDER("page.bad-order", "PageAllocator", Level.MUST,
            "allocate with an order outside 0..maxOrder() MUST return NO_PAGE and change nothing (the "
                + "kernel refuses such orders the same way)."),
    /** PageAllocator: page.free-live. */
    PAGE_FREE_LIVE("page.free-live", "PageAllocator", Level.MUST,
            "free(long, int) MUST accept exactly the blocks that allocate returned, with the order "
                + "they were allocated with, once each."),
    /** PageAllocator: page.bad-free. */
    PAGE_BAD_FREE("page.bad-free", "PageAllocator", Level.MUST,
            "For anything else free MUST throw KernelBug (normally a BadPageStateBug) and leave its "
                + "state unchanged: a pfn outside the range, a pfn not aligned to the order, an order "
                + "outside 0..maxOrder(), a block that is (even partly) free already, a pfn inside a live "
                + "block that is not the block's first frame, or an order other than the allocated one."),
    /** PageAllocator: page.coalesce. */
    PAGE_COALESCE("page.coalesce", "PageAllocator", Level.MUST,
            "Free buddies MUST coalesce, and at once: after every call no two free buddies of equal "
                + "order below maxOrder() lie side by side unmerged, so once every block is freed, "
                + "freeBlocks(int) reports exactly the initial layout again, for every order."),
    /** PageAllocator: page.accounting. */
    PAGE_ACCOUNTING("page.accounting", "PageAllocator", Level.MUST,
            "freeFrames() and freeBlocks(int) MUST be exact at all times: the number of free frames, "
                + "and the number of free blocks of each order (the /proc/buddyinfo row)."),
    /** PageAllocator: page.initial-layout. */
    PAGE_INITIAL_LAYOUT("page.initial-layout", "PageAllocator", Level.SHOULD,
            "The initial free blocks SHOULD be the largest naturally aligned blocks that fit the "
                + "range (a buddy allocator's natural layout); the contract checks only that they are "
                + "consistent."),
    /** PageAllocator: page.any-block. */
    PAGE_ANY_BLOCK("page.any-block", "PageAllocator", Level.MAY,
            "An implementation MAY return any suitable free block (lowest address, last freed, …), "
                + "and on the modern era any part of a larger block it splits; the contract never depends on "
                + "which."),
    /** PageAllocator: page.linux20-expand. */
    PAGE_LINUX20_EXPAND("page.linux20-expand", "PageAllocator", Level.MUST,
            "When the configured era (PageAllocatorConfig.era()) is LINUX_2_0, an allocate that splits a "
                + "larger free block MUST hand out the block's top 2^order frames and keep its lower part "
                + "free, as 2.0's EXPAND did (mm/page_alloc.c:161-172)."),
    /** PageAllocator: page.self-check. */
    PAGE_SELF_CHECK("page.self-check", "PageAllocator", Level.SHOULD,
            "checkInvariants() SHOULD check what the implementation can check about itself."),
    /** PageAllocator: page.self-check-sound. */
    PAGE_SELF_CHECK_SOUND("page.self-check-sound", "PageAllocator", Level.MUST,
            "It MUST throw only when one of the allocator's invariants is really broken."),
    /** PageAllocator: page.no-garbage. */
    PAGE_NO_GARBAGE("page.no-garbage", "PageAllocator", Level.SHOULD,
            "Implementations SHOULD NOT allocate Java objects in allocate and free."),
    /** ObjectAllocator: object.memory. */
    OBJECT_MEMORY("object.memory", "ObjectAllocator", Level.MUST,
            "allocate(long, int) MUST return the direct-map address of at least size usable bytes "
                + "inside a page the allocator holds from its page source; a request is never rounded down: "
                + "usableSize(p) >= size."),
    /** ObjectAllocator: object.no-overlap. */
    OBJECT_NO_OVERLAP("object.no-overlap", "ObjectAllocator", Level.MUST,
            "The object MUST overlap no other live object."),
    /** ObjectAllocator: object.aligned. */
    OBJECT_ALIGNED("object.aligned", "ObjectAllocator", Level.MUST,
            "It MUST be aligned to at least minimumAlignment(Era) bytes: 8 in the MODERN era, 4 (the "
                + "i386 word) in the LINUX_2_0 era, whose bucket sizes 252, 508 and 1020 put every second "
                + "object at 4 mod 8, as they did on i386 in 1996."),
    /** ObjectAllocator: object.natural-alignment. */
    OBJECT_NATURAL_ALIGNMENT("object.natural-alignment", "ObjectAllocator", Level.SHOULD,
            "Objects of a power-of-two class of at most a page SHOULD be naturally aligned (the "
                + "modern profile's caches are)."),
    /** ObjectAllocator: object.no-false-failure. */
    OBJECT_NO_FALSE_FAILURE("object.no-false-failure", "ObjectAllocator", Level.MUST,
            "For a size in 1..maxSize(), allocate MUST NOT return NULL unless its page source refused "
                + "a page during the call."),
    /** ObjectAllocator: object.refuse-when-source-fails. */
    OBJECT_REFUSE_WHEN_SOURCE_FAILS("object.refuse-when-source-fails", "ObjectAllocator", Level.MUST,
            "When the page source fails, allocate MUST return NULL and change nothing."),
    /** ObjectAllocator: object.bad-size. */
    OBJECT_BAD_SIZE("object.bad-size", "ObjectAllocator", Level.MUST,
            "A size of 0 or above maxSize() MUST return NULL; neither is an exception."),
    /** ObjectAllocator: object.dma. */
    OBJECT_DMA("object.dma", "ObjectAllocator", Level.MUST,
            "A request with __GFP_DMA MUST be served from pages obtained with __GFP_DMA (separate DMA "
                + "caches, like dma-kmalloc-*)."),
    /** ObjectAllocator: object.dma-only-when-asked. */
    OBJECT_DMA_ONLY_WHEN_ASKED("object.dma-only-when-asked", "ObjectAllocator", Level.SHOULD,
            "Other requests SHOULD NOT use DMA pages."),
    /** ObjectAllocator: object.zero. */
    OBJECT_ZERO("object.zero", "ObjectAllocator", Level.MUST,
            "__GFP_ZERO MUST return zeroed bytes; otherwise contents are unspecified."),
    /** ObjectAllocator: object.page-gfp. */
    OBJECT_PAGE_GFP("object.page-gfp", "ObjectAllocator", Level.MUST,
            "A page request that allocate(size, gfp) makes MUST NOT allow what gfp does not: it carries "
                + "__GFP_DIRECT_RECLAIM (may sleep), __GFP_HIGH (may use the reserves), __GFP_NOFAIL or "
                + "__GFP_MEMALLOC only when gfp does, so a GFP_ATOMIC kmalloc never sleeps for a page. Pass gfp on "
                + "without __GFP_ZERO; adding __GFP_NOWARN or __GFP_NORETRY is allowed."),
    /** ObjectAllocator: object.free-live. */
    OBJECT_FREE_LIVE("object.free-live", "ObjectAllocator", Level.MUST,
            "free(long) MUST accept exactly the live addresses allocate returned, once each."),
    /** ObjectAllocator: object.bad-free. */
    OBJECT_BAD_FREE("object.bad-free", "ObjectAllocator", Level.MUST,
            "free MUST throw KernelBug and change nothing for an address that is not in one of its "
                + "pages, not at the start of an object (bytes that belong to no object, such as page "
                + "descriptors, headers or the slack at the end of a page, included), or already free."),
    /** ObjectAllocator: object.usable-size. */
    OBJECT_USABLE_SIZE("object.usable-size", "ObjectAllocator", Level.MUST,
            "usableSize(long) of a live object MUST return at least the size asked for, the same "
                + "value for as long as the object lives."),
    /** ObjectAllocator: object.bad-usable-size. */
    OBJECT_BAD_USABLE_SIZE("object.bad-usable-size", "ObjectAllocator", Level.MUST,
            "usableSize MUST throw KernelBug and change nothing for an address that is not a live "
                + "object: a freed one, one inside an object, bytes that belong to no object, or one "
                + "outside its pages."),
    /** ObjectAllocator: object.shrink. */
    OBJECT_SHRINK("object.shrink", "ObjectAllocator", Level.MUST,
            "shrink() MUST return to the page source every page that holds no live object; an "
                + "allocator MAY keep a few empty pages per class between calls to shrink."),
    /** ObjectAllocator: object.shrink-counts-frames. */
    OBJECT_SHRINK_COUNTS_FRAMES("object.shrink-counts-frames", "ObjectAllocator", Level.MUST,
            "shrink MUST return the number of pages (frames) it gave back, never slabs: a slab of "
                + "order 2 counts 4."),
    /** ObjectAllocator: object.slabinfo-rows. */
    OBJECT_SLABINFO_ROWS("object.slabinfo-rows", "ObjectAllocator", Level.MUST,
            "slabinfo() MUST be exact per row: for every class, live objects, total object slots, "
                + "object size, objects and pages per slab, and slab counts equal what the allocator really "
                + "holds in that class's slabs, not just totals that multiply out."),
    /** ObjectAllocator: object.slabinfo-pages. */
    OBJECT_SLABINFO_PAGES("object.slabinfo-pages", "ObjectAllocator", Level.MUST,
            "The slabs it lists MUST account for every page the allocator holds from its page source."),
    /** ObjectAllocator: object.size-classes. */
    OBJECT_SIZE_CLASSES("object.size-classes", "ObjectAllocator", Level.MUST,
            "When declared, the classes MUST agree with allocate and usableSize: a request of s bytes "
                + "gets an object whose usable size is that of the smallest class of its kind of at least s."),
    /** ObjectAllocator: object.self-check-sound. */
    OBJECT_SELF_CHECK_SOUND("object.self-check-sound", "ObjectAllocator", Level.MUST,
            "checkInvariants() MUST throw only when one of the allocator's invariants is really "
                + "broken."),
    /** ObjectAllocator: object.any-slot. */
    OBJECT_ANY_SLOT("object.any-slot", "ObjectAllocator", Level.MAY,
            "An implementation MAY choose any size classes that satisfy these rules and MAY return "
                + "any suitable free slot; the contract never depends on which."),
    /** ObjectAllocator: object.no-garbage. */
    OBJECT_NO_GARBAGE("object.no-garbage", "ObjectAllocator", Level.SHOULD,
            "Implementations SHOULD NOT allocate Java objects in allocate and free."),
    /** PageSource: pagesource.give-back. */
    PAGESOURCE_GIVE_BACK("pagesource.give-back", "PageSource", Level.MUST,
            "An object allocator MUST give pages back with freePages(long, int) at the address and "
                + "with the order getFreePages(int, int) gave them, once each, and only pages it holds."),
    /** ZoneAllocator: zone.boot. */
    ZONE_BOOT("zone.boot", "ZoneAllocator", Level.MUST,
            "At creation the allocator MUST retire the machine's boot memory and give every frame of "
                + "its freeRanges() to page allocators created through the configured provider."),
    /** ZoneAllocator: zone.reserved. */
    ZONE_RESERVED("zone.reserved", "ZoneAllocator", Level.MUST,
            "Reserved frames MUST never be handed out."),
    /** ZoneAllocator: zone.block. */
    ZONE_BLOCK("zone.block", "ZoneAllocator", Level.MUST,
            "allocPages(int, int) MUST return the first pfn of a naturally aligned block of 2^order "
                + "free frames inside RAM that overlaps no live block."),
    /** ZoneAllocator: zone.gfp-zones. */
    ZONE_GFP_ZONES("zone.gfp-zones", "ZoneAllocator", Level.MUST,
            "A GFP_DMA request MUST come from ZONE_DMA, a GFP_DMA32 request from DMA32 or DMA, any "
                + "other from Normal, DMA32 or DMA."),
    /** ZoneAllocator: zone.fallback-order. */
    ZONE_FALLBACK_ORDER("zone.fallback-order", "ZoneAllocator", Level.MUST,
            "The zones a request may use MUST be tried highest first (the zonelist: Normal, then "
                + "DMA32, then DMA), starting at the highest zone its gfp allows (Gfp.highestZone)."),
    /** ZoneAllocator: zone.watermarks. */
    ZONE_WATERMARKS("zone.watermarks", "ZoneAllocator", Level.MUST,
            "A zone MUST serve a request only while its free pages stay above the request's "
                + "watermark: GFP_NOWAIT and sleeping requests the low mark once they have reclaimed (min "
                + "before), __GFP_HIGH down to half of the min mark, GFP_ATOMIC (high and unable to block) "
                + "to 3/8 of it; none of them gets more."),
    /** ZoneAllocator: zone.serves. */
    ZONE_SERVES("zone.serves", "ZoneAllocator", Level.MUST,
            "A request MUST NOT fail while a zone it may use has a free block of its order and free "
                + "pages above that zone's high watermark plus its largest lowmem_reserve."),
    /** ZoneAllocator: zone.lowmem-reserve. */
    ZONE_LOWMEM_RESERVE("zone.lowmem-reserve", "ZoneAllocator", Level.MUST,
            "The watermark check MUST add the zone's lowmem_reserve for the requesting zone (the "
                + "highest zone the gfp allows), so that a fallback from a higher zone leaves the lower "
                + "zone's protection alone."),
    /** ZoneAllocator: zone.live-watermarks. */
    ZONE_LIVE_WATERMARKS("zone.live-watermarks", "ZoneAllocator", Level.MUST,
            "Watermarks MAY change at run time (Linux's watermark boosting raises them after "
                + "fragmentation events); every decision MUST follow the watermarks that zoneinfo() shows "
                + "at that moment."),
    /** ZoneAllocator: zone.might-sleep. */
    ZONE_MIGHT_SLEEP("zone.might-sleep", "ZoneAllocator", Level.MUST,
            "allocPages with a gfp that allows blocking MUST call machine.context().mightSleep(...) "
                + "first, so that it raises SleepInAtomicBug in atomic context even when memory is "
                + "plentiful."),
    /** ZoneAllocator: zone.reclaim. */
    ZONE_RECLAIM("zone.reclaim", "ZoneAllocator", Level.MUST,
            "Such a request MUST run the registered Shrinkers (direct reclaim) before it fails, and "
                + "MAY then wait a bounded time for memory to be freed."),
    /** ZoneAllocator: zone.noretry. */
    ZONE_NORETRY("zone.noretry", "ZoneAllocator", Level.MUST,
            "A __GFP_NORETRY request MUST run reclaim exactly once and then give up without waiting."),
    /** ZoneAllocator: zone.nofail. */
    ZONE_NOFAIL("zone.nofail", "ZoneAllocator", Level.MUST,
            "A __GFP_NOFAIL request MUST never fail: it waits until memory is freed."),
    /** ZoneAllocator: zone.no-wait. */
    ZONE_NO_WAIT("zone.no-wait", "ZoneAllocator", Level.MUST,
            "A request that cannot block MUST NOT wait."),
    /** ZoneAllocator: zone.unregister. */
    ZONE_UNREGISTER("zone.unregister", "ZoneAllocator", Level.MUST,
            "Once unregisterShrinker returns, reclaim MUST NOT call that shrinker again."),
    /** ZoneAllocator: zone.no-page. */
    ZONE_NO_PAGE("zone.no-page", "ZoneAllocator", Level.MUST,
            "An allocation that cannot be served MUST return NO_PAGE, never throw."),
    /** ZoneAllocator: zone.failure-logged. */
    ZONE_FAILURE_LOGGED("zone.failure-logged", "ZoneAllocator", Level.MUST,
            "Unless the gfp has __GFP_NOWARN, a failure MUST be logged to dmesg as page allocation "
                + "failure: order:N, mode:0x…(GFP_…) followed by the zones' free counts; reports MAY be "
                + "rate-limited as the kernel's warn_alloc is, but the first failure after a quiet period "
                + "MUST be logged."),
    /** ZoneAllocator: zone.nowarn. */
    ZONE_NOWARN("zone.nowarn", "ZoneAllocator", Level.MUST,
            "A failure with __GFP_NOWARN MUST NOT be logged."),
    /** ZoneAllocator: zone.free. */
    ZONE_FREE("zone.free", "ZoneAllocator", Level.MUST,
            "freePages(long, int) MUST route the block to the page allocator that owns it, which "
                + "frees it."),
    /** ZoneAllocator: zone.bad-free. */
    ZONE_BAD_FREE("zone.bad-free", "ZoneAllocator", Level.MUST,
            "freePages MUST raise KernelBug and change nothing for a block that is not live, as free "
                + "does."),
    /** ZoneAllocator: zone.zoneinfo. */
    ZONE_ZONEINFO("zone.zoneinfo", "ZoneAllocator", Level.MUST,
            "zoneinfo() and freeFrames() MUST be exact for every zone of the machine, empty ones "
                + "included."),
    /** ZoneAllocator: zone.self-check-sound. */
    ZONE_SELF_CHECK_SOUND("zone.self-check-sound", "ZoneAllocator", Level.MUST,
            "checkInvariants() MUST throw only when one of the allocator's invariants is really "
                + "broken."),
    /** ZoneAllocator: zone.linux20-dma-flag. */
    ZONE_LINUX20_DMA_FLAG("zone.linux20-dma-flag", "ZoneAllocator", Level.MUST,
            "When the configured era is LINUX_2_0, the allocator MUST decide as 2.0's __get_free_pages "
                + "did, in place of the rules on zone order, zone watermarks, serving, lowmem_reserve and the "
                + "failure report above (which are today's): a request without __GFP_HIGH MUST be served only "
                + "while the free pages of all zones together exceed their min marks together (2.0's "
                + "min_free_pages), one with __GFP_HIGH that may block (2.0's GFP_NFS) only while they exceed "
                + "5, and then, like a __GFP_HIGH request that cannot block (2.0's GFP_ATOMIC) at any time, "
                + "MUST be served from any zone it may use that has a free block of its order (a request "
                + "without GFP_DMA takes DMA-capable pages like any other, with no lowmem_reserve); a failure "
                + "MUST NOT be logged."),
    /** ZoneAllocator: zone.concurrent. */
    ZONE_CONCURRENT("zone.concurrent", "ZoneAllocator", Level.MUST,
            "Unlike the other SPIs, a zone allocator MUST be safe for concurrent use (a lock per "
                + "zone)."),
    /** ZoneAllocator: zone.wait-on-condition. */
    ZONE_WAIT_ON_CONDITION("zone.wait-on-condition", "ZoneAllocator", Level.MUST,
            "A waiting allocation MUST wait on a condition, not spin: while it waits it uses (nearly) "
                + "no CPU time."),
    /** KernelMemory: kernel.kmalloc. */
    KERNEL_KMALLOC("kernel.kmalloc", "KernelMemory", Level.MUST,
            "kmalloc(long, int) MUST return the direct-map address of at least size bytes that "
                + "overlap no live allocation (kmalloc memory, page block or object of a named cache), or NULL "
                + "when memory cannot be had or the size exceeds the era's maximum (logging a warning); allocation failure is "
                + "never an exception."),
    /** KernelMemory: kernel.zero-size. */
    KERNEL_ZERO_SIZE("kernel.zero-size", "KernelMemory", Level.MUST,
            "kmalloc(0, gfp) MUST return ZERO_SIZE_PTR, except on a Linux 2.0 machine, whose kmalloc(0) "
                + "gave a real block (any live allocation that kfree takes back)."),
    /** KernelMemory: kernel.gfp-dma. */
    KERNEL_GFP_DMA("kernel.gfp-dma", "KernelMemory", Level.MUST,
            "GFP_DMA memory MUST lie below 16 MiB."),
    /** KernelMemory: kernel.gfp-zero. */
    KERNEL_GFP_ZERO("kernel.gfp-zero", "KernelMemory", Level.MUST,
            "__GFP_ZERO memory MUST be zeroed."),
    /** KernelMemory: kernel.kfree-null. */
    KERNEL_KFREE_NULL("kernel.kfree-null", "KernelMemory", Level.MUST,
            "kfree(long) of NULL or ZERO_SIZE_PTR MUST do nothing; of a live kmalloc address it frees "
                + "it."),
    /** KernelMemory: kernel.bad-kfree. */
    KERNEL_BAD_KFREE("kernel.bad-kfree", "KernelMemory", Level.MUST,
            "kfree of anything else (a freed address, an interior pointer, a page block, an address "
                + "kmalloc never returned) MUST throw KernelBug and change nothing."),
    /** KernelMemory: kernel.ksize. */
    KERNEL_KSIZE("kernel.ksize", "KernelMemory", Level.MUST,
            "ksize(long) MUST return at least the requested size for a live allocation, the same "
                + "value for as long as it lives."),
    /** KernelMemory: kernel.pages. */
    KERNEL_PAGES("kernel.pages", "KernelMemory", Level.MUST,
            "getFreePages(int, int) MUST return a naturally aligned block of 2^order pages that "
                + "overlaps no live allocation, or NULL."),
    /** KernelMemory: kernel.sleep-in-atomic. */
    KERNEL_SLEEP_IN_ATOMIC("kernel.sleep-in-atomic", "KernelMemory", Level.MUST,
            "An allocation whose gfp may sleep MUST raise SleepInAtomicBug in atomic context and "
                + "allocate nothing; GFP_ATOMIC allocations work there. On the Linux 2.0 era a spinlock held "
                + "(atomic, not in an interrupt handler) is not atomic context for this rule: 2.0 had no "
                + "might_sleep(), so the sleeping allocation MUST be served as in process context, with no "
                + "report."),
    /** KernelMemory: kernel.memory. */
    KERNEL_MEMORY("kernel.memory", "KernelMemory", Level.MUST,
            "Reads and writes by kernel address MUST reach the bytes of the machine's memory: what is "
                + "written to a live allocation reads back unchanged."),
    /** KernelMemory: kernel.reports. */
    KERNEL_REPORTS("kernel.reports", "KernelMemory", Level.MUST,
            "The reports MUST be consistent with each other and with the live allocations, and "
                + "nothing may leak once everything is freed."),
    /** KernelMemory: kernel.max-kmalloc-size. */
    KERNEL_MAX_KMALLOC_SIZE("kernel.max-kmalloc-size", "KernelMemory", Level.MUST,
            "The default is the maximum of the machine profile's era; a kernel booted in another era MUST "
                + "override it."),
    /** KernelMemory: kernel.concurrent. */
    KERNEL_CONCURRENT("kernel.concurrent", "KernelMemory", Level.MUST,
            "Implementations MUST be safe for concurrent use."),
    /** SlabCaches: kernel.cache-alloc. */
    KERNEL_CACHE_ALLOC("kernel.cache-alloc", "SlabCaches", Level.MUST,
            "alloc MUST return the direct-map address of objectSize() bytes that overlap no live allocation "
                + "of the kernel (kmalloc memory, page blocks, objects of any cache), or NULL when memory "
                + "cannot be had; allocation failure is never an exception."),
    /** SlabCaches: kernel.cache-aligned. */
    KERNEL_CACHE_ALIGNED("kernel.cache-aligned", "SlabCaches", Level.MUST,
            "Every object MUST be aligned to alignment()."),
    /** SlabCaches: kernel.cache-constructed. */
    KERNEL_CACHE_CONSTRUCTED("kernel.cache-constructed", "SlabCaches", Level.MUST,
            "In a cache with a constructor an object MUST come constructed: the constructor ran on it once, "
                + "and an object allocated again holds what its last user left."),
    /** SlabCaches: kernel.cache-free. */
    KERNEL_CACHE_FREE("kernel.cache-free", "SlabCaches", Level.MUST,
            "free MUST accept a live object of that cache, once."),
    /** SlabCaches: kernel.cache-bad-free. */
    KERNEL_CACHE_BAD_FREE("kernel.cache-bad-free", "SlabCaches", Level.MUST,
            "For anything else free MUST throw KernelBug and change nothing: another cache's or kmalloc's "
                + "object (a wrong-cache free), an interior pointer, a second free."),
    /** SlabCaches: kernel.cache-shrink. */
    KERNEL_CACHE_SHRINK("kernel.cache-shrink", "SlabCaches", Level.MUST,
            "shrink MUST return the number of pages (frames, never slabs) it gave back: the cache's pages in "
                + "/proc/slabinfo fall by exactly that number."),
    /** SlabCaches: kernel.cache-destroy-live. */
    KERNEL_CACHE_DESTROY_LIVE("kernel.cache-destroy-live", "SlabCaches", Level.MUST,
            "destroy MUST throw a KernelBug whose first line is kmem_cache_destroy NAME: Slab cache still has "
                + "objects while any object is live, and change nothing."),
    /** SlabCaches: kernel.cache-destroy. */
    KERNEL_CACHE_DESTROY("kernel.cache-destroy", "SlabCaches", Level.MUST,
            "Once no object is live, destroy MUST succeed and the cache's row MUST leave /proc/slabinfo."),
    /** SlabCaches: kernel.cache-slabinfo. */
    KERNEL_CACHE_SLABINFO("kernel.cache-slabinfo", "SlabCaches", Level.MUST,
            "/proc/slabinfo MUST have one row per live cache, named after it, whose active objects count at "
                + "least the cache's live objects."),
    /** SlabCache: slab.object. */
    SLAB_OBJECT("slab.object", "SlabCache", Level.MUST,
            "allocate(int) MUST return the direct-map address of an object of at least config.size() "
                + "bytes that overlaps no other live object of any cache, inside a block the page source gave "
                + "this cache, and MUST NOT return NULL while the page source serves its requests."),
    /** SlabCache: slab.aligned. */
    SLAB_ALIGNED("slab.aligned", "SlabCache", Level.MUST,
            "The object MUST be aligned to config.alignment() (SlabFlags.alignment)."),
    /** SlabCache: slab.refuse-when-source-fails. */
    SLAB_REFUSE_WHEN_SOURCE_FAILS("slab.refuse-when-source-fails", "SlabCache", Level.MUST,
            "When the page source fails, allocate MUST return NULL and change nothing; that is not an "
                + "exception."),
    /** SlabCache: slab.constructor. */
    SLAB_CONSTRUCTOR("slab.constructor", "SlabCache", Level.MUST,
            "Every object MUST have been passed to the constructor (when there is one) before it is "
                + "handed out for the first time, and MUST NOT be passed again while its slab stays with the "
                + "cache: an object that is freed and allocated again comes back with the bytes its user "
                + "left, which a correct user leaves in the constructed state. The constructor MUST NOT be "
                + "called on a live object. After a slab goes back to the page source its objects are "
                + "constructed again if their memory returns in a new slab."),
    /** SlabCache: slab.construct-with-slab. */
    SLAB_CONSTRUCT_WITH_SLAB("slab.construct-with-slab", "SlabCache", Level.SHOULD,
            "A cache SHOULD construct all objects of a slab when it makes the slab (Bonwick, SLUB)."),
    /** SlabCache: slab.construct-lazily. */
    SLAB_CONSTRUCT_LAZILY("slab.construct-lazily", "SlabCache", Level.MAY,
            "A cache MAY instead construct an object lazily, at its first allocation."),
    /** SlabCache: slab.gfp-zero. */
    SLAB_GFP_ZERO("slab.gfp-zero", "SlabCache", Level.MUST,
            "__GFP_ZERO MUST zero the object's size bytes (after any constructor)."),
    /** SlabCache: slab.page-gfp. */
    SLAB_PAGE_GFP("slab.page-gfp", "SlabCache", Level.MUST,
            "A page request that allocate(gfp) makes MUST NOT allow what gfp does not: it carries "
                + "__GFP_DIRECT_RECLAIM (may sleep), __GFP_HIGH (may use the reserves), __GFP_NOFAIL or "
                + "__GFP_MEMALLOC only when gfp does, so a GFP_ATOMIC allocation never sleeps for a slab. Pass gfp "
                + "on without __GFP_ZERO; adding __GFP_NOWARN or __GFP_NORETRY (as SLUB's first, high-order try "
                + "does) is allowed."),
    /** SlabCache: slab.cache-dma. */
    SLAB_CACHE_DMA("slab.cache-dma", "SlabCache", Level.MUST,
            "SLAB_CACHE_DMA MUST add __GFP_DMA to every page request."),
    /** SlabCache: slab.free. */
    SLAB_FREE("slab.free", "SlabCache", Level.MUST,
            "free(long) MUST accept every live address allocate(int) returned, once."),
    /** SlabCache: slab.bad-free. */
    SLAB_BAD_FREE("slab.bad-free", "SlabCache", Level.MUST,
            "For any other address free MUST throw KernelBug and change nothing: an address in none of "
                + "this cache's slabs (which includes an object of another cache: a free into the wrong "
                + "cache), one that is not the start of an object, or an object already free."),
    /** SlabCache: slab.poison. */
    SLAB_POISON("slab.poison", "SlabCache", Level.MUST,
            "With SLAB_POISON (and no constructor), free MUST fill the object's size bytes with "
                + "POISON_FREE and its last byte with POISON_END."),
    /** SlabCache: slab.poison-check. */
    SLAB_POISON_CHECK("slab.poison-check", "SlabCache", Level.MUST,
            "allocate MUST check that poison before handing the object out and on a difference throw "
                + "CorruptionBug (Poison overwritten), after restoring the poison so that the object stays "
                + "free and usable."),
    /** SlabCache: slab.red-zone. */
    SLAB_RED_ZONE("slab.red-zone", "SlabCache", Level.MUST,
            "With SLAB_RED_ZONE, the RED_ZONE_SIZE bytes right after the object's size bytes, rounded "
                + "up to 8, MUST hold RED_ACTIVE while it is live and RED_INACTIVE while free."),
    /** SlabCache: slab.red-zone-check. */
    SLAB_RED_ZONE_CHECK("slab.red-zone-check", "SlabCache", Level.MUST,
            "free MUST check the red zone first and on a difference throw CorruptionBug (Right Redzone "
                + "overwritten), restoring the red zone and leaving the object live."),
    /** SlabCache: slab.shrink. */
    SLAB_SHRINK("slab.shrink", "SlabCache", Level.MUST,
            "shrink() MUST return to the page source every slab that holds no live object, and return "
                + "the number of pages (frames, not slabs) it gave back."),
    /** SlabCache: slab.keep-empty. */
    SLAB_KEEP_EMPTY("slab.keep-empty", "SlabCache", Level.MAY,
            "A cache MAY keep a few empty slabs between calls."),
    /** SlabCache: slab.destroy-live. */
    SLAB_DESTROY_LIVE("slab.destroy-live", "SlabCache", Level.MUST,
            "While any object is live, destroy() MUST throw KernelBug whose first line is "
                + "kmem_cache_destroy NAME: Slab cache still has objects and change nothing."),
    /** SlabCache: slab.destroy. */
    SLAB_DESTROY("slab.destroy", "SlabCache", Level.MUST,
            "Otherwise destroy() MUST return every slab to the page source; the cache is not used "
                + "after."),
    /** SlabCache: slab.slabinfo. */
    SLAB_SLABINFO("slab.slabinfo", "SlabCache", Level.MUST,
            "slabinfo() MUST be exact: the configured name (which name() returns too), live objects, "
                + "object slots, slot size (the object with its alignment padding and red zone), objects and "
                + "pages per slab (a cache's slabs all have one order), active slabs (those holding a live object) "
                + "and total slabs."),
    /** SlabCache: slab.slabinfo-pages. */
    SLAB_SLABINFO_PAGES("slab.slabinfo-pages", "SlabCache", Level.MUST,
            "The slabs it counts MUST be exactly the pages this cache holds from its page source."),
    /** SlabCache: slab.self-check-sound. */
    SLAB_SELF_CHECK_SOUND("slab.self-check-sound", "SlabCache", Level.MUST,
            "checkInvariants() MUST throw only when one of the cache's invariants is really broken."),
    /** SlabCache: slab.any-slot. */
    SLAB_ANY_SLOT("slab.any-slot", "SlabCache", Level.MAY,
            "A cache MAY choose any slab order and any free object to hand out; callers and the "
                + "contract never depend on which."),
    /** SlabCache: slab.no-garbage. */
    SLAB_NO_GARBAGE("slab.no-garbage", "SlabCache", Level.SHOULD,
            "allocate and free SHOULD NOT allocate Java objects.");

    /** How strongly the SPI says it, in the words of RFC 2119. */
    public enum Level {
        /** An absolute requirement: breaking it fails a property. */
        MUST,
        /** A recommendation: breaking it is reported as a warning. */
        SHOULD,
        /** A freedom: the contracts must accept either choice. */
        MAY
    }

    private final String id;
    private final String spi;
    private final Level level;
    private final String sentence;

    Rule(String id, String spi, Level level, String sentence) {
        this.id = id;
        this.spi = spi;
        this.level = level;
        this.sentence = sentence;
    }

    /** Returns the stable id, as written in brackets in the SPI's Javadoc: {@code page.aligned}. */
    public String id() {
        return id;
    }

    /** Returns the simple name of the interface whose Javadoc states the rule: {@code PageAllocator}. */
    public String spi() {
        return spi;
    }

    /** Returns MUST, SHOULD or MAY. */
    public Level level() {
        return level;
    }

    /** Returns the sentence of the SPI's Javadoc, without markup. */
    public String sentence() {
        return sentence;
    }

    /** Returns the sentence with the interface it comes from: {@code PageAllocator: The block MUST …}. */
    public String quote() {
        return spi + ": " + sentence;
    }

    /**
     * Returns the violation of this rule that a check throws.
     *
     * @param invariant what broke, in plain words a student can act on
     * @param expected what the model allowed
     * @param actual what the implementation did
     */
    public InvariantViolation violation(String invariant, String expected, String actual) {
        return violation(invariant, expected, actual, null);
    }

    /** Returns the violation of this rule caused by {@code cause}, an exception the implementation threw. */
    public InvariantViolation violation(String invariant, String expected, String actual, Throwable cause) {
        return new InvariantViolation(id, quote(), invariant, expected, actual, cause);
    }

    /** Returns a warning for this SHOULD rule: {@code page.initial-layout (SHOULD): text}. */
    public String warning(String text) {
        Checks.requireArgument(level == Level.SHOULD, "rule %s is a %s, not a SHOULD: it cannot be a warning", id,
                level);
        return id + " (SHOULD): " + text;
    }

    /**
     * Returns the rule with {@code id}.
     *
     * @throws IllegalArgumentException naming where the ids are, when none has it
     */
    public static Rule byId(String id) {
        for (Rule rule : values()) {
            if (rule.id.equals(id)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("no SPI rule has id '" + id + "'; the ids are written in brackets in"
                + " the Javadoc of PageAllocator, ObjectAllocator, PageSource, ZoneAllocator, KernelMemory,"
                + " SlabCaches and SlabCache");
    }
}
