package org.kmemlab.kmalloc;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.kmemlab.api.BootMemory;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * What a {@link KernelBuilder} hands to {@link Kernel#assemble} and the small decisions of boot that
 * follow from it: which frames boot memory keeps, how large the per-thread magazines and page lists are,
 * which flags {@code slab_debug} adds to named caches, what {@code kmemlab.misuse} asks for, and the
 * line boot prints. The order in which the subsystems are made is the constructor of {@link Kernel}.
 */
final class KernelBoot {

    private static final long PAGE_MASK = MachineProfile.PAGE_SIZE - 1;

    private KernelBoot() {
    }

    /** What a builder hands to {@link Kernel#assemble}. */
    record Parts(MachineProfile profile, long ram, Era era, Duration maxWait, long minFreeKbytes, boolean cpuCaches,
                 PageAllocatorProvider pages, ObjectAllocatorProvider objects, ZoneAllocatorProvider zones,
                 Supplier<SlabCacheProvider> slabs, List<KernelSettings.Setting> settings, Machine bareMachine) {
    }

    /** The debugging a builder asks for: {@code slab_debug} options and the fault injectors' knobs. */
    record Debugging(Set<SlabDebug.Option> slabDebug, FaultAttr failslab, FaultAttr failPageAlloc) {
        static final Debugging OFF = new Debugging(Set.of(), FaultAttr.OFF, FaultAttr.OFF);
    }

    /** Returns the machine's frame table with the frames boot memory reserved marked RESERVED. */
    static FrameTable frameTable(Machine machine) {
        FrameTable frames = new FrameTable(machine);
        for (BootMemory.Region r : machine.bootMemory().reservations()) {
            frames.reserve(r.start() >>> MachineProfile.PAGE_SHIFT,
                    Math.min(machine.frames(), (r.end() + PAGE_MASK) >>> MachineProfile.PAGE_SHIFT));
        }
        return frames;
    }

    /** Returns each size class's magazine capacity, all 0 when per-thread caching is off. */
    static int[] magazineCapacities(InstalledSizeClasses classes, boolean cpuCaches) {
        int[] capacity = new int[classes.count()];
        for (int s = 0; s < capacity.length; s++) {
            capacity[s] = cpuCaches ? SmallObjects.magazineCapacity(classes.size(s)) : 0;
        }
        return capacity;
    }

    /** The per-thread page list mark: about one list entry per 4096 frames of RAM, 2 to 32. */
    static int pcpHigh(long frames) {
        return (int) Math.max(2, Math.min(32, frames >>> 12));
    }

    /** Reads {@code kmemlab.misuse}: {@code stop} (the default) or {@code carry-on}. */
    static boolean carryOn(List<KernelSettings.Setting> settings) {
        for (KernelSettings.Setting s : settings) {
            if (s.key().equals("misuse") && s.value() != null) {
                String v = s.value().trim();
                Checks.requireArgument(v.equals("stop") || v.equals("carry-on"),
                        "misuse '%s' (%s) is neither stop nor carry-on", s.value(), s.source());
                return v.equals("carry-on");
            }
        }
        return false;
    }

    /** The {@link SlabFlags} that {@code slab_debug=P} and {@code Z} add to every named cache. */
    static int cacheDebugFlags(Set<SlabDebug.Option> slabDebug) {
        return (slabDebug.contains(SlabDebug.Option.POISON) ? SlabFlags.SLAB_POISON : 0)
                | (slabDebug.contains(SlabDebug.Option.RED_ZONE) ? SlabFlags.SLAB_RED_ZONE : 0);
    }

    /**
     * The line boot prints: the providers, the era and the size classes learnt. No kernel printed it, so it
     * starts with {@code kmemlab:} like the machine's own boot line.
     */
    static String banner(Parts parts, Era era, InstalledSizeClasses classes) {
        return "kmemlab: kmalloc: pages=" + parts.pages().name() + " objects=" + parts.objects().name()
                + " zones=" + parts.zones().name() + ", " + era + " era, " + classes.count() + " size classes up to "
                + classes.maxSize() + " bytes, "
                + (classes.maxSize() >= era.maxKmallocSize() ? "nothing larger"
                        : "larger up to " + era.maxKmallocSize() + " bytes from pages");
    }
}
