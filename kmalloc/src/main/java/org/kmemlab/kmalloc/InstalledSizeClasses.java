package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.stats.SlabInfo;

/**
 * The size classes of the installed object allocator, as it declares them
 * ({@link ObjectAllocator#sizeClasses()}) or learnt by probing it, and the map from a request size to a
 * class: kmalloc's {@code kmalloc_index()}.
 *
 * <h2>Why probe</h2>
 * An allocator that declares its classes is taken at its word (the kernel contract still checks every
 * ksize). One that does not, a submission written before {@code sizeClasses()} existed, is probed.
 * The SPI lets every object allocator choose its own classes (Linux 2.0's 32, 64, 128, 252 … byte
 * buckets with 8-byte headers, SLUB's 8, 16, 32, 64, 96 …). The per-thread magazines in front of it
 * must keep objects of one class together, so kmalloc needs the classes. It learns them at boot the way a
 * curious student would: allocate 1 byte and ask {@link ObjectAllocator#usableSize}; that is the first
 * class. Then allocate one byte more than that class holds; that is the next class, and so on up to
 * {@link ObjectAllocator#maxSize()}. Each probe object is freed at once and {@code shrink()} gives the
 * pages back, so the allocator ends as it began.
 *
 * <p>Worked example with Linux 2.0's buckets: {@code allocate(1)} has usable size 24 (a 32-byte block
 * minus its 8-byte header), {@code allocate(25)} has 56, {@code allocate(57)} has 120, and so on. A
 * request for 100 bytes then maps to the class of 120 bytes, served from the magazine of class 2.
 *
 * <p>Normal and DMA classes are probed separately (classes {@code 0..n-1} and {@code n..n+m-1}); their
 * cache names come from the {@code /proc/slabinfo} row whose active count the probe raised. At most
 * {@link #MAX_CLASSES} classes of each kind are cached; larger requests still work, through the
 * object allocator under its lock.
 */
final class InstalledSizeClasses {

    /** The most classes of one kind that get magazines. */
    static final int MAX_CLASSES = 48;
    /** Requests up to this size map to a class through a table; larger ones by binary search. */
    private static final int TABLE_LIMIT = 1 << 16;

    private final long[] sizes;
    private final String[] names;
    private final int normalCount;
    private final byte[] normalTable;
    private final byte[] dmaTable;
    private final long maxSize;

    private InstalledSizeClasses(long[] sizes, String[] names, int normalCount, long maxSize) {
        this.sizes = sizes;
        this.names = names;
        this.normalCount = normalCount;
        this.maxSize = maxSize;
        this.normalTable = table(0, normalCount);
        this.dmaTable = table(normalCount, sizes.length);
    }

    /**
     * Returns the classes {@code objects} declares ({@link ObjectAllocator#sizeClasses()}), or probes for
     * them when it declares none. At most {@link #MAX_CLASSES} of each kind are kept.
     *
     * @throws IllegalStateException when the declared classes are not ascending within each kind
     */
    static InstalledSizeClasses of(ObjectAllocator objects, String providerName) {
        List<org.kmemlab.api.spi.SizeClass> declared = objects.sizeClasses();
        if (declared == null || declared.isEmpty()) {
            return probe(objects, providerName);
        }
        List<Long> sizes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int normal = 0;
        for (boolean dma : new boolean[] {false, true}) {
            long last = 0;
            int kept = 0;
            for (org.kmemlab.api.spi.SizeClass c : declared) {
                if (c.dma() != dma) {
                    continue;
                }
                if (c.size() <= last) {
                    throw new IllegalStateException("object allocator " + providerName + " declares size class "
                            + c.name() + " of " + c.size() + " bytes after one of " + last + " bytes; sizeClasses() must"
                            + " list each kind smallest first");
                }
                last = c.size();
                if (kept++ < MAX_CLASSES) {
                    sizes.add(c.size());
                    names.add(c.name());
                }
            }
            if (!dma) {
                normal = sizes.size();
            }
        }
        long[] s = new long[sizes.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = sizes.get(i);
        }
        return new InstalledSizeClasses(s, names.toArray(new String[0]), normal, objects.maxSize());
    }

    /**
     * Probes {@code objects} for its classes; called at boot with the object allocator's lock held.
     *
     * @throws IllegalStateException when the allocator's usable size is below what was asked
     */
    static InstalledSizeClasses probe(ObjectAllocator objects, String providerName) {
        long max = objects.maxSize();
        List<Long> sizes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        probeKind(objects, providerName, Gfp.GFP_KERNEL, max, sizes, names);
        int normal = sizes.size();
        probeKind(objects, providerName, Gfp.GFP_KERNEL | Gfp.GFP_DMA, max, sizes, names);
        objects.shrink();
        long[] s = new long[sizes.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = sizes.get(i);
        }
        return new InstalledSizeClasses(s, names.toArray(new String[0]), normal, max);
    }

