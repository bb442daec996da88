package org.kmemlab.kmalloc;

import static org.kmemlab.api.KernelMemory.NULL;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageAllocator;

/**
 * The page API kernel code calls: {@code __get_free_pages}, {@code alloc_pages}, {@code free_pages} and
 * {@code __free_pages}. A block is allocated through the page path ({@link PagePath}: the calling thread's
 * page list, then the zone allocator) and its head frame tagged {@link FrameTable#PAGES_HEAD} with its
 * order, so that a free can check what it is handed before anything changes: a frame out of range, a
 * bad or wrong order, the middle of a block, a second free and another subsystem's frame are each
 * reported as a {@link BadPageStateBug} with its own message. On the Linux 2.0 era a free of a reserved
 * page does what 2.0 did ({@link Linux20Misuse}); with {@code slab_debug=P} a freed block is poisoned.
 */
final class GetFreePages {

    private static final long PAGE_MASK = MachineProfile.PAGE_SIZE - 1;

    private final Machine machine;
    private final Era era;
    private final FrameTable frames;
    private final PagePath pagePath;
    private final CpuCacheDrain cpuCaches;
    private final KernelAddresses addresses;
    /** Null unless the era is Linux 2.0. */
    private final Linux20Misuse linux20;
    /** Null unless debugging is on. */
    private final SlabDebug debug;
    private final long pageOffset;

    GetFreePages(Machine machine, Era era, FrameTable frames, PagePath pagePath, CpuCacheDrain cpuCaches,
                 KernelAddresses addresses, Linux20Misuse linux20, SlabDebug debug) {
        this.machine = machine;
        this.era = era;
        this.frames = frames;
        this.pagePath = pagePath;
        this.cpuCaches = cpuCaches;
        this.addresses = addresses;
        this.linux20 = linux20;
        this.debug = debug;
        this.pageOffset = machine.profile().pageOffset();
    }

    /** {@code __get_free_pages}: the direct-map address of the first page, or NULL. */
    long getFreePages(int gfp, int order) {
        long pfn = allocPages(gfp, order);
        return pfn == PageAllocator.NO_PAGE ? NULL : pageOffset + (pfn << MachineProfile.PAGE_SHIFT);
    }

    /**
     * {@code alloc_pages}: the first pfn, or NO_PAGE. An order above the era's highest warns today; Linux
     * 2.0's {@code __get_free_pages} returned 0 without a word ({@code if (order >= NR_MEM_LISTS) return 0;},
     * mm/page_alloc.c, before its interrupt check).
     */
    long allocPages(int gfp, int order) {
        Checks.requireArgument(order >= 0, "order %d is negative", order);
        if (linux20 != null) {
            if (order > era.maxOrder()) {
                return PageAllocator.NO_PAGE;
            }
            gfp = linux20.nonatomicFromInterrupt(gfp, "gfp");
        }
        machine.context().mightSleep(gfp, "__get_free_pages");
        if (order > era.maxOrder()) {
            if ((gfp & Gfp.__GFP_NOWARN) == 0) {
                machine.dmesg().warn("WARNING: page allocation of order " + order + " > MAX_ORDER "
                        + era.maxOrder() + ", mode:" + Gfp.mode(gfp));
            }
            return PageAllocator.NO_PAGE;
        }
        return pagePath.allocate(cpuCaches.current(), gfp, order, FrameTable.PAGES_HEAD, FrameTable.PAGES_TAIL);
    }

    /** {@code free_pages} of an address other than NULL. */
    void freePages(long addr, int order) {
        long pfn;
        try {
            pfn = addresses.pfnOf(addr, "free_pages");
        } catch (KernelBug notInRam) {
            if (linux20 == null) {
                throw notInRam;
            }
            linux20.badFreePages(notInRam, Linux20Misuse.PageFree.BEYOND_RAM);
            return;
        }
        if ((addr & PAGE_MASK) != 0) {
            BadPageStateBug bug = new BadPageStateBug(pfn, order, "free_pages of 0x" + Long.toHexString(addr)
                    + ", which is not the start of a page", "pass free_pages() the address __get_free_pages() returned");
            if (linux20 == null) {
                throw bug;
            }
            // 2.0's MAP_NR(addr) simply dropped the offset: the page that holds addr was freed
            linux20.badFreePages(bug, Linux20Misuse.PageFree.OFFSET_DROPPED);
        }
        freePagesPfn(pfn, order);
    }

    /**
     * {@code __free_pages}: checks the block, then gives it back. On the Linux 2.0 era a free the checks
     * refuse is handed to {@link Linux20Misuse#badFreePages}, which says what 2.0's {@code free_pages} did
     * with it (always without a word) and stops or, where 2.0 did nothing, returns.
     */
    void freePagesPfn(long pfn, int order) {
        if (linux20 == null) {
            freeChecked(pfn, order);
            return;
        }
        try {
            freeChecked(pfn, order);
        } catch (BadPageStateBug refused) {
            linux20.badFreePages(refused, linux20Did(pfn));
        }
    }

    /** What 2.0's {@code free_pages} did with a free of {@code pfn} that the checks refused. */
    private Linux20Misuse.PageFree linux20Did(long pfn) {
        if (pfn < 0 || pfn >= machine.frames()) {
            return Linux20Misuse.PageFree.BEYOND_RAM;
        }
        byte tag = frames.tag(pfn);
        return tag == FrameTable.FREE || tag == FrameTable.PER_CPU || tag == FrameTable.PAGES_TAIL
                ? Linux20Misuse.PageFree.COUNT_ZERO : Linux20Misuse.PageFree.CORRUPTS;
    }

    private void freeChecked(long pfn, int order) {
        if (pfn < 0 || pfn >= machine.frames()) {
            throw BadPageStateBug.outOfRange(pfn, order, 0, machine.frames());
        }
        if (order < 0 || order > era.maxOrder()) {
            throw BadPageStateBug.badOrder(pfn, order, era.maxOrder());
        }
        byte tag = frames.tag(pfn);
        if (tag == FrameTable.PAGES_HEAD) {
            int allocated = frames.order(pfn);
            if (allocated != order) {
                throw BadPageStateBug.wrongOrder(pfn, order, allocated);
            }
            if (!frames.compareAndSetTag(pfn, FrameTable.PAGES_HEAD, FrameTable.FREE)) {
                throw BadPageStateBug.alreadyFree(pfn, order);
            }
            if (debug != null) {
                debug.poisonPages(pfn, order);
            }
            pagePath.free(cpuCaches.current(), pfn, order);
            return;
        }
        if (tag == FrameTable.PAGES_TAIL) {
            long head = pfn;
            while (head > 0 && frames.tag(head) == FrameTable.PAGES_TAIL) {
                head--;
            }
            throw BadPageStateBug.notBlockStart(pfn, order, head, frames.order(head));
        }
        if (tag == FrameTable.FREE || tag == FrameTable.PER_CPU) {
            throw BadPageStateBug.alreadyFree(pfn, order);
        }
        if (tag == FrameTable.RESERVED && linux20 != null) {
            linux20.reservedPageFreed(pfn, order);
            return;
        }
        throw new BadPageStateBug(pfn, order, "freeing pfn " + pfn + ", which belongs to " + FreeReports.owner(tag),
                "free_pages() takes only blocks from __get_free_pages(); free kmalloc memory with kfree()");
    }
}
