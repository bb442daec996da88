package org.kmemlab.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The boot-time memory allocator: a bump pointer over physical memory that runs before the page
 * allocator exists, like Linux's {@code bootmem} (2.4–3.x) and {@code memblock} (today).
 *
 * <h2>How a machine's memory reaches the buddy system</h2>
 * At power-on nothing manages memory. The kernel first marks what is already taken — the BIOS data
 * and the legacy ISA hole below 1 MiB, the kernel image where the boot loader put it — and then carves
 * its first large tables out of the free space behind the image with a pointer that only moves up. The
 * most important of these is the frame table ({@code mem_map}), one {@code struct page} per frame of
 * RAM: it must exist before a page allocator can track frames. When these static allocations are done,
 * {@link #retire()} ends the bump allocator and every frame not reserved is handed to the zone
 * allocator ({@link #freeRanges()}), which frees it into its buddy allocators. From then on the static
 * way is closed: memory comes from the page and object allocators, and can be given back.
 *
 * <p>This is the "static allocation" of the old kernels made visible: boot memory can never be freed,
 * and it is counted as reserved in {@code /proc/zoneinfo} (spanned minus managed) and missing from
 * {@code MemTotal}.
 *
 * <p>Not thread-safe: boot runs on one thread.
 */
public final class BootMemory {

    /**
     * A reserved range of physical memory {@code [start, end)}.
     *
     * @param owner what the memory is for, e.g. {@code "kernel image"}
     * @param start first physical address
     * @param end one past the last physical address
     */
    public record Region(String owner, long start, long end) {

        /** Returns the size in bytes. */
        public long bytes() {
            return end - start;
        }
    }

    /** Where the legacy ISA hole (video RAM, ROMs) starts: 640 KiB. */
    private static final long ISA_HOLE_START = 640 * Sizes.KiB;
    /**
     * The last page below the ISA hole, which Linux 2.0's {@code mem_init} kept reserved because a
     * ThinkPad BIOS used it (arch/i386/mm/init.c:232-240 of tag 2.0: it freed low memory up to
     * {@code 0x9f000} only).
     */
    private static final long THINKPAD_PAGE = 0x9f000;

    private final Machine machine;
    private final List<Region> regions = new ArrayList<>();
    private long top;
    private boolean retired;

    BootMemory(Machine machine) {
        this.machine = machine;
        MachineProfile profile = machine.profile();
        long page = MachineProfile.PAGE_SIZE;
        if (profile.lowMemoryUsable()) {
            reserve("BIOS data area (page 0)", 0, page);
            reserve("page 0x9f000 (2.0 keeps it for the ThinkPad BIOS)", THINKPAD_PAGE, ISA_HOLE_START);
            reserve("ISA hole (video RAM, ROMs)", ISA_HOLE_START, Sizes.MiB);
        } else {
            reserve("low memory (BIOS, real mode, ISA hole)", 0, Sizes.MiB);
        }
        long image = profile.kernelLoadAddress();
        reserve("kernel image", image, image + profile.kernelImageBytes());
        top = image + profile.kernelImageBytes();
        long memMap = machine.frames() * profile.structPageBytes();
        allocate("mem_map (" + machine.frames() + " frames x " + profile.structPageBytes() + " bytes)",
                memMap, page);
    }

    private void reserve(String owner, long start, long end) {
        Checks.requireState(end <= machine.ramBytes(),
                "Kernel panic - not syncing: %s [0x%x, 0x%x) does not fit in %s of RAM",
                owner, start, end, Sizes.human(machine.ramBytes()));
        regions.add(new Region(owner, start, end));
    }

    /**
     * Reserves {@code bytes} of physical memory for {@code owner}, page-granular, and returns its physical
     * address: {@code alloc_bootmem()}. Boot memory cannot be freed.
     *
     * @param owner what the memory is for (shown in reports)
     * @param bytes how many bytes, at least one
     * @param alignment a power of two, at least 1
     * @return the physical address of the first byte
     * @throws IllegalStateException after {@link #retire()} (the page allocator owns memory then), or when
     *         RAM is exhausted (a real kernel panics: boot allocations cannot fail gracefully)
     */
    public long allocate(String owner, long bytes, long alignment) {
        Checks.requireArgument(bytes > 0, "boot allocation of %d bytes", bytes);
        Checks.requireArgument(Sizes.isPowerOfTwo(alignment), "alignment %d is not a power of two", alignment);
        Checks.requireState(!retired, "boot memory for '%s' requested after mem_init(): the bootmem allocator"
                + " is retired once the zone allocator owns memory; use kmalloc() or get_free_pages()", owner);
        long start = Sizes.alignUp(top, Math.max(alignment, 1));
        long end = Sizes.alignUp(start + bytes, MachineProfile.PAGE_SIZE);
        reserve(owner, start, end);
        top = end;
        return start;
    }

    /** Returns true once {@link #retire()} has handed memory to the zone allocator. */
    public boolean retired() {
        return retired;
    }

    /**
     * Ends boot-time allocation ({@code mem_init()}): from now on {@link #allocate} throws, and
     * {@link #freeRanges()} is final. Logs the kernel's memory summary line to dmesg. Calling it twice is
     * harmless.
     */
    public void retire() {
        if (retired) {
            return;
        }
        retired = true;
        long kernel = 0;
        long reservedTotal = 0;
        for (Region r : regions) {
            reservedTotal += r.bytes();
            if (r.owner().equals("kernel image")) {
                kernel = r.bytes();
            }
        }
        long ram = machine.ramBytes();
        if (machine.profile() == MachineProfile.I386_LINUX_2_0) {
            machine.dmesg().info(linux20MemoryLine(ram, reservedTotal));
            return;
        }
        machine.dmesg().info(modernMemoryLine(ram, reservedTotal, kernel));
    }

    /**
     * Today's {@code mem_init_print_info} line, {@code Memory: %luK/%luK available (%luK kernel code,
     * %luK rwdata, %luK rodata, %luK init, %luK bss, %luK reserved, %luK cma-reserved)}: capital K, and
     * "reserved" is every page kept from the page allocator, the kernel image included
     * ({@code physpages - totalram_pages - totalcma_pages}). kmemlab's image is one block without sections,
     * so the line names it all kernel code and leaves out the section sizes it does not know; there is no
     * CMA.
     */
    private static String modernMemoryLine(long ram, long reservedTotal, long kernel) {
        return Checks.format("Memory: %dK/%dK available (%dK kernel code, %dK reserved, 0K cma-reserved)",
                (ram - reservedTotal) >> 10, ram >> 10, kernel >> 10, reservedTotal >> 10);
    }

    /**
     * Linux 2.0's {@code mem_init} line ({@code arch/i386/mm/init.c}, tag 2.0, line 266):
     * {@code Memory: %luk/%luk available (%dk kernel code, %dk reserved, %dk data)}. 2.0 sorted every page
     * still reserved after boot: one in the ISA hole ({@code 0xA0000 <= addr < 0x100000}) is "reserved",
     * one below {@code &_etext} is "kernel code" (page 0 too), any other is "data" ({@code mem_map}, boot
     * allocations). kmemlab's kernel image has no separate text segment, so {@code _etext} is taken as the
     * end of the image: the whole image counts as code.
     */
    private String linux20MemoryLine(long ram, long reservedTotal) {
        long code = 0;
        long hole = 0;
        long etext = machine.profile().kernelLoadAddress() + machine.profile().kernelImageBytes();
        for (Region r : regions) {
            long holeStart = Math.max(r.start(), ISA_HOLE_START);
            long holeEnd = Math.min(r.end(), Sizes.MiB);
            long inHole = Math.max(0, holeEnd - holeStart);
            hole += inHole;
            code += Math.max(0, Math.min(r.end(), etext) - r.start()) - inHole;
        }
        long data = reservedTotal - code - hole;
        return Checks.format("Memory: %dk/%dk available (%dk kernel code, %dk reserved, %dk data)",
                (ram - reservedTotal) >> 10, ram >> 10, code >> 10, hole >> 10, data >> 10);
    }

    /** Returns the reserved regions in the order they were reserved. */
    public List<Region> reservations() {
        return Collections.unmodifiableList(new ArrayList<>(regions));
    }

    /** Returns how many frames of {@code zone} are wholly or partly reserved. */
    public long reservedFrames(ZoneSpan zone) {
        long reserved = 0;
        for (long[] run : reservedRuns()) {
            long from = Math.max(run[0], zone.startPfn());
            long to = Math.min(run[1], zone.endPfn());
            if (to > from) {
                reserved += to - from;
            }
        }
        return reserved;
    }

    /**
     * Returns the runs of frames that are not reserved, split at zone boundaries, lowest first: what the
     * zone allocator frees into its page allocators. A frame that is even partly reserved is not free.
     */
    public List<FrameRange> freeRanges() {
        List<long[]> reserved = reservedRuns();
        List<FrameRange> free = new ArrayList<>();
        for (ZoneSpan zone : machine.zones()) {
            long pfn = zone.startPfn();
            for (long[] run : reserved) {
                if (run[1] <= pfn || run[0] >= zone.endPfn()) {
                    continue;
                }
                if (run[0] > pfn) {
                    free.add(new FrameRange(zone.type(), pfn, run[0] - pfn));
                }
                pfn = Math.max(pfn, run[1]);
            }
            if (pfn < zone.endPfn()) {
                free.add(new FrameRange(zone.type(), pfn, zone.endPfn() - pfn));
            }
        }
        return free;
    }

    /** Returns the reserved regions as sorted, merged runs of frames {@code [first, afterLast)}. */
    private List<long[]> reservedRuns() {
        List<long[]> runs = new ArrayList<>();
        for (Region r : regions) {
            runs.add(new long[] {r.start() >>> MachineProfile.PAGE_SHIFT,
                (r.end() + MachineProfile.PAGE_SIZE - 1) >>> MachineProfile.PAGE_SHIFT});
        }
        runs.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] run : runs) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && run[0] <= last[1]) {
                last[1] = Math.max(last[1], run[1]);
            } else {
                merged.add(run);
            }
        }
        return merged;
    }
}
