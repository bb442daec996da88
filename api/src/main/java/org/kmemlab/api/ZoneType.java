package org.kmemlab.api;

/**
 * The kinds of memory zone, in the order of the kernel's {@code enum zone_type}: lowest first.
 *
 * <p>A zone is a range of physical memory with one property in common. ZONE_DMA is what an ISA DMA
 * controller can reach (below 16 MiB on x86, 24 address bits). ZONE_DMA32 is what a 32-bit device can reach
 * (below 4 GiB, x86_64 only). ZONE_NORMAL is everything else the kernel maps directly.
 */
public enum ZoneType {

    /** Memory an ISA DMA controller can reach: below 16 MiB. */
    DMA("DMA", 256),
    /** Memory a 32-bit device can reach: below 4 GiB (x86_64 only). */
    DMA32("DMA32", 256),
    /** All other directly mapped memory. */
    NORMAL("Normal", 32);

    private final String procName;
    private final int lowmemReserveRatio;

    ZoneType(String procName, int lowmemReserveRatio) {
        this.procName = procName;
        this.lowmemReserveRatio = lowmemReserveRatio;
    }

    /** Returns the name the kernel prints in {@code /proc/zoneinfo} and {@code /proc/buddyinfo}. */
    public String procName() {
        return procName;
    }

    /**
     * Returns this zone's default {@code lowmem_reserve_ratio} (256 for DMA and DMA32, 32 for Normal):
     * a lower zone keeps back the managed pages of the zones above it divided by its ratio from requests
     * that fall back into it.
     */
    public int lowmemReserveRatio() {
        return lowmemReserveRatio;
    }
}
