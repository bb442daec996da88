package org.kmemlab.api;

import static org.kmemlab.api.Sizes.GiB;
import static org.kmemlab.api.Sizes.MiB;

/**
 * The two machines kmemlab simulates: a 1996 PC running Linux 2.0 and a modern x86_64 server.
 *
 * <p>A profile fixes what does not change with the amount of RAM: the page size, where the kernel maps
 * physical memory ({@code PAGE_OFFSET}), the zone boundaries, where the kernel image sits and how large
 * it is, the size of a {@code struct page}, the vmalloc range and the page-table depth.
 *
 * <table>
 *   <caption>The profiles</caption>
 *   <tr><th></th><th>{@link #I386_LINUX_2_0}</th><th>{@link #X86_64}</th></tr>
 *   <tr><td>page size</td><td>4 KiB</td><td>4 KiB</td></tr>
 *   <tr><td>direct map ({@code PAGE_OFFSET})</td><td>0: kernel pointers are physical addresses, in a kernel
 *       segment based at linear {@code 0xC0000000}</td><td>{@code 0xffff888000000000}</td></tr>
 *   <tr><td>RAM</td><td>16 MiB by default, 4 MiB … 896 MiB</td><td>1 GiB by default, 64 MiB … 64 GiB</td></tr>
 *   <tr><td>zones</td><td>DMA &lt; 16 MiB, Normal above</td><td>DMA &lt; 16 MiB, DMA32 &lt; 4 GiB, Normal above</td></tr>
 *   <tr><td>buddy orders</td><td>0..5 (128 KiB)</td><td>0..10 (4 MiB)</td></tr>
 *   <tr><td>kernel image</td><td>1 MiB at 1 MiB</td><td>16 MiB at 16 MiB</td></tr>
 *   <tr><td>{@code struct page}</td><td>52 bytes (2.0's {@code mem_map_t}: 13 four-byte fields)</td><td>64 bytes</td></tr>
 *   <tr><td>page tables</td><td>2 levels</td><td>4 levels</td></tr>
 * </table>
 *
 * <p>The kernel-image sizes are round figures of our own for a typical configuration, not measurements;
 * the load addresses are the real ones (i386 kernels were loaded at 1 MiB, x86_64's
 * {@code CONFIG_PHYSICAL_START} defaults to 16 MiB). Both profiles keep the first 1 MiB (BIOS data, the
 * real-mode area, the legacy ISA hole at 640 KiB … 1 MiB) away from the allocators, except that the i386
 * profile gives 4 KiB … 636 KiB back as Linux 2.0's {@code mem_init} did (it stopped at {@code 0x9f000}:
 * "IBM messed up *AGAIN* in their thinkpad", arch/i386/mm/init.c:232-240 of tag 2.0).
 *
 * <p>The i386 profile numbers kernel addresses as Linux 2.0 did ({@code include/asm-i386/page.h}, tag 2.0,
 * line 57: {@code #define PAGE_OFFSET 0}): the kernel ran in a segment whose base is linear address
 * {@code 0xC0000000}, so its pointers were offsets into that segment, which is to say physical addresses
 * for RAM; {@code kmalloc} on a 16 MiB machine returns numbers like {@code 0x00f3c010}. Page 0 is never
 * mapped, so NULL still faults (at linear {@code c0000000}). The {@code 0xC0000000} direct map came with
 * 2.1/2.2.
 */
public enum MachineProfile {

    /** An i386 PC running Linux 2.0, as in 1996. */
    I386_LINUX_2_0("i386 (Linux 2.0)", Era.LINUX_2_0, 0, 16 * MiB, 4 * MiB, 896 * MiB,
            0, 1 * MiB, 1 * MiB, 52, 2, true),

    /** A modern x86_64 machine. */
    X86_64("x86_64", Era.MODERN, 0xffff_8880_0000_0000L, 1 * GiB, 64 * MiB, 64 * GiB,
            4 * GiB, 16 * MiB, 16 * MiB, 64, 4, false);

    /** log2 of the page size; both profiles use 4 KiB pages. */
    public static final int PAGE_SHIFT = 12;
    /** The page size in bytes. */
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** The highest physical address ISA DMA reaches: {@code MAX_DMA_ADDRESS} = 16 MiB. */
    public static final long MAX_DMA_ADDRESS = 16 * MiB;
    /** Linux 2.0's i386 {@code VMALLOC_OFFSET}: the 8 MiB gap between the direct map and vmalloc space. */
    public static final long VMALLOC_OFFSET_I386 = 8 * MiB;

    private final String displayName;
    private final Era era;
    private final long pageOffset;
    private final long defaultRam;
    private final long minRam;
    private final long maxRam;
    private final long dma32Limit;
    private final long kernelLoadAddress;
    private final long kernelImageBytes;
    private final int structPageBytes;
    private final int pageTableLevels;
    private final boolean lowMemoryUsable;

