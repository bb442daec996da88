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

    private static final byte CONSTRUCTED = (byte) 0xc7;

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
            return new Shrink();
        }
        int kind = random.choose(40, 25, 12, 8, 5, 4, 3, 4, 10, 4);
        List<String> objects = new ArrayList<>(s.objects.keySet());
        List<String> kmalloced = new ArrayList<>(s.kmalloced.keySet());
        switch (kind) {
            case 1:
                if (!objects.isEmpty()) {
                    return new Free(random.pick(objects));
                }
                break;
            case 2:
                return new Kmalloc("k" + s.next++, random.boundarySize(512));
            case 3:
                if (!kmalloced.isEmpty()) {
                    return new Kfree(random.pick(kmalloced));
                }
                break;
            case 4:
                if (!kmalloced.isEmpty()) {
                    return new Misuse("wrong-cache", random.pick(kmalloced));
                }
                break;
            case 5:
                if (!s.freed.isEmpty()) {
                    return new Misuse("double", random.pick(new ArrayList<>(s.freed.keySet())));
                }
                break;
            case 6:
                if (!objects.isEmpty()) {
                    return new Misuse("destroy", null);
                }
                break;
            case 7:
                if (objects.isEmpty()) {
                    return new Destroy();
                }
                break;
            case 8:
                return new Shrink();
            case 9:
                if (!objects.isEmpty()) {
                    return new FreeAll();
                }
                break;
            default:
                break;
        }
        return new Alloc("c" + s.next++);
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

    /** {@code c3 = kmem_cache_alloc(cache, GFP_KERNEL)}. */
    record Alloc(String label) implements Action<State> {
        @Override
        public String describe() {
            return label + " = kmem_cache_alloc(cache, GFP_KERNEL)";
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed && !s.objects.containsKey(label);
        }

        @Override
        public String run(State s) {
            long addr;
            try {
                addr = s.caches.alloc(s.cache, Gfp.GFP_KERNEL);
            } catch (RuntimeException e) {
                throw Rule.KERNEL_CACHE_ALLOC.violation("kmem_cache_alloc in process context must return an object"
                        + " or NULL", "an address or NULL", e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (addr == KernelMemory.NULL) {
                return "NULL";
            }
            int align = s.cache.alignment();
            if ((addr & (align - 1)) != 0) {
                throw Rule.KERNEL_CACHE_ALIGNED.violation("a cache object must be aligned to the cache's alignment " + align,
                        "a multiple of " + align, "0x" + Long.toHexString(addr));
            }
            String other = s.overlapping(addr, s.size);
            if (other != null) {
                throw Rule.KERNEL_CACHE_ALLOC.violation("a cache object must overlap no live allocation",
                        "memory sharing no byte with " + other, "0x" + Long.toHexString(addr));
            }
            if (s.ctor) {
                byte[] bytes = new byte[(int) s.size];
                s.kernel.read(addr, bytes, 0, bytes.length);
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] != CONSTRUCTED) {
                        throw Rule.KERNEL_CACHE_CONSTRUCTED.violation("an object of a cache with a constructor must come constructed"
                                + " (every byte 0xc7 here), as its last user left it", "0xc7",
                                "0x" + Integer.toHexString(bytes[i] & 0xff) + " at offset " + i);
                    }
                }
            }
            s.freed.values().remove(addr);
            s.objects.put(label, addr);
            s.exercised++;
            s.freedSince = false;
            s.kernel.fill(addr, s.size, State.pattern(label));
            return "0x" + Long.toHexString(addr);
        }
    }

    /** {@code kmem_cache_free(cache, c3)}, after restoring the constructed state as a correct user does. */
    record Free(String label) implements Action<State> {
        @Override
        public String describe() {
            return "kmem_cache_free(cache, " + label + ")";
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed && s.objects.containsKey(label);
        }

        @Override
        public String run(State s) {
            long addr = s.objects.get(label);
            if (s.ctor) {
                s.kernel.fill(addr, s.size, CONSTRUCTED);
            }
            try {
                s.caches.free(s.cache, addr);
            } catch (KernelBug bug) {
                throw Rule.KERNEL_CACHE_FREE.violation("freeing live object " + label + " into its cache must be accepted",
                        "no KernelBug", SlabActions.bug(bug));
            }
            s.objects.remove(label);
            s.freed.put(label, addr);
            s.exercised++;
            s.freedSince = true;
            return "ok";
        }
    }

    /**
     * {@code kmem_cache_free} of every live cache object, as one step (each checked as {@link Free} does):
     * it empties slabs, so that shrink and destroy have something to give back within a short chain.
     */
    record FreeAll() implements Action<State> {
        @Override
        public String describe() {
            return "kmem_cache_free(cache, each live object)";
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed && !s.objects.isEmpty();
        }

        @Override
        public String run(State s) {
            List<String> labels = new ArrayList<>(s.objects.keySet());
            for (String label : labels) {
                new Free(label).run(s);
            }
            return labels.size() + " freed";
        }
    }

    /** {@code k2 = kmalloc(size, GFP_KERNEL)}: kmalloc memory beside the cache. */
    record Kmalloc(String label, long size) implements Action<State> {
        @Override
        public String describe() {
            return label + " = kmalloc(" + size + ", GFP_KERNEL)";
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed && !s.kmalloced.containsKey(label);
        }

        @Override
        public String run(State s) {
            long addr = s.kernel.kmalloc(size, Gfp.GFP_KERNEL);
            if (addr == KernelMemory.NULL) {
                return "NULL";
            }
            String other = s.overlapping(addr, s.kernel.ksize(addr));
            if (other != null) {
                throw Rule.KERNEL_KMALLOC.violation("kmalloc memory must overlap no live cache object or allocation",
                        "memory sharing no byte with " + other, "0x" + Long.toHexString(addr));
            }
            s.kmalloced.put(label, addr);
            s.kernel.fill(addr, s.kernel.ksize(addr), State.pattern(label));
            return "0x" + Long.toHexString(addr);
        }
    }

    /** {@code kfree(k2)}. */
    record Kfree(String label) implements Action<State> {
        @Override
        public String describe() {
            return "kfree(" + label + ")";
        }

        @Override
        public boolean precondition(State s) {
            return s.kmalloced.containsKey(label);
        }

        @Override
        public String run(State s) {
            s.kernel.kfree(s.kmalloced.remove(label));
            return "ok";
        }
    }

    /** A wrong call the kernel must refuse: a kmalloc object into the cache, a second free, a destroy with live objects. */
    record Misuse(String kind, String label) implements Action<State> {
        @Override
        public String describe() {
            return switch (kind) {
                case "wrong-cache" -> "kmem_cache_free(cache, " + label + ")  [kmalloc memory]";
                case "double" -> "kmem_cache_free(cache, " + label + ")  [again]";
                default -> "kmem_cache_destroy(cache)  [objects still live]";
            };
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed && switch (kind) {
                case "wrong-cache" -> s.kmalloced.containsKey(label);
                case "double" -> s.freed.containsKey(label);
                default -> !s.objects.isEmpty();
            };
        }

        @Override
        public String run(State s) {
            try {
                switch (kind) {
                    case "wrong-cache" -> s.caches.free(s.cache, s.kmalloced.get(label));
                    case "double" -> s.caches.free(s.cache, s.freed.get(label));
                    default -> s.caches.destroy(s.cache);
                }
            } catch (KernelBug bug) {
                String expected = "kmem_cache_destroy contract_cache: Slab cache still has objects";
                if (kind.equals("destroy") && !bug.headline().equals(expected)) {
                    throw Rule.KERNEL_CACHE_DESTROY_LIVE.violation(
                            "kmem_cache_destroy with live objects must say so as Linux does",
                            expected, bug.headline());
                }
                return SlabActions.bug(bug);
            }
            if (kind.equals("destroy")) {
                s.destroyed = true;
            }
            throw (kind.equals("destroy") ? Rule.KERNEL_CACHE_DESTROY_LIVE : Rule.KERNEL_CACHE_BAD_FREE).violation(
                    describe() + " must raise KernelBug", "KernelBug", "returned normally");
        }
    }

    /** {@code kmem_cache_destroy(cache)} once every object is free. */
    record Destroy() implements Action<State> {
        @Override
        public String describe() {
            return "kmem_cache_destroy(cache)";
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed && s.objects.isEmpty();
        }

        @Override
        public String run(State s) {
            try {
                s.caches.destroy(s.cache);
            } catch (KernelBug bug) {
                throw Rule.KERNEL_CACHE_DESTROY.violation("kmem_cache_destroy of a cache without live objects must succeed",
                        "no KernelBug", SlabActions.bug(bug));
            }
            s.destroyed = true;
            return "ok";
        }
    }

    /**
     * {@code kmem_cache_shrink(cache)}: the pages it returns are exactly the pages the cache's slabinfo row
     * loses. A kernel with per-CPU caches (magazines) first empties the calling thread's into the slabs, and
     * the slab allocator may give pages back right then, before the shrink proper: those pages are given
     * back by the call too, and counted.
     */
    record Shrink() implements Action<State> {
        @Override
        public String describe() {
            return "kmem_cache_shrink(cache)";
        }

        @Override
        public boolean precondition(State s) {
            return !s.destroyed;
        }

        @Override
        public String run(State s) {
            SlabInfo row = row(s);
            long before = pages(row);
            long returned = s.caches.shrink(s.cache);
            s.freedSince = false;
            long after = pages(row(s));
            if (returned != before - after) {
                throw Rule.KERNEL_CACHE_SHRINK.violation("kmem_cache_shrink returns the pages it gave back: slabinfo's"
                        + " pages of contract_cache went from " + before + " to " + after, (before - after) + " pages",
                        Long.toString(returned));
            }
            return returned + " pages";
        }

        private static long pages(SlabInfo row) {
            return row == null ? 0 : row.totalSlabs() * row.pagesPerSlab();
        }
    }
}
