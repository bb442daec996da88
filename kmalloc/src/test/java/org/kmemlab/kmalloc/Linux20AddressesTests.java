package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.Oops;

/**
 * Kernel pointers on the i386 machine are Linux 2.0's: {@code include/asm-i386/page.h} (tag 2.0 of
 * schwabe/davej-history) line 57, {@code #define PAGE_OFFSET 0}, so kmalloc and {@code __get_free_pages}
 * return physical addresses, vmalloc starts at {@code (high_memory + 8 MiB) & ~(8 MiB - 1)}
 * ({@code asm-i386/pgtable.h} line 199), and only the MMU sees the kernel segment's base
 * {@code 0xC0000000} (the Oops prints linear addresses, {@code arch/i386/mm/fault.c} line 128).
 */
class Linux20AddressesTests {

    private final Kernel i386 = TestProviders.builder().era(Era.LINUX_2_0).boot();

    @Test
    void kmallocReturnsAPhysicalAddress() {
        long p = i386.kmalloc(100, Gfp.GFP_KERNEL);
        assertTrue(p != KernelMemory.NULL);
        assertTrue(p < i386.machine().ramBytes(), Long.toHexString(p));
        assertEquals(p, i386.machine().pa(p), "__pa() is the identity with PAGE_OFFSET 0");
        long page = i386.getFreePages(Gfp.GFP_KERNEL, 0);
        assertEquals(0, page & 0xfff);
        assertTrue(page < i386.machine().ramBytes(), Long.toHexString(page));
        i386.freePages(page, 0);
        i386.kfree(p);
    }

    @Test
    void vmallocAddressesLieEightMebibytesAboveRamInTheKernelSegment() {
        long v = i386.vmalloc(8192);
        assertTrue(v >= 0x0180_0000L && v < 0x3FC0_0000L, Long.toHexString(v));
        i386.writeInt(v, 42);
        assertEquals(42, i386.readInt(v));
        i386.vfree(v);
    }

    @Test
    void pageZeroIsNeverMappedSoNullStillFaults() {
        Oops oops = assertThrows(Oops.class, () -> i386.readByte(16));
        assertEquals("Unable to handle kernel NULL pointer dereference at virtual address c0000010", oops.headline());
        Kernel today = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
        long p = today.kmalloc(100, Gfp.GFP_KERNEL);
        assertTrue(Long.compareUnsigned(p, 0xffff_8880_0000_0000L) >= 0, "today's direct map is unchanged");
        today.kfree(p);
    }
}
