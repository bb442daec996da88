package org.kmemlab.kmalloc;

/**
 * Who owns a page frame now, as {@link Kernel#frameOwner(long)} reports it: the public face of the
 * kernel's per-frame table ({@code struct page}'s flags), for memory maps and lessons.
 *
 * <p>A block of several frames reports the same owner for every frame of it. The list may grow when the
 * kernel learns a new use of pages; callers SHOULD have a default case.
 */
public enum FrameOwner {
    /** Free in the zone allocator (or a frame no zone manages that was never reserved). */
    FREE("free"),
    /** Reserved at boot: BIOS areas, the kernel image, {@code mem_map}. Never freed. */
    RESERVED("reserved at boot"),
    /** A page of the object allocator behind kmalloc's small sizes. */
    SLAB("slab (kmalloc caches)"),
    /** A page of a named slab cache ({@code kmem_cache_create}). */
    KMEM_CACHE("slab (named kmem_cache)"),
    /** A block of a kmalloc too large for the object allocator ({@code kmalloc_large}). */
    KMALLOC_LARGE("large kmalloc"),
    /** A block from {@code __get_free_pages} or {@code alloc_pages}. */
    PAGES("__get_free_pages"),
    /** A free block parked in a per-thread page list (allocated as far as the zone allocator knows). */
    PER_CPU_LIST("per-thread free page list"),
    /** A clean page of the simulated page cache. */
    PAGE_CACHE("page cache"),
    /** A data page of a vmalloc area. */
    VMALLOC("vmalloc"),
    /** A page of the kernel's page tables. */
    PAGE_TABLE("page tables");

    private final String label;

    FrameOwner(String label) {
        this.label = label;
    }

    /** Returns a few words for a legend, such as {@code "large kmalloc"}. */
    public String label() {
        return label;
    }

    /** Maps a {@link FrameTable} tag to its owner. */
    static FrameOwner ofTag(byte tag) {
        return switch (tag) {
            case FrameTable.FREE -> FREE;
            case FrameTable.RESERVED -> RESERVED;
            case FrameTable.SLAB -> SLAB;
            case FrameTable.KMEM_CACHE -> KMEM_CACHE;
            case FrameTable.LARGE_HEAD, FrameTable.LARGE_TAIL -> KMALLOC_LARGE;
            case FrameTable.PAGES_HEAD, FrameTable.PAGES_TAIL -> PAGES;
            case FrameTable.PER_CPU -> PER_CPU_LIST;
            case FrameTable.PAGE_CACHE -> PAGE_CACHE;
            case FrameTable.VMALLOC -> VMALLOC;
            case FrameTable.PAGE_TABLE -> PAGE_TABLE;
            default -> throw new IllegalStateException("frame tag " + tag + " has no owner; add it to FrameOwner");
        };
    }
}