    MachineProfile(String displayName, Era era, long pageOffset, long defaultRam, long minRam, long maxRam,
                   long dma32Limit, long kernelLoadAddress, long kernelImageBytes, int structPageBytes,
                   int pageTableLevels, boolean lowMemoryUsable) {
        this.displayName = displayName;
        this.era = era;
        this.pageOffset = pageOffset;
        this.defaultRam = defaultRam;
        this.minRam = minRam;
        this.maxRam = maxRam;
        this.dma32Limit = dma32Limit;
        this.kernelLoadAddress = kernelLoadAddress;
        this.kernelImageBytes = kernelImageBytes;
        this.structPageBytes = structPageBytes;
        this.pageTableLevels = pageTableLevels;
        this.lowMemoryUsable = lowMemoryUsable;
    }

    /** Returns a short name for people, such as {@code "i386 (Linux 2.0)"}. */
    public String displayName() {
        return displayName;
    }

    /** Returns the era whose allocators this machine runs by default. */
    public Era era() {
        return era;
    }

    /** Returns {@code PAGE_OFFSET}: the virtual address at which physical address 0 is mapped. */
    public long pageOffset() {
        return pageOffset;
    }

    /** Returns the RAM a machine of this profile gets when no size is given. */
    public long defaultRam() {
        return defaultRam;
    }

    /** Returns the least RAM this profile boots with. */
    public long minRam() {
        return minRam;
    }

    /** Returns the most RAM this profile can map. */
    public long maxRam() {
        return maxRam;
    }

    /** Returns the top of ZONE_DMA32 (4 GiB), or 0 when the profile has no such zone. */
    public long dma32Limit() {
        return dma32Limit;
    }

    /** Returns the physical address where the kernel image is loaded. */
    public long kernelLoadAddress() {
        return kernelLoadAddress;
    }

    /** Returns the size of the kernel image (code, data and bss) reserved at boot. */
    public long kernelImageBytes() {
        return kernelImageBytes;
    }

    /** Returns the bytes of frame table ({@code mem_map}) charged per frame: {@code sizeof(struct page)}. */
    public int structPageBytes() {
        return structPageBytes;
    }

    /** Returns the number of page-table levels the MMU walks: 2 on i386, 4 on x86_64. */
    public int pageTableLevels() {
        return pageTableLevels;
    }

    /**
     * Returns true when the frames from 4 KiB to 640 KiB are given to the page allocator (Linux 2.0 did),
     * false when the whole first 1 MiB stays reserved (modern x86_64 kernels do).
     */
    public boolean lowMemoryUsable() {
        return lowMemoryUsable;
    }

    /** Returns the zone types this profile has, lowest first. */
    public ZoneType[] zoneTypes() {
        return dma32Limit == 0
                ? new ZoneType[] {ZoneType.DMA, ZoneType.NORMAL}
                : new ZoneType[] {ZoneType.DMA, ZoneType.DMA32, ZoneType.NORMAL};
    }

    /**
     * Returns the first address of the vmalloc area for a machine with {@code ram} bytes: on i386 the
     * first 8 MiB boundary at least {@code VMALLOC_OFFSET} above the end of RAM (Linux 2.0's
     * {@code (high_memory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET-1)}, {@code asm-i386/pgtable.h} line 199), on
     * x86_64 {@code VMALLOC_START} = {@code 0xffffc90000000000}.
     */
    public long vmallocStart(long ram) {
        if (this == I386_LINUX_2_0) {
            return Sizes.alignUp(pageOffset + ram + VMALLOC_OFFSET_I386, VMALLOC_OFFSET_I386);
        }
        return 0xffff_c900_0000_0000L;
    }

    /**
     * Returns one past the last address of the vmalloc area (exclusive, unsigned): on i386 4 MiB below the
     * end of the 1 GiB kernel segment ({@code 0x3FC00000}, linear {@code 0xFFC00000}).
     */
    public long vmallocEnd(long ram) {
        if (this == I386_LINUX_2_0) {
            return 0x3FC0_0000L;
        }
        return 0xffff_e900_0000_0000L;
    }

    /** Checks that {@code ram} is a RAM size this profile can boot with, naming the allowed range. */
    void checkRam(long ram) {
        Checks.requireArgument(ram >= minRam && ram <= maxRam,
                "%s RAM for the %s profile must be between %s and %s",
                Sizes.human(ram), displayName, Sizes.human(minRam), Sizes.human(maxRam));
        Checks.requireArgument(ram % PAGE_SIZE == 0,
                "RAM size %d is not a whole number of %d-byte pages", ram, PAGE_SIZE);
    }
}
