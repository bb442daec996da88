package org.kmemlab.testkit.zoo;

import org.kmemlab.api.Era;
import org.kmemlab.api.spi.ObjectAllocatorConfig;

/**
 * A third correct object allocator, unlike {@link SlabObjects} (power-of-two classes, one-page slabs) and
 * {@link FirstFitObjects}: the size classes of today's kmalloc with its two odd ones (96 and 192 bytes,
 * which leave slack at the end of every page), and slabs that grow with the class (one page up to 512
 * bytes, two pages up to 4 KiB, four for 8 KiB). So {@code shrink()} gives back blocks of several sizes,
 * slabinfo rows have several pages per slab, and bytes at the end of a page belong to no object: the
 * contract must accept all of it.
 */
class MixedClassesObjects extends SlabObjects {

    private static final long[] MODERN = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
    private static final long[] LINUX_2_0 = {32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096};

    private final long[] classes;

    MixedClassesObjects(ObjectAllocatorConfig config) {
        super(config);
        this.classes = config.era() == Era.MODERN ? MODERN.clone() : LINUX_2_0.clone();
        caches.clear();
        for (boolean dma : new boolean[] {false, true}) {
            for (long size : classes) {
                int order = size <= 512 ? 0 : size <= 4096 ? 1 : 2;
                caches.add(new Cache((dma ? "dma-kmalloc-" : "kmalloc-") + size, size, order, dma));
            }
        }
    }

    @Override
    public long maxSize() {
        return classes[classes.length - 1];
    }

    @Override
    protected long classFor(long size) {
        for (long c : classes) {
            if (c >= size) {
                return c;
            }
        }
        return classes[classes.length - 1];
    }

    @Override
    public void checkInvariants() {
        super.checkInvariants();
        for (Cache c : caches) {
            for (Slab s : c.slabs) {
                org.kmemlab.api.Checks.requireState(s.inUse >= 0 && s.inUse <= s.used.length,
                        "slab of %s at %x counts %d objects in use of %d", c.name, s.base, s.inUse, s.used.length);
            }
        }
    }
}
