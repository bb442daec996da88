package org.kmemlab.examples.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kmemlab.api.spi.PageAllocatorConfig;

/**
 * What the memory map knows about every frame, learnt by watching the page allocators and the object
 * allocator of one kernel ({@link WatchedPages}, {@link WatchedSlabs}). This is the one place where
 * kmemlab's pictures learn who owns a frame; the text map, the PNG and the HTML pages all read it.
 *
 * <p>Every frame starts as {@link Owner#RESERVED}: only frames a page allocator is created over are
 * ever managed, and those start {@link Owner#FREE}. An allocation marks its block with
 * {@link Owner#PAGE_CACHE} (anything the map cannot attribute), the object allocator's page source
 * relabels its blocks {@link Owner#SLAB}, and the map's own workload relabels what it asked for. The
 * watch also counts the live objects (and their usable bytes) on every slab page, which is how a picture
 * shows how full a slab page is.
 *
 * <p>A {@link Listener} MAY be given to learn of every change as it happens (the HTML pages record a
 * run as a list of such changes). A watch created without a frame count sizes itself when the first page
 * allocator is created, from that allocator's machine; a watch serves one machine only.
 */
public final class FrameWatch {

    /**
     * Learns of every change to the watch. Called with the watch's lock held: an implementation MUST
     * only record what it is told and MUST NOT call the kernel.
     */
    public interface Listener {
        /** {@code count} frames from {@code pfn} now belong to {@code owner}. */
        void framesChanged(long pfn, long count, Owner owner);

        /** Frame {@code pfn} now holds {@code objects} live objects of {@code bytes} usable bytes in all. */
        void objectsChanged(long pfn, int objects, long bytes);
    }

    private static final Listener NOBODY = new Listener() {
        @Override
        public void framesChanged(long pfn, long count, Owner owner) {
        }

        @Override
        public void objectsChanged(long pfn, int objects, long bytes) {
        }
    };

    private byte[] owner;
    private int[] objects;
    private long[] objectBytes;
    private Object machine;
    private final List<PageAllocatorConfig> ranges = new ArrayList<>();
    private final Listener listener;

    /** Creates a watch over {@code frames} frames, all reserved. */
    public FrameWatch(long frames) {
        this.listener = NOBODY;
        size(frames);
    }

    /**
     * Creates a watch that sizes itself when the first page allocator is created and tells
     * {@code listener} of every change.
     */
    public FrameWatch(Listener listener) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
    }

    private void size(long frames) {
        this.owner = new byte[Math.toIntExact(frames)];
        this.objects = new int[owner.length];
        this.objectBytes = new long[owner.length];
        Arrays.fill(owner, (byte) Owner.RESERVED.ordinal());
    }

    /** Returns the number of frames watched (0 before a self-sizing watch has seen its machine). */
    public synchronized int frames() {
        return owner == null ? 0 : owner.length;
    }

    /**
     * Records that a page allocator manages {@code config}'s frames, all free.
     *
     * @throws IllegalStateException when {@code config} belongs to another machine than earlier ones
     */
    synchronized void managed(PageAllocatorConfig config) {
        if (machine == null) {
            machine = config.machine();
            if (owner == null) {
                size(config.machine().frames());
            }
        } else if (machine != config.machine()) {
            throw new IllegalStateException("a frame watch serves one machine, but a second one booted with it;"
                    + " create one watch (and one set of watched providers) per kernel");
        }
        ranges.add(config);
        mark(config.startPfn(), config.frames(), Owner.FREE);
    }

    /** Marks {@code count} frames from {@code pfn} as belonging to {@code who}. */
    public synchronized void mark(long pfn, long count, Owner who) {
        for (long f = pfn; f < pfn + count; f++) {
            owner[(int) f] = (byte) who.ordinal();
        }
        listener.framesChanged(pfn, count, who);
    }

    /** Records that an object of {@code bytes} usable bytes was allocated ({@code +1}) or freed ({@code -1}). */
    synchronized void object(long pfn, int change, long bytes) {
        int f = (int) pfn;
        objects[f] += change;
        objectBytes[f] += change * bytes;
        listener.objectsChanged(pfn, objects[f], objectBytes[f]);
    }

    /**
     * Labels a live kmalloc at {@code addr}: when it did not land in a slab page it came from the page
     * allocator as a large kmalloc, and its {@code ksize} worth of frames are relabelled so.
     */
    public void labelKmalloc(org.kmemlab.kmalloc.Kernel kernel, long addr) {
        long pfn = kernel.machine().virtToPfn(addr);
        if (owner(pfn) != Owner.SLAB) {
            long pages = (kernel.ksize(addr) + kernel.machine().pageSize() - 1) >>> kernel.machine().pageShift();
            mark(pfn, pages, Owner.KMALLOC_LARGE);
        }
    }

    /** Returns the owner of frame {@code pfn}. */
    public synchronized Owner owner(long pfn) {
        return Owner.values()[owner[(int) pfn]];
    }

    /** Returns the number of live objects whose first byte lies in frame {@code pfn}. */
    public synchronized int objects(long pfn) {
        return objects[(int) pfn];
    }

    /** Returns the usable bytes of the live objects whose first byte lies in frame {@code pfn}. */
    public synchronized long objectBytes(long pfn) {
        return objectBytes[(int) pfn];
    }

    /** Returns the ranges page allocators manage, in creation order. */
    public synchronized List<PageAllocatorConfig> ranges() {
        return List.copyOf(ranges);
    }
}
