package org.kmemlab.kmalloc;

import java.time.Duration;
import java.util.List;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;

/**
 * The settings a {@link KernelBuilder} resolved, before (or without) booting: the one answer to "which
 * machine, which era, which providers", with where each value came from. Anything that must agree with
 * the kernel (the memory map's frame watcher, a lesson's error message naming the providers in use)
 * reads it here instead of resolving the options again.
 *
 * @param profile the machine profile
 * @param ram RAM in bytes
 * @param era the kmalloc era
 * @param maxWait how long an allocation that may sleep waits for memory
 * @param minFreeKbytes {@code min_free_kbytes}, or 0 to compute it
 * @param cpuCaches whether per-thread caches are on
 * @param pages the page allocator provider's name (of the instance, when one was passed)
 * @param objects the object allocator provider's name
 * @param zones the zone allocator provider's name
 * @param slabs the slab cache provider's name (looked up only when a named cache is created)
 * @param sources each setting with its value and source, in {@link KernelSettings#KEYS} order
 */
public record ResolvedSettings(MachineProfile profile, long ram, Era era, Duration maxWait, long minFreeKbytes,
                               boolean cpuCaches, String pages, String objects, String zones, String slabs,
                               List<KernelSettings.Setting> sources) {

    /** Copies the list. */
    public ResolvedSettings {
        sources = List.copyOf(sources);
    }

    /** Returns the number of page frames of RAM, as the booted machine will have them. */
    public long frames() {
        return ram >> MachineProfile.PAGE_SHIFT;
    }

    /**
     * Returns where {@code key}'s value came from: {@code builder}, {@code command line},
     * {@code system property kmemlab.KEY}, the properties file's name, {@code default of this command} or
     * {@code default}.
     *
     * @throws IllegalArgumentException for a key that is not a kernel setting
     */
    public String sourceOf(String key) {
        String bare = KernelSettings.bareKey(key);
        for (KernelSettings.Setting s : sources) {
            if (s.key().equals(bare)) {
                return s.source();
            }
        }
        throw new IllegalStateException("setting " + bare + " was not resolved");
    }

    /** Returns one line per setting: key, value and source (what {@link Kernel#configuration()} prints). */
    public String describe() {
        return KernelSettings.describe(sources, profile.name(), Sizes.human(ram), era.name(), maxWait.toMillis() + "ms");
    }
}
