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
 * The steps of {@link KernelCacheChain} ({@code kernel.named-caches}): allocating from and freeing into the
 * contract's named cache, kmalloc beside it, the misuses the kernel must refuse, shrink and destroy. Each
 * checks what the kernel answered against the chain's model and cites the rule of
 * {@link org.kmemlab.api.SlabCaches} (or {@link KernelMemory}) it enforces.
 */
final class KernelCacheActions {

    private KernelCacheActions() {
    }

    /** {@code c3 = kmem_cache_alloc(cache, GFP_KERNEL)}. */
    record Alloc(String label) implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return label + " = kmem_cache_alloc(cache, GFP_KERNEL)";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed && !s.objects.containsKey(label);
        }

        @Override
        public String run(KernelCacheChain.State s) {
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
                    if (bytes[i] != KernelCacheChain.CONSTRUCTED) {
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
            s.kernel.fill(addr, s.size, KernelCacheChain.State.pattern(label));
            return "0x" + Long.toHexString(addr);
        }
    }

    /** {@code kmem_cache_free(cache, c3)}, after restoring the constructed state as a correct user does. */
    record Free(String label) implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return "kmem_cache_free(cache, " + label + ")";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed && s.objects.containsKey(label);
        }

        @Override
        public String run(KernelCacheChain.State s) {
            long addr = s.objects.get(label);
            if (s.ctor) {
                s.kernel.fill(addr, s.size, KernelCacheChain.CONSTRUCTED);
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
    record FreeAll() implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return "kmem_cache_free(cache, each live object)";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed && !s.objects.isEmpty();
        }

        @Override
        public String run(KernelCacheChain.State s) {
            List<String> labels = new ArrayList<>(s.objects.keySet());
            for (String label : labels) {
                new Free(label).run(s);
            }
            return labels.size() + " freed";
        }
    }

    /** {@code k2 = kmalloc(size, GFP_KERNEL)}: kmalloc memory beside the cache. */
    record Kmalloc(String label, long size) implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return label + " = kmalloc(" + size + ", GFP_KERNEL)";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed && !s.kmalloced.containsKey(label);
        }

        @Override
        public String run(KernelCacheChain.State s) {
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
            s.kernel.fill(addr, s.kernel.ksize(addr), KernelCacheChain.State.pattern(label));
            return "0x" + Long.toHexString(addr);
        }
    }

    /** {@code kfree(k2)}. */
    record Kfree(String label) implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return "kfree(" + label + ")";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return s.kmalloced.containsKey(label);
        }

        @Override
        public String run(KernelCacheChain.State s) {
            s.kernel.kfree(s.kmalloced.remove(label));
            return "ok";
        }
    }

    /** A wrong call the kernel must refuse: a kmalloc object into the cache, a second free, a destroy with live objects. */
    record Misuse(String kind, String label) implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return switch (kind) {
                case "wrong-cache" -> "kmem_cache_free(cache, " + label + ")  [kmalloc memory]";
                case "double" -> "kmem_cache_free(cache, " + label + ")  [again]";
                default -> "kmem_cache_destroy(cache)  [objects still live]";
            };
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed && switch (kind) {
                case "wrong-cache" -> s.kmalloced.containsKey(label);
                case "double" -> s.freed.containsKey(label);
                default -> !s.objects.isEmpty();
            };
        }

        @Override
        public String run(KernelCacheChain.State s) {
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
    record Destroy() implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return "kmem_cache_destroy(cache)";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed && s.objects.isEmpty();
        }

        @Override
        public String run(KernelCacheChain.State s) {
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
    record Shrink() implements Action<KernelCacheChain.State> {
        @Override
        public String describe() {
            return "kmem_cache_shrink(cache)";
        }

        @Override
        public boolean precondition(KernelCacheChain.State s) {
            return !s.destroyed;
        }

        @Override
        public String run(KernelCacheChain.State s) {
            long before = pages(KernelCacheChain.row(s));
            long returned = s.caches.shrink(s.cache);
            s.freedSince = false;
            long after = pages(KernelCacheChain.row(s));
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
