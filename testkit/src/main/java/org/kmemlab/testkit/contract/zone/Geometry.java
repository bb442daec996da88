package org.kmemlab.testkit.contract.zone;

import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;

/**
 * A machine the zone contract boots: a profile and an amount of RAM, chosen for the zone layout it
 * gives.
 *
 * @param profile the machine profile
 * @param ram the RAM in bytes
 * @param why what this layout exercises, for the report
 */
record Geometry(MachineProfile profile, long ram, String why) {

    /** The 1996 PC: 16 MiB, all of it ZONE_DMA, which boot memory splits into two free ranges. */
    static final Geometry I386_16M = new Geometry(MachineProfile.I386_LINUX_2_0, 16 * Sizes.MiB,
            "all DMA, two free ranges around the ISA hole and the kernel");
    /** A 2.0 PC with a little ZONE_NORMAL above the DMA zone. */
    static final Geometry I386_24M = new Geometry(MachineProfile.I386_LINUX_2_0, 24 * Sizes.MiB,
            "DMA plus 8 MiB of Normal");
    /** The smallest x86_64 machine: DMA and a small DMA32. */
    static final Geometry X86_64_64M = new Geometry(MachineProfile.X86_64, 64 * Sizes.MiB, "DMA and DMA32");
    /** A modest x86_64 machine, uneven zone sizes. */
    static final Geometry X86_64_256M = new Geometry(MachineProfile.X86_64, 256 * Sizes.MiB,
            "DMA and a large DMA32");
    /**
     * A machine above 4 GiB: Normal starts at pfn 2^20, so pfns no longer fit 20 bits and DMA32 is a
     * million frames (memory is sparse, so this costs little).
     */
    static final Geometry X86_64_LARGE = new Geometry(MachineProfile.X86_64, 4 * Sizes.GiB + 32 * Sizes.MiB,
            "all three zones, Normal above 4 GiB");

    /** The geometries random chains choose from; the large one appears rarely. */
    static final List<Geometry> CHAINS = List.of(I386_16M, I386_24M, X86_64_64M, X86_64_256M, I386_16M, I386_24M,
            X86_64_64M, X86_64_LARGE);

    /** The small geometries scenario properties run on. */
    static final List<Geometry> SCENARIOS = List.of(I386_16M, I386_24M, X86_64_64M);

    /** A Linux 2.0 machine with memory above 16 MiB: where DMA as a page flag differs from a zone. */
    static final List<Geometry> LINUX20_ABOVE_DMA = List.of(I386_24M);

    /** Boots a fresh machine of this geometry. */
    Machine boot() {
        return Machine.boot(profile, ram);
    }

    @Override
    public String toString() {
        return profile.name() + " with " + Sizes.human(ram);
    }
}
