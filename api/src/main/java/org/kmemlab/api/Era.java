package org.kmemlab.api;

/**
 * Which generation of Linux memory management a machine or a kmalloc imitates.
 *
 * <p>The era decides the kmalloc size classes, the largest kmalloc, the highest buddy order and how the
 * zone watermarks are computed. It is a property of a {@link MachineProfile} and may be overridden when a
 * kernel is assembled (a modern kmalloc on a 1996 machine is a fair experiment).
 */
public enum Era {

    /**
     * Linux 2.0 (1996): {@code mm/kmalloc.c} with buckets 32, 64, 128, 252, 508, 1020, 2040 bytes carved
     * out of single pages and 4080 … 131056-byte blocks in areas of order 0 to 5, each area with a 16-byte
     * page descriptor and each block with an 8-byte header. The largest kmalloc is 131048 bytes; orders
     * run 0..5 ({@code NR_MEM_LISTS} 6); watermarks are {@code min_free_pages} and friends.
     */
    LINUX_2_0(5, 131_048),

    /**
     * Today's Linux: SLUB-like caches 8, 16, 32, 64, 96, 128, 192, 256 … 8 KiB, larger requests straight
     * from the page allocator up to {@code KMALLOC_MAX_SIZE} (4 MiB with 4 KiB pages and
     * {@code MAX_PAGE_ORDER} 10); watermarks from {@code min_free_kbytes}.
     */
    MODERN(10, 4L << 20);

    private final int maxOrder;
    private final long maxKmallocSize;

    Era(int maxOrder, long maxKmallocSize) {
        this.maxOrder = maxOrder;
        this.maxKmallocSize = maxKmallocSize;
    }

    /** Returns the highest buddy order of this era: 5 for Linux 2.0, 10 ({@code MAX_PAGE_ORDER}) today. */
    public int maxOrder() {
        return maxOrder;
    }

    /** Returns the largest request kmalloc accepts in this era (with 4 KiB pages). */
    public long maxKmallocSize() {
        return maxKmallocSize;
    }
}
