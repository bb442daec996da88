package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.Oops;

/**
 * The i386 profile's Oops, pinned against Linux 2.0 (tag {@code 2.0} of {@code schwabe/davej-history}):
 * {@code arch/i386/mm/fault.c} lines 123-140 print the first four lines, {@code arch/i386/kernel/traps.c}
 * lines 112-120 ({@code die_if_kernel}) the rest.
 */
class Linux20OopsTests {

    private final Kernel i386 = TestProviders.builder().era(Era.LINUX_2_0).boot();

    /**
     * fault.c:129-131 prints cr3, the page directory: swapper_pg_dir, which head.S places at .org 0x1000
     * in the kernel image that arch/i386/Makefile links at IMAGE_OFFSET 0x100000.
     */
    private static final String CR3_LINE = "current->tss.cr3 = 00101000, %cr3 = 00101000";

    @Test
    void writeThroughNullFaultsAtTheKernelSegmentBase() {
        Oops oops = assertThrows(Oops.class, () -> i386.writeInt(KernelMemory.NULL, 1));
        // fault.c:124,128: "Unable to handle kernel NULL pointer dereference" + " at virtual address %08lx"
        assertEquals("Unable to handle kernel NULL pointer dereference at virtual address c0000000", oops.headline());
        String[] lines = oops.details().split("\n");
        assertEquals(CR3_LINE, lines[0], "fault.c:130-131");
        // fault.c:133: pde 768 points to pg0 (head.S .org 0x2000 in the image at 1 MiB) with _PAGE_TABLE 0x067
        assertEquals("*pde = 00102067", lines[1]);
        // fault.c:125: mem_init had left page 0 unmapped (init.c:277 pg0[0] = 0), but the NULL branch maps it
        // again, pg0[0] = mk_pte(0, PAGE_SHARED), before fault.c:138 reads and prints the entry
        assertEquals("*pte = 00000027", lines[2]);
        // traps.c:112: printk("%s: %04lx\n", str, err & 0xffff); a write to a page not present is 2
        assertEquals("Oops: 0002", lines[3]);
        assertEquals("CPU:    0", lines[4], "traps.c:113");
        assertTrue(lines[5].startsWith("EIP:    0010:[<"), "traps.c:114, KERNEL_CS 0x10: " + lines[5]);
        assertTrue(lines[7].startsWith("eax: ") && lines[7].contains("   ebx: "), "traps.c:115: " + lines[7]);
        assertEquals("ds: 0018   es: 0018   fs: 002b   gs: 002b   ss: 0018", lines[9], "traps.c:119");
        assertEquals(KernelMemory.NULL, oops.address());
        assertFalse(oops.getMessage().contains("#PF") || oops.getMessage().contains("P4D")
                || oops.getMessage().contains("BUG:"), oops.getMessage());
        assertTrue(oops.advice().contains("return 0 when they fail"), oops.advice());
        Oops modernKmalloc = assertThrows(Oops.class, () -> TestProviders.builder().boot().readByte(16));
        assertTrue(modernKmalloc.headline().startsWith("Unable to handle kernel NULL pointer"), "the machine's layout");
        assertTrue(modernKmalloc.advice().contains("ZERO_SIZE_PTR"), "today's kmalloc era on it: " + modernKmalloc.advice());
    }

    @Test
    void readOfASmallOffsetFromNullIsStillANullDereferenceWithErrorCodeZero() {
        Oops oops = assertThrows(Oops.class, () -> i386.readByte(16));
        // fault.c:123: (address - TASK_SIZE) < PAGE_SIZE picks the NULL wording
        assertEquals("Unable to handle kernel NULL pointer dereference at virtual address c0000010", oops.headline());
        assertTrue(oops.details().contains("\n*pte = 00000027\nOops: 0000\n"), oops.details());
    }

