package org.kmemlab.dmazone;

/**
 * On which side of 16 MiB the recent frees of a Linux 2.0 machine landed, newest on top: kmemlab's stand-in
 * for the order of 2.0's single free lists.
 *
 * <p>2.0 kept one set of free lists for all memory, and {@code add_mem_queue} put every freed block at the
 * head of its list ({@code mm/page_alloc.c}, tag 2.0, lines 52-60), where the next request took it. kmemlab
 * keeps the pages below and above 16 MiB in two zones' page allocators; to hand out pages in 2.0's order
 * it remembers the zone of each recent free and lets each ordinary request take the newest and try that
 * zone first. When nothing is remembered the request tries the highest zone first: after {@code mem_init}
 * freed memory upwards, the highest blocks led the lists.
 *
 * <p>A bounded stack of {@value #CAPACITY} zone indexes (older ones are forgotten: they lie deep in 2.0's
 * lists, which kmemlab approximates by the highest-first default). Safe for concurrent use: one lock for
 * the two short operations; nothing is allocated.
 */
final class Linux20FreeOrder {

    /** How many frees are remembered. */
    static final int CAPACITY = 4096;

    private final int[] sides = new int[CAPACITY];
    private final int defaultSide;
    private int top;
    private int count;

    /** Creates the order of a freshly booted machine: nothing freed yet, {@code defaultSide} first. */
    Linux20FreeOrder(int defaultSide) {
        this.defaultSide = defaultSide;
    }

    /** Remembers that a block was freed into zone {@code zoneIndex}. */
    synchronized void freed(int zoneIndex) {
        top = (top + 1) % CAPACITY;
        sides[top] = zoneIndex;
        count = Math.min(CAPACITY, count + 1);
    }

    /** Takes the zone of the newest free remembered, or the default side when none is. */
    synchronized int takeNewest() {
        if (count == 0) {
            return defaultSide;
        }
        int side = sides[top];
        top = (top + CAPACITY - 1) % CAPACITY;
        count--;
        return side;
    }
}
