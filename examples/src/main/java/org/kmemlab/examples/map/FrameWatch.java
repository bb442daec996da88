package org.kmemlab.examples.map;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * What the memory map knows about every frame, learnt by watching the page allocators and the object
 * allocator's page source of one kernel ({@link WatchedPages}, {@link WatchedSlabs}).
 *
 * <p>Every frame starts as {@link Owner#RESERVED}: only frames a page allocator is created over are
 * ever managed, and those start {@link Owner#FREE}. An allocation marks its block with
 * {@link Owner#PAGE_CACHE} (anything the map cannot attribute), the object allocator's page source
 * relabels its blocks {@link Owner#SLAB}, and the map's own workload relabels what it asked for.
 */
public final class FrameWatch {

    private final byte[] owner;
    private final List<PageAllocatorConfig> ranges = new ArrayList<>();

    /** Creates a watch over {@code frames} frames, all reserved. */
    public FrameWatch(long frames) {
        this.owner = new byte[Math.toIntExact(frames)];
        java.util.Arrays.fill(owner, (byte) Owner.RESERVED.ordinal());
    }

    /** Returns the number of frames watched. */
    public int frames() {
        return owner.length;
    }

    /** Records that a page allocator manages {@code config}'s frames, all free. */
    synchronized void managed(PageAllocatorConfig config) {
        ranges.add(config);
        mark(config.startPfn(), config.frames(), Owner.FREE);
    }

    /** Marks {@code count} frames from {@code pfn} as belonging to {@code who}. */
    public synchronized void mark(long pfn, long count, Owner who) {
        for (long f = pfn; f < pfn + count; f++) {
            owner[(int) f] = (byte) who.ordinal();
        }
    }

    /** Returns the owner of frame {@code pfn}. */
    public synchronized Owner owner(long pfn) {
        return Owner.values()[owner[(int) pfn]];
    }

    /** Returns the ranges page allocators manage, in creation order. */
    public synchronized List<PageAllocatorConfig> ranges() {
        return List.copyOf(ranges);
    }
}
