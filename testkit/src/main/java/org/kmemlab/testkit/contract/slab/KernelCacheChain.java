package org.kmemlab.testkit.contract.slab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.SlabCaches;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * The kernel contract's property over named caches ({@code kernel.named-caches}): one cache created
 * through {@link KernelMemory#slabCaches()} with a random size, alignment and constructor, used beside
 * kmalloc. Cache objects are aligned, overlap nothing live (kmalloc memory included), come back
 * constructed, keep their bytes; a kmalloc object freed into the cache, a second free and a destroy with
 * live objects raise {@code KernelBug}; slabinfo has the cache's row; shrink returns the pages the row
 * loses; destroy works once all is free. Every check cites the rule of {@link SlabCaches} (or of
 * {@link KernelMemory}, for kmalloc and the bytes of live memory) it enforces. A kernel without named
 * caches ({@code slabCaches()} null, as in Linux 2.0) has nothing to check.
 */
public final class KernelCacheChain implements StateMachine<KernelCacheChain.State> {

    /** The byte the contract's constructor writes over a whole object. */
    static final byte CONSTRUCTED = (byte) 0xc7;

    /** One chain: the kernel, its cache and the live objects of both kinds by label. */
    public static final class State {
        final KernelMemory kernel;
        final SlabCaches caches;
        SlabCaches.Cache cache;
        long size;
        boolean ctor;
        final Map<String, Long> objects = new LinkedHashMap<>();
        final Map<String, Long> kmalloced = new LinkedHashMap<>();
        final Map<String, Long> freed = new LinkedHashMap<>();
        boolean destroyed;
        int next;
        /** Cache allocations that returned an object and frees the cache accepted. */
        long exercised;
        /** A free ran since the last allocation or shrink: the cache may hold an empty slab now. */
        boolean freedSince;

        State(KernelMemory kernel) {
            this.kernel = kernel;
            this.caches = kernel.slabCaches();
        }

        long extentOf(String label) {
            return objects.containsKey(label) ? size : kernel.ksize(kmalloced.get(label));
        }

        String overlapping(long addr, long length) {
            for (Map<String, Long> m : List.of(objects, kmalloced)) {
                for (Map.Entry<String, Long> e : m.entrySet()) {
                    long other = e.getValue();
                    long otherLength = extentOf(e.getKey());
                    if (Long.compareUnsigned(addr, other + otherLength) < 0
                            && Long.compareUnsigned(other, addr + length) < 0) {
                        return e.getKey();
                    }
                }
            }
            return null;
        }

        static byte pattern(String label) {
            return (byte) (0x10 + (label.hashCode() & 0x3f));
        }
    }

    private final Supplier<? extends KernelMemory> kernels;

    private KernelCacheChain(Supplier<? extends KernelMemory> kernels) {
        this.kernels = kernels;
    }

    /** Returns the property for the kernels {@code kernels} boots. */
    public static ContractProperty property(Supplier<? extends KernelMemory> kernels, String subject,
                                            String replayPrefix) {
        return ContractProperty.stateful("kernel.named-caches", "Named caches (kmem_cache_*) beside kmalloc:"
                + " aligned, constructed, never overlapping; wrong-cache and double frees and destroy with live"
                + " objects raise KernelBug", subject, replayPrefix, new KernelCacheChain(kernels),
                Rule.KERNEL_CACHE_ALLOC);
    }

    @Override
    public State setUp(Randomness random) {
        State s = new State(kernels.get());
        if (s.caches == null) {
            return s;
        }
        // Small objects (many per page), any size up to two pages, and large ones (which most allocators
        // put in slabs of several pages: what kmem_cache_shrink must count as pages, not slabs).
        int draw = random.between(0, 3);
        s.size = draw < 2 ? random.boundarySize(512) : draw == 2 ? random.boundarySize(8192)
                : 1024 + random.boundarySize(7168);
        int align = random.percent(60) ? 0 : 8 << random.between(0, 5);
        int flags = random.percent(50) ? SlabFlags.SLAB_HWCACHE_ALIGN : 0;
        s.ctor = random.percent(60);
        long size = s.size;
        KernelMemory k = s.kernel;
        s.cache = s.caches.create("contract_cache", size, align, flags,
                s.ctor ? addr -> k.fill(addr, size, CONSTRUCTED) : null);
        return s;
    }

    @Override
    public String describeSetUp(State s) {
        return s.caches == null ? "kernel.slabCaches() is null: no named caches to check"
                : "cache = kmem_cache_create(\"contract_cache\", " + s.size + ", alignment " + s.cache.alignment()
                + ", " + (s.ctor ? "ctor" : "no ctor") + ")";
    }

    @Override
    public Action<State> nextAction(State s, Randomness random) {
        if (s.caches == null || s.destroyed) {
            return null;
        }
        // Right after frees a slab may be empty: shrink then, often, or the next allocation takes it again.
        if (s.freedSince && random.percent(30)) {
            return new KernelCacheActions.Shrink();
        }
        int kind = random.choose(40, 25, 12, 8, 5, 4, 3, 4, 10, 4);
        List<String> objects = new ArrayList<>(s.objects.keySet());
        List<String> kmalloced = new ArrayList<>(s.kmalloced.keySet());
        switch (kind) {
            case 1:
                if (!objects.isEmpty()) {
                    return new KernelCacheActions.Free(random.pick(objects));
                }
                break;
            case 2:
                return new KernelCacheActions.Kmalloc("k" + s.next++, random.boundarySize(512));
            case 3:
                if (!kmalloced.isEmpty()) {
                    return new KernelCacheActions.Kfree(random.pick(kmalloced));
                }
                break;
            case 4:
                if (!kmalloced.isEmpty()) {
                    return new KernelCacheActions.Misuse("wrong-cache", random.pick(kmalloced));
                }
                break;
            case 5:
                if (!s.freed.isEmpty()) {
                    return new KernelCacheActions.Misuse("double", random.pick(new ArrayList<>(s.freed.keySet())));
                }
                break;
            case 6:
                if (!objects.isEmpty()) {
                    return new KernelCacheActions.Misuse("destroy", null);
                }
                break;
            case 7:
                if (objects.isEmpty()) {
                    return new KernelCacheActions.Destroy();
                }
                break;
            case 8:
                return new KernelCacheActions.Shrink();
            case 9:
                if (!objects.isEmpty()) {
                    return new KernelCacheActions.FreeAll();
                }
                break;
            default:
                break;
        }
        return new KernelCacheActions.Alloc("c" + s.next++);
    }

    @Override
    public void checkInvariants(State s) {
        if (s.caches == null) {
            return;
        }
        SlabInfo row = row(s);
        if (s.destroyed != (row == null)) {
            throw (s.destroyed ? Rule.KERNEL_CACHE_DESTROY : Rule.KERNEL_CACHE_SLABINFO).violation(
                    "/proc/slabinfo has one row per live named cache",
                    s.destroyed ? "no contract_cache row after destroy" : "a contract_cache row",
                    row == null ? "none" : row.toString());
        }
        if (row != null && row.activeObjects() < s.objects.size()) {
            throw Rule.KERNEL_CACHE_SLABINFO.violation("slabinfo's active objects count at least the live cache objects",
                    "at least " + s.objects.size(), Long.toString(row.activeObjects()));
        }
        for (Map<String, Long> m : List.of(s.objects, s.kmalloced)) {
            for (Map.Entry<String, Long> e : m.entrySet()) {
                long length = m == s.objects ? s.size : s.kernel.ksize(e.getValue());
                byte[] bytes = new byte[(int) Math.min(length, 64)];
                s.kernel.read(e.getValue(), bytes, 0, bytes.length);
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] != State.pattern(e.getKey())) {
                        throw Rule.KERNEL_MEMORY.violation("the bytes of live " + e.getKey() + " at 0x"
                                + Long.toHexString(e.getValue()) + " changed although only its user wrote to it",
                                "the pattern written at allocation", "0x" + Integer.toHexString(bytes[i] & 0xff)
                                + " at offset " + i);
                    }
                }
            }
        }
    }

    /**
     * Counts the cache allocations that returned an object and the frees the cache accepted, so that a
     * kernel whose caches return NULL for everything fails ({@code kernel.cache-alloc}) instead of passing
     * having checked nothing; -1 (not counted) for a kernel without named caches.
     */
    @Override
    public long exercised(State s) {
        return s.caches == null ? -1 : s.exercised;
    }

    /** Returns the kernel's slabinfo row of the contract's cache, or null when it has none. */
    static SlabInfo row(State s) {
        SlabInfo row = null;
        for (SlabInfo r : s.kernel.slabinfo()) {
            if (r.name().equals("contract_cache")) {
                row = r;
            }
        }
        return row;
    }

    /** Draws the cache's slabinfo row beside the model for the failure page ({@link SlabPicture}). */
    @Override
    public org.kmemlab.testkit.property.Snapshot snapshot(State s) {
        return SlabPicture.of(s);
    }
}