    @Test
    void guardPageAfterAVmallocAreaIsAPagingRequestWithTheRealEntries() {
        long p = i386.vmalloc(MachineProfile.PAGE_SIZE);
        Oops oops = assertThrows(Oops.class, () -> i386.writeByte(p + MachineProfile.PAGE_SIZE, (byte) 1));
        // 16 MiB: VMALLOC_START = (16 MiB + 8 MiB) & ~(8 MiB - 1) = 0x1800000 in the kernel segment
        assertEquals("Unable to handle kernel paging request at virtual address c1801000", oops.headline());
        String[] lines = oops.details().split("\n");
        assertEquals(CR3_LINE, lines[0], "the vmalloc tables hang off swapper_pg_dir too (vmalloc.c: init_mm)");
        long pde = i386.pageTables().entry(p, 0);
        assertEquals(Checks.format("*pde = %08x", pde), lines[1]);
        assertEquals(0x067, pde & 0xfff, "_PAGE_TABLE");
        assertEquals("*pte = 00000000", lines[2], "the guard page is not mapped (mm/vmalloc.c: size + PAGE_SIZE)");
        assertEquals("Oops: 0002", lines[3]);
        // vmalloc.c alloc_area_pte: set_pte(pte, mk_pte(page, PAGE_KERNEL)), pgtable.h: PAGE_KERNEL = 0x063
        assertEquals(0x063, i386.pageTables().entry(p, 1) & 0xfff, "2.0's PAGE_KERNEL has no global bit");
        i386.vfree(p);
    }

    @Test
    void theBootPageDirectoryIsInTheKernelImageAndCostsNoFreePage() {
        // init.c mem_init: "Memory: %luk/%luk available" counts nr_free_pages after every free page went to
        // the free lists; swapper_pg_dir (head.S .org 0x1000) is in the image, so meminfo's MemFree equals it
        assertEquals(0x101000, i386.pageTables().pgdPhys());
        String boot = i386.machine().dmesg().entries().stream().map(e -> e.text())
                .filter(l -> l.startsWith("Memory: ")).findFirst().orElseThrow();
        long available = Long.parseLong(boot.substring("Memory: ".length(), boot.indexOf('k')));
        assertTrue(i386.proc("meminfo").contains(Checks.format("MemFree:   %8d kB", available)),
                boot + "\n" + i386.proc("meminfo"));
        // after mem_init's line, only lines that say they are kmemlab's: 2.0 printed no kmalloc banner
        Kernel reference = Kernel.builder().profile(MachineProfile.I386_LINUX_2_0).era(Era.LINUX_2_0)
                .systemProperties(new java.util.Properties()).boot();
        String banner = reference.machine().dmesg().entries().stream().map(e -> e.text())
                .filter(l -> l.contains("size classes")).findFirst().orElseThrow();
        assertTrue(banner.startsWith("kmemlab: kmalloc: pages=buddy-reference objects=bucket-reference"), banner);
        assertTrue(banner.endsWith(" size classes up to 131048 bytes, nothing larger"), "kmalloc.c: 131072-16-8\n"
                + banner);
    }

    @Test
    void addressPastTheLastPageTableHasNoPteLine() {
        Kernel small = TestProviders.builder().ram(8L << 20).boot();
        // 8 MiB of RAM: pde 768 and 769 map it, 770 is empty, so fault.c:134 skips the *pte line. The kernel
        // pointer is 2.0's (PAGE_OFFSET 0, page.h:57); the MMU saw the segment base added.
        Oops oops = assertThrows(Oops.class, () -> small.readByte((8L << 20) + 16));
        assertEquals("Unable to handle kernel paging request at virtual address c0800010", oops.headline());
        assertTrue(oops.details().contains("\n*pde = 00000000\nOops: 0000\n"), oops.details());
    }

    @Test
    void theModernProfileKeepsTodaysReport() {
        Kernel x86 = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
        Oops oops = assertThrows(Oops.class, () -> x86.writeInt(KernelMemory.NULL, 1));
        assertEquals("BUG: kernel NULL pointer dereference, address: 0000000000000000", oops.headline());
        assertTrue(oops.details().startsWith("#PF: supervisor write access in kernel mode\n"), oops.details());
        assertTrue(oops.details().contains("PGD 0 P4D 0"), oops.details());
        long p = x86.kmalloc(64, Gfp.GFP_KERNEL);
        assertTrue(p != KernelMemory.NULL);
        x86.kfree(p);
    }
}
