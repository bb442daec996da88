package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootMemoryTests {

    @Test
    void theI386MachineKeepsLowMemoryButNotTheIsaHole() {
        Machine m = Machine.boot(MachineProfile.I386_LINUX_2_0);
        // page 0 reserved; 4 KiB..636 KiB free (2.0's mem_init stops at 0x9f000, arch/i386/mm/init.c:237-240);
        // 636 KiB..1 MiB reserved (page 0x9f and the ISA hole); kernel image 1..2 MiB;
        // mem_map 4096 x 52 bytes (2.0's struct page, include/linux/mm.h) = 208 KiB = 52 frames; the rest free.
        assertEquals(List.of(new FrameRange(ZoneType.DMA, 1, 158), new FrameRange(ZoneType.DMA, 564, 4096 - 564)),
                m.bootMemory().freeRanges());
        assertEquals(1 + 1 + 96 + 256 + 52, m.bootMemory().reservedFrames(m.zone(ZoneType.DMA)));
    }

    @Test
    void theX86MachineReservesTheFirstMibAndTheImageAtSixteenMib() {
        Machine m = Machine.boot(MachineProfile.X86_64, 256L << 20);
        List<FrameRange> free = m.bootMemory().freeRanges();
        assertEquals(new FrameRange(ZoneType.DMA, 256, 4096 - 256), free.get(0));
        long memMapFrames = (65536L * 64) >> 12;
        assertEquals(new FrameRange(ZoneType.DMA32, 4096 + 4096 + memMapFrames, 65536 - 8192 - memMapFrames),
                free.get(1));
        assertEquals(2, free.size());
    }

    @Test
    void freeRangesAreSplitAtZoneBoundaries() {
        Machine m = Machine.boot(MachineProfile.X86_64, 6L << 30);
        List<FrameRange> free = m.bootMemory().freeRanges();
        FrameRange last = free.get(free.size() - 1);
        assertEquals(ZoneType.NORMAL, last.zone());
        assertEquals(1L << 20, last.startPfn());
        assertEquals(6L << 18, last.endPfn());
        assertEquals(ZoneType.DMA32, free.get(free.size() - 2).zone());
        assertEquals(1L << 20, free.get(free.size() - 2).endPfn());
    }

    @Test
    void bootAllocationsArePageGranularAndNeverFreed() {
        Machine m = Machine.boot(MachineProfile.I386_LINUX_2_0);
        BootMemory boot = m.bootMemory();
        long a = boot.allocate("floppy track buffer", 100, 16);
        long b = boot.allocate("sound DMA buffer", 5000, 4096);
        assertEquals(0, a % 16);
        assertEquals(a + 4096, b);
        assertTrue(boot.reservations().stream().anyMatch(r -> r.owner().equals("sound DMA buffer") && r.bytes() == 8192));
        assertEquals(564 + 3, boot.freeRanges().get(1).startPfn());
    }

    @Test
    void retiringEndsStaticAllocationAndLogsTheMemoryLine() {
        Machine m = Machine.boot(MachineProfile.I386_LINUX_2_0);
        m.bootMemory().retire();
        m.bootMemory().retire();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.bootMemory().allocate("late table", 4096, 4096));
        assertTrue(e.getMessage().startsWith("boot memory for 'late table' requested after mem_init()"), e.getMessage());
        // Linux 2.0 arch/i386/mm/init.c:266; code = page 0, page 0x9f000 (kept for the ThinkPad BIOS,
        // :232-240: below &_etext, so counted as code, :252-253) and the image; reserved = 640K..1M
        // (:250-251); data = mem_map
        assertTrue(m.dmesg().contains("Memory: 14760k/16384k available (1032k kernel code, 384k reserved, 208k data)"),
                m.dmesg().text());
        Machine x86 = Machine.boot(MachineProfile.X86_64, 256L << 20);
        x86.bootMemory().retire();
        // mem_init_print_info: capital K; reserved counts the kernel image too (physpages - totalram_pages)
        assertTrue(x86.dmesg().text().matches(
                "(?s).*Memory: \\d+K/262144K available \\(16384K kernel code, \\d+K reserved, 0K cma-reserved\\)\n.*"),
                "today's layout: " + x86.dmesg().text());
    }
}
