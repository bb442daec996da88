package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;

/**
 * A named slab cache of a running kernel ({@code struct kmem_cache *}), returned by
 * {@link Kernel#kmemCacheCreate} and passed back to {@code kmemCacheAlloc}, {@code kmemCacheFree},
 * {@code kmemCacheShrink} and {@code kmemCacheDestroy}.
 *
 * <p>Behind it: the installed {@link SlabCache} (the student's or the reference {@code slab-reference}),
 * called under this cache's own lock, and one magazine of free objects per thread in front of it, as
 * kmalloc has per size class ({@link KmemCaches}). A handle is not usable after
 * {@code kmemCacheDestroy}.
 */
public final class KmemCache implements org.kmemlab.api.SlabCaches.Cache {

    final int id;
    final SlabCache spi;
    final SlabCacheConfig config;
    /** Every call into {@link #spi} holds this lock. */
    final Object lock = new Object();
    final ThreadLocal<Magazine> magazine;
    final List<Magazine> magazines = new ArrayList<>();
    final int capacity;
    volatile boolean destroyed;

    KmemCache(int id, SlabCache spi, SlabCacheConfig config, int capacity) {
        this.id = id;
        this.spi = spi;
        this.config = config;
        this.capacity = capacity;
        this.magazine = ThreadLocal.withInitial(this::newMagazine);
    }

    private Magazine newMagazine() {
        Magazine m = new Magazine(Thread.currentThread(), capacity);
        synchronized (magazines) {
            magazines.removeIf(old -> !old.owner.isAlive() && old.count == 0);
            magazines.add(m);
        }
        return m;
    }

    /** Returns the cache's name, as {@code /proc/slabinfo} shows it. */
    @Override
    public String name() {
        return config.name();
    }

    /** Returns the object size asked for at creation. */
    @Override
    public long objectSize() {
        return config.size();
    }

    /** Returns the alignment of every object ({@code SlabFlags.alignment}). */
    @Override
    public int alignment() {
        return config.alignment();
    }

    /** Returns the flags the cache was created with, slab_debug's included ({@code SlabFlags}). */
    public int flags() {
        return config.flags();
    }

    @Override
    public String toString() {
        return "kmem_cache " + config.name() + " (" + config.size() + " bytes" + (destroyed ? ", destroyed)" : ")");
    }

    /** One thread's stock of free objects of one cache; only its owner touches it while the owner lives. */
    static final class Magazine {
        final Thread owner;
        final long[] objects;
        int count;

        Magazine(Thread owner, int capacity) {
            this.owner = owner;
            this.objects = new long[capacity];
        }
    }
}
