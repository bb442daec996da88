package org.kmemlab.kmalloc;

import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.spi.Shrinker;

/**
 * Small pieces that connect {@link Kernel} to debugging without growing it: the quarantine's shrinker
 * and a quiet flush of the quarantine.
 */
final class KernelDebug {

    private KernelDebug() {
    }

    /**
     * Returns a shrinker that empties the debug quarantine under memory pressure, then the per-thread
     * caches the objects went to and the slab pages left empty ({@link Kernel#drainCpuCaches()}). A
     * corruption found on the way out is logged to dmesg (by {@link SlabDebug}) and not thrown: reclaim
     * runs on behalf of an unrelated allocation, which must not fail for it. Like the cache shrinker it
     * does nothing when called from inside the object allocator.
     */
    static Shrinker quarantineShrinker(Kernel kernel, SlabDebug debug) {
        return new Shrinker() {
            @Override
            public String name() {
                return "slab-debug-quarantine";
            }

            @Override
            public long count() {
                return kernel.insideObjectAllocator() ? 0 : debug.quarantineBytes() >>> MachineProfile.PAGE_SHIFT;
            }

            @Override
            public long scan(long pages) {
                return kernel.insideObjectAllocator() ? 0 : kernel.drainCpuCaches();
            }
        };
    }

    /** Empties the quarantine; a corruption is logged, not thrown. Returns the bytes given back. */
    static long flushQuietly(SlabDebug debug) {
        long bytes = debug.quarantineBytes();
        try {
            debug.flushQuarantine();
        } catch (CorruptionBug logged) {
            // SlabDebug logged the report to dmesg; the objects were given back all the same.
        }
        return bytes;
    }
}
