package org.kmemlab.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.kmemlab.api.bug.KernelBug;

/**
 * A simulated machine: a {@link MachineProfile}, its RAM ({@link PhysicalMemory}), the kernel's direct
 * map, the zone layout, boot memory, the dmesg ring and the execution context of its threads.
 *
 * <h2>Addresses</h2>
 * Physical addresses run from 0 to {@link #ramBytes()}. The kernel reaches all of RAM through the
 * <em>direct map</em>: physical address {@code p} is visible at virtual address {@code PAGE_OFFSET + p}.
 * kmalloc and get_free_pages return such virtual addresses; {@link #pa(long)} and {@link #va(long)}
 * convert as the kernel's {@code __pa()} and {@code __va()} do. A frame number (pfn) is a physical
 * address shifted right by the page shift. Addresses are unsigned 64-bit values held in a {@code long}
 * (x86_64 kernel addresses are "negative"); compare them with {@link Long#compareUnsigned}. Address 0 is
 * NULL and never a valid object.
 *
 * <p>A machine owns all of its state: two machines in one JVM are independent, so tests run side by
 * side.
 */
public final class Machine {

    private final MachineProfile profile;
    private final long ramBytes;
    private final long frames;
    private final PhysicalMemory memory;
    private final List<ZoneSpan> zones;
    private final Dmesg dmesg;
    private final ExecutionContext context;
    private final BootMemory bootMemory;

    private Machine(MachineProfile profile, long ramBytes, Dmesg dmesg) {
        profile.checkRam(ramBytes);
        this.profile = profile;
        this.ramBytes = ramBytes;
        this.frames = ramBytes >>> MachineProfile.PAGE_SHIFT;
        this.memory = new PhysicalMemory(ramBytes);
        this.dmesg = dmesg;
        this.context = new ExecutionContext();
        this.zones = layOutZones(profile, frames);
        logBanner();
        this.bootMemory = new BootMemory(this);
    }

    /** Boots a machine of {@code profile} with the profile's default RAM. */
    public static Machine boot(MachineProfile profile) {
        return boot(profile, Checks.requireNonNull(profile, "profile").defaultRam());
    }

    /**
     * Boots a machine of {@code profile} with {@code ramBytes} of RAM.
     *
     * @throws IllegalArgumentException when the size is outside the profile's range or not whole pages
     */
    public static Machine boot(MachineProfile profile, long ramBytes) {
        return new Machine(Checks.requireNonNull(profile, "profile"), ramBytes, new Dmesg());
    }

    /** Boots a machine whose dmesg is {@code dmesg} (for tests that control the clock). */
    public static Machine boot(MachineProfile profile, long ramBytes, Dmesg dmesg) {
        return new Machine(Checks.requireNonNull(profile, "profile"), ramBytes, Checks.requireNonNull(dmesg, "dmesg"));
    }

    private static List<ZoneSpan> layOutZones(MachineProfile profile, long frames) {
        List<ZoneSpan> spans = new ArrayList<>();
        long start = 0;
        for (ZoneType type : profile.zoneTypes()) {
            long limitBytes = switch (type) {
                case DMA -> MachineProfile.MAX_DMA_ADDRESS;
                case DMA32 -> profile.dma32Limit();
                case NORMAL -> Long.MAX_VALUE;
            };
            long end = Math.min(frames, limitBytes >>> MachineProfile.PAGE_SHIFT);
            end = Math.max(end, start);
            spans.add(new ZoneSpan(type, start, end));
            start = end;
        }
        return Collections.unmodifiableList(spans);
    }

    /**
     * Logs the boot banner: kmemlab's own line, then (today's kernels only) the e820 map and the zone
     * ranges. Linux 2.0 printed neither: it had no zones, and its first memory line is {@code mem_init}'s
     * {@code Memory:} ({@link BootMemory#retire}).
     */
    private void logBanner() {
        dmesg.info("kmemlab: booting a simulated " + profile.displayName() + " machine with "
                + Sizes.human(ramBytes) + " of RAM");
        if (profile.era() == Era.LINUX_2_0) {
            return;
        }
        dmesg.info("BIOS-provided physical RAM map:");
        dmesg.info(Checks.format("BIOS-e820: [mem 0x%016x-0x%016x] usable", 0L, ramBytes - 1));
        dmesg.info("Zone ranges:");
        for (ZoneSpan z : zones) {
            if (z.isEmpty()) {
                dmesg.info(Checks.format("  %-8s empty", z.type().procName()));
            } else {
                dmesg.info(Checks.format("  %-8s [mem 0x%016x-0x%016x]", z.type().procName(),
                        z.startPfn() << MachineProfile.PAGE_SHIFT, (z.endPfn() << MachineProfile.PAGE_SHIFT) - 1));
            }
        }
    }

    // ---------------------------------------------------------------- what the machine is

    /** Returns the machine's profile. */
    public MachineProfile profile() {
        return profile;
    }

    /** Returns the amount of RAM in bytes. */
    public long ramBytes() {
        return ramBytes;
    }

    /** Returns the number of page frames of RAM. */
    public long frames() {
        return frames;
    }

    /** Returns the page size in bytes (4096). */
    public long pageSize() {
        return MachineProfile.PAGE_SIZE;
    }

    /** Returns log2 of the page size (12). */
    public int pageShift() {
        return MachineProfile.PAGE_SHIFT;
    }

    /** Returns the machine's RAM. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** Returns the kernel log of this machine. */
    public Dmesg dmesg() {
        return dmesg;
    }

