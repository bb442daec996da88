package org.kmemlab.examples.map;

/** Who a page frame belongs to, as the memory map shows it. */
public enum Owner {
    /** Free in a page allocator. */
    FREE('.', 0xffffff, "free"),
    /** Reserved at boot (BIOS areas, kernel image, mem_map); never managed by the page allocator. */
    RESERVED('#', 0x404040, "reserved at boot"),
    /** A page of the object allocator (kmalloc's small sizes). */
    SLAB('s', 0x2ca02c, "slab (small kmalloc objects)"),
    /** A block of a kmalloc too large for the object allocator. */
    KMALLOC_LARGE('K', 0xd62728, "large kmalloc"),
    /** A block from __get_free_pages. */
    PAGES('P', 0x9467bd, "__get_free_pages"),
    /** Allocated by some other part of the kernel: here, the page cache. */
    PAGE_CACHE('c', 0x1f77b4, "page cache (and other kernel use)");

    private final char symbol;
    private final int rgb;
    private final String label;

    Owner(char symbol, int rgb, String label) {
        this.symbol = symbol;
        this.rgb = rgb;
        this.label = label;
    }

    /** Returns the character the text map uses. */
    public char symbol() {
        return symbol;
    }

    /** Returns the colour the image uses, {@code 0xRRGGBB}. */
    public int rgb() {
        return rgb;
    }

    /** Returns the legend's words. */
    public String label() {
        return label;
    }
}
