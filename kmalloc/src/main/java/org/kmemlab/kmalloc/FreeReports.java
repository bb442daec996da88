package org.kmemlab.kmalloc;

import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;

/**
 * The reports kfree and ksize give for an address they do not accept, worded from what the frame table
 * says about the address's frame.
 */
final class FreeReports {

    private FreeReports() {
    }

    static RuntimeException freedAlready(long addr, long pfn) {
        return new DoubleFreeBug("kmalloc-large", addr, "INFO: the pages at pfn " + pfn + " are free already");
    }

    static RuntimeException notKmalloced(FrameTable frames, long pageOffset, long addr, long pfn, byte tag,
                                         String what) {
        if (tag == FrameTable.LARGE_HEAD || tag == FrameTable.LARGE_TAIL) {
            long head = pfn;
            while (head > 0 && frames.tag(head) == FrameTable.LARGE_TAIL) {
                head--;
            }
            long start = pageOffset + (head << MachineProfile.PAGE_SHIFT);
            return InvalidFreeBug.of("BUG: " + what + " of 0x" + Long.toHexString(addr)
                            + ", inside a large kmalloc block",
                    "INFO: 0x" + Long.toHexString(addr) + " is " + (addr - start) + " bytes into the order-"
                            + frames.order(head) + " block at 0x" + Long.toHexString(start),
                    "pass " + what + "() the pointer kmalloc() returned, not a pointer into the block", addr);
        }
        if (tag == FrameTable.PER_CPU && (addr & (MachineProfile.PAGE_SIZE - 1)) == 0) {
            return new DoubleFreeBug("page", addr, "INFO: the pages at pfn " + pfn + " are free already");
        }
        if (tag == FrameTable.PAGES_HEAD || tag == FrameTable.PAGES_TAIL) {
            return InvalidFreeBug.of("BUG: " + what + " of 0x" + Long.toHexString(addr)
                            + ", memory from __get_free_pages", "INFO: pfn " + pfn + " belongs to " + owner(tag),
                    "free pages from __get_free_pages() with free_pages(addr, order)", addr);
        }
        return InvalidFreeBug.of("BUG: " + what + " of non-kmalloced memory: 0x" + Long.toHexString(addr),
                "INFO: pfn " + pfn + " belongs to " + owner(tag),
                "pass only pointers that kmalloc() returned and that are still allocated", addr);
    }

    static String owner(byte tag) {
        return switch (tag) {
            case FrameTable.FREE -> "nobody (it is free)";
            case FrameTable.RESERVED -> "boot memory (kernel image, mem_map or BIOS areas)";
            case FrameTable.SLAB -> "the object allocator (a slab page)";
            case FrameTable.LARGE_HEAD, FrameTable.LARGE_TAIL -> "a large kmalloc block";
            case FrameTable.PAGES_HEAD, FrameTable.PAGES_TAIL -> "a __get_free_pages block";
            case FrameTable.PER_CPU -> "a per-thread list of free pages (it is free)";
            case FrameTable.PAGE_CACHE -> "the page cache";
            case FrameTable.VMALLOC -> "a vmalloc area (free it with vfree() by its vmalloc address)";
            case FrameTable.PAGE_TABLE -> "the kernel's page tables";
            case FrameTable.KMEM_CACHE -> "a named slab cache (free its objects with kmem_cache_free())";
            default -> "tag " + tag;
        };
    }
}