    /** Returns the execution context (process or atomic) of this machine's threads. */
    public ExecutionContext context() {
        return context;
    }

    /** Returns the boot-time allocator, which owns all memory until it is retired. */
    public BootMemory bootMemory() {
        return bootMemory;
    }

    /** Returns the zones of this machine, lowest first; some may be empty. */
    public List<ZoneSpan> zones() {
        return zones;
    }

    /** Returns the span of zone {@code type}. */
    public ZoneSpan zone(ZoneType type) {
        for (ZoneSpan z : zones) {
            if (z.type() == type) {
                return z;
            }
        }
        throw new IllegalArgumentException("the " + profile.displayName() + " profile has no " + type
                + " zone; it has " + zones.stream().map(z -> z.type().name()).toList());
    }

    /** Returns the zone that frame {@code pfn} belongs to. */
    public ZoneType zoneOf(long pfn) {
        for (ZoneSpan z : zones) {
            if (z.contains(pfn)) {
                return z.type();
            }
        }
        throw new IllegalArgumentException(Checks.format("pfn %d is outside RAM (%d frames)", pfn, frames));
    }

    // ---------------------------------------------------------------- the direct map

    /** Returns true when {@code virt} lies in the direct map of this machine's RAM. */
    public boolean isDirectMapped(long virt) {
        long offset = virt - profile.pageOffset();
        return Long.compareUnsigned(offset, ramBytes) < 0;
    }

    /**
     * Returns the physical address behind a direct-map address: the kernel's {@code __pa()}.
     *
     * @throws KernelBug when {@code virt} is not in the direct map (the kernel's
     *         {@code CONFIG_DEBUG_VIRTUAL} check: a vmalloc or user address has no linear physical address)
     */
    public long pa(long virt) {
        long offset = virt - profile.pageOffset();
        if (Long.compareUnsigned(offset, ramBytes) >= 0) {
            throw notLinear(virt);
        }
        return offset;
    }

    /** Returns the direct-map address of physical address {@code phys}: the kernel's {@code __va()}. */
    public long va(long phys) {
        Checks.requireArgument(phys >= 0 && phys < ramBytes, "physical address 0x%x is outside RAM of %d bytes",
                phys, ramBytes);
        return profile.pageOffset() + phys;
    }

    /** Returns the direct-map address of the first byte of frame {@code pfn}: {@code pfn_to_virt()}. */
    public long pfnToVirt(long pfn) {
        Checks.requireArgument(pfn >= 0 && pfn < frames, "pfn %d is outside RAM (%d frames)", pfn, frames);
        return profile.pageOffset() + (pfn << MachineProfile.PAGE_SHIFT);
    }

    /** Returns the frame that direct-map address {@code virt} lies in: {@code virt_to_pfn()}. */
    public long virtToPfn(long virt) {
        return pa(virt) >>> MachineProfile.PAGE_SHIFT;
    }

    /** Returns the physical address of frame {@code pfn}. */
    public long pfnToPhys(long pfn) {
        return pfn << MachineProfile.PAGE_SHIFT;
    }

    /** Returns the frame holding physical address {@code phys}. */
    public long physToPfn(long phys) {
        return phys >>> MachineProfile.PAGE_SHIFT;
    }

    /** Returns the first address of the vmalloc area. */
    public long vmallocStart() {
        return profile.vmallocStart(ramBytes);
    }

    /** Returns one past the last address of the vmalloc area (unsigned). */
    public long vmallocEnd() {
        return profile.vmallocEnd(ramBytes);
    }

    private KernelBug notLinear(long virt) {
        return new KernelBug("virt_to_phys used for non-linear address: 0x" + Long.toHexString(virt),
                Checks.format("the direct map covers 0x%x-0x%x", profile.pageOffset(),
                        profile.pageOffset() + ramBytes - 1),
                "only kmalloc and get_free_pages addresses have a physical address; a vmalloc address must be"
                        + " translated page by page");
    }

    /**
     * Returns a description of the machine's memory layout: zones, reserved regions and the direct map,
     * one item per line.
     */
    public String layout() {
        StringBuilder out = new StringBuilder();
        out.append(Checks.format("%s, %s RAM (%d frames of %d bytes)\n", profile.displayName(),
                Sizes.human(ramBytes), frames, pageSize()));
        out.append(Checks.format("direct map: 0x%x-0x%x\n", profile.pageOffset(), profile.pageOffset() + ramBytes - 1));
        out.append(Checks.format("vmalloc:    0x%x-0x%x\n", vmallocStart(), vmallocEnd() - 1));
        for (ZoneSpan z : zones) {
            out.append(z.isEmpty()
                    ? Checks.format("zone %-6s empty\n", z.type().procName())
                    : Checks.format("zone %-6s pfn %7d-%-7d [mem 0x%09x-0x%09x] %s\n", z.type().procName(),
                            z.startPfn(), z.endPfn() - 1, pfnToPhys(z.startPfn()), pfnToPhys(z.endPfn()) - 1,
                            Sizes.human(z.frames() << MachineProfile.PAGE_SHIFT)));
        }
        for (BootMemory.Region r : bootMemory.reservations()) {
            out.append(Checks.format("reserved   [mem 0x%09x-0x%09x] %s\n", r.start(), r.end() - 1, r.owner()));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "Machine[" + profile.displayName() + ", " + Sizes.human(ramBytes) + "]";
    }
}