    /** Builds classes from known sizes (for tests); DMA classes equal the normal ones. */
    static InstalledSizeClasses of(long maxSize, long... classSizes) {
        long[] s = new long[classSizes.length * 2];
        String[] n = new String[s.length];
        for (int i = 0; i < classSizes.length; i++) {
            s[i] = classSizes[i];
            s[i + classSizes.length] = classSizes[i];
            n[i] = "kmalloc-" + classSizes[i];
            n[i + classSizes.length] = "dma-kmalloc-" + classSizes[i];
        }
        return new InstalledSizeClasses(s, n, classSizes.length, maxSize);
    }

    private static void probeKind(ObjectAllocator objects, String providerName, int gfp, long max,
                                  List<Long> sizes, List<String> names) {
        long request = 1;
        int found = 0;
        while (request <= max && found < MAX_CLASSES) {
            List<SlabInfo> before = objects.slabinfo();
            long addr = objects.allocate(request, gfp);
            if (addr == ObjectAllocator.NULL) {
                return;
            }
            long usable;
            List<SlabInfo> after;
            try {
                usable = objects.usableSize(addr);
                after = objects.slabinfo();
            } finally {
                objects.free(addr);
            }
            if (usable < request) {
                throw new IllegalStateException("object allocator " + providerName + " returned usable size "
                        + usable + " for a request of " + request + " bytes; usableSize must be at least the request");
            }
            sizes.add(usable);
            names.add(grownRow(before, after, (gfp & Gfp.GFP_DMA) != 0, usable));
            found++;
            request = usable + 1;
        }
    }

    /** Names the cache whose active count grew, or makes up the SLUB name when none did. */
    private static String grownRow(List<SlabInfo> before, List<SlabInfo> after, boolean dma, long usable) {
        for (SlabInfo row : after) {
            long was = 0;
            for (SlabInfo old : before) {
                if (old.name().equals(row.name())) {
                    was = old.activeObjects();
                }
            }
            if (row.activeObjects() > was) {
                return row.name();
            }
        }
        return (dma ? "dma-kmalloc-" : "kmalloc-") + usable;
    }

    private byte[] table(int from, int to) {
        int limit = (int) Math.min(TABLE_LIMIT, to > from ? sizes[to - 1] : 0);
        byte[] table = new byte[limit + 1];
        int sizeClass = from;
        for (int size = 1; size <= limit; size++) {
            while (sizes[sizeClass] < size) {
                sizeClass++;
            }
            table[size] = (byte) sizeClass;
        }
        return table;
    }

    /**
     * Returns the size class for a request of {@code size} bytes (1 .. {@link #maxSize()}), DMA when
     * {@code dma}, or -1 when no probed class holds it.
     */
    int classFor(long size, boolean dma) {
        byte[] table = dma ? dmaTable : normalTable;
        if (size < table.length) {
            return table[(int) size];
        }
        int from = dma ? normalCount : 0;
        int to = dma ? sizes.length : normalCount;
        int low = from;
        int high = to - 1;
        if (high < low || sizes[high] < size) {
            return -1;
        }
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sizes[mid] >= size) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** Returns the table of {@link #classFor}: element {@code size} is the class of a request of that size. */
    byte[] table(boolean dma) {
        return dma ? dmaTable : normalTable;
    }

    /** Returns the number of classes, normal and DMA. */
    int count() {
        return sizes.length;
    }

    /** Returns the usable size of the objects of {@code sizeClass}. */
    long size(int sizeClass) {
        return sizes[sizeClass];
    }

    /** Returns the cache name of {@code sizeClass}, e.g. {@code kmalloc-64} or {@code dma-kmalloc-64}. */
    String name(int sizeClass) {
        return names[sizeClass];
    }

    /** Returns true when {@code sizeClass} is a DMA class. */
    boolean isDma(int sizeClass) {
        return sizeClass >= normalCount;
    }

    /** Returns the largest request the object allocator serves. */
    long maxSize() {
        return maxSize;
    }

    /** Returns the largest probed class of the given kind, 0 when none was probed. */
    long largestClass(boolean dma) {
        int last = dma ? sizes.length - 1 : normalCount - 1;
        int first = dma ? normalCount : 0;
        return last >= first ? sizes[last] : 0;
    }
}
