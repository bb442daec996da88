package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.bug.KernelBug;

class MachineTests {

    @Test
    void a1996MachineIsSixteenMibOfDmaMemory() {
        Machine m = Machine.boot(MachineProfile.I386_LINUX_2_0);
        assertEquals(16L << 20, m.ramBytes());
        assertEquals(4096, m.frames());
        assertEquals(List.of(new ZoneSpan(ZoneType.DMA, 0, 4096), new ZoneSpan(ZoneType.NORMAL, 4096, 4096)),
                m.zones());
        assertTrue(m.zone(ZoneType.NORMAL).isEmpty());
        assertEquals(Era.LINUX_2_0, m.profile().era());
    }

    @Test
    void aLargerI386MachineHasANormalZoneAboveSixteenMib() {
        Machine m = Machine.boot(MachineProfile.I386_LINUX_2_0, 64L << 20);
        assertEquals(new ZoneSpan(ZoneType.NORMAL, 4096, 16384), m.zone(ZoneType.NORMAL));
        assertEquals(ZoneType.DMA, m.zoneOf(4095));
        assertEquals(ZoneType.NORMAL, m.zoneOf(4096));
    }

    @Test
    void x86MachinesHaveThreeZones() {
        Machine m = Machine.boot(MachineProfile.X86_64, 8L << 30);
        assertEquals(List.of(new ZoneSpan(ZoneType.DMA, 0, 4096), new ZoneSpan(ZoneType.DMA32, 4096, 1 << 20),
                new ZoneSpan(ZoneType.NORMAL, 1 << 20, 2 << 20)), m.zones());
        Machine small = Machine.boot(MachineProfile.X86_64);
        assertTrue(small.zone(ZoneType.NORMAL).isEmpty(), "1 GiB fits below 4 GiB");
    }

    @Test
    void theDirectMapTranslatesBothWays() {
        // Linux 2.0's include/asm-i386/page.h:57 (tag 2.0): #define PAGE_OFFSET 0 -- kernel pointers are physical.
        Machine i386 = Machine.boot(MachineProfile.I386_LINUX_2_0);
        assertEquals(0, i386.profile().pageOffset());
        assertEquals(0x1000, i386.va(0x1000));
        assertEquals(0x1234, i386.pa(0x1234));
        assertEquals(0x5000, i386.pfnToVirt(5));
        assertEquals(5, i386.virtToPfn(0x5FFF));
        assertFalse(i386.isDirectMapped(16L << 20), "the direct map ends with RAM");
        Machine x86 = Machine.boot(MachineProfile.X86_64);
        long virt = x86.pfnToVirt(1000);
        assertEquals(0xffff8880003e8000L, virt);
        assertEquals(1000, x86.virtToPfn(virt));
        assertTrue(x86.isDirectMapped(virt));
        assertFalse(x86.isDirectMapped(0x1000));
    }

    @Test
    void paOfANonLinearAddressIsAKernelBug() {
        Machine m = Machine.boot(MachineProfile.X86_64);
        KernelBug bug = assertThrows(KernelBug.class, () -> m.pa(m.vmallocStart()));
        assertEquals("virt_to_phys used for non-linear address: 0xffffc90000000000", bug.headline());
        assertThrows(KernelBug.class, () -> m.pa(0));
    }

    @Test
    void ramOutsideTheProfilesRangeIsRefusedWithTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Machine.boot(MachineProfile.X86_64, 8L << 20));
        assertEquals("8 MiB RAM for the x86_64 profile must be between 64 MiB and 64 GiB", e.getMessage());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> Machine.boot(MachineProfile.I386_LINUX_2_0, (16L << 20) + 1));
        assertTrue(odd.getMessage().contains("is not a whole number of 4096-byte pages"), odd.getMessage());
    }

    @Test
    void theVmallocAreaStartsEightMibAboveTheDirectMapOnI386() {
        // asm-i386/pgtable.h:199 (tag 2.0): VMALLOC_START ((high_memory + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET-1))
        Machine m = Machine.boot(MachineProfile.I386_LINUX_2_0);
        assertEquals(0x01800000L, m.vmallocStart());
        assertEquals(0x3FC00000L, m.vmallocEnd(), "linear 0xFFC00000: the kernel segment is based at 0xC0000000");
        assertTrue(Long.compareUnsigned(m.vmallocEnd(), m.vmallocStart()) > 0);
    }

    @Test
    void bootLogsTheZoneRanges() {
        Machine m = Machine.boot(MachineProfile.X86_64);
        String log = m.dmesg().text();
        assertTrue(log.contains("  DMA      [mem 0x0000000000000000-0x0000000000ffffff]"), log);
        assertTrue(log.contains("  Normal   empty"), log);
        String old = Machine.boot(MachineProfile.I386_LINUX_2_0).dmesg().text();
        assertTrue(!old.contains("Zone ranges") && !old.contains("BIOS-e820"), "Linux 2.0 had no zones to print: " + old);
    }

    @Test
    void layoutListsZonesAndReservations() {
        String layout = Machine.boot(MachineProfile.I386_LINUX_2_0).layout();
        assertTrue(layout.contains("zone DMA    pfn       0-4095"), layout);
        assertTrue(layout.contains("zone Normal empty"), layout);
        assertTrue(layout.contains("kernel image"), layout);
        assertTrue(layout.contains("mem_map (4096 frames x 52 bytes)"), layout);
    }
}
