package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_KERNEL;
import static org.kmemlab.api.Gfp.GFP_NOWAIT;
import static org.kmemlab.api.Gfp.__GFP_NOWARN;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.Oops;
import org.kmemlab.api.bug.SleepInAtomicBug;
import org.kmemlab.api.stats.MemInfo;

class VmallocTests {

    private static final long PAGE = MachineProfile.PAGE_SIZE;

    private final Kernel i386 = TestProviders.builder().boot();

    private static Kernel x86() {
        return TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
    }

    @Test
    void anAreaIsPageAlignedInTheVmallocRangeAndHoldsWhatIsWritten() {
        Kernel kernel = x86();
        long p = kernel.vmalloc(3 * PAGE - 100);
        assertEquals(0xffff_c900_0000_0000L, p, "the first area starts at VMALLOC_START");
        byte[] data = new byte[(int) (3 * PAGE - 100)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        kernel.write(p, data, 0, data.length);
        byte[] back = new byte[data.length];
        kernel.read(p, back, 0, back.length);
        assertArrayEquals(data, back);
        kernel.writeLong(p + PAGE - 4, 0x1122_3344_5566_7788L);
        assertEquals(0x1122_3344_5566_7788L, kernel.readLong(p + PAGE - 4), "a long straddling two pages");
        kernel.writeInt(p + 2 * PAGE - 2, 0xcafe_babe);
        assertEquals(0xcafe_babe, kernel.readInt(p + 2 * PAGE - 2));
        kernel.vfree(p);
    }

    @Test
    void vzallocZeroesAndMeminfoCountsVmallocPagesAndPageTables() {
        Kernel kernel = x86();
        MemInfo before = kernel.meminfo();
        assertEquals(4, before.pageTables(), "the PGD page exists from boot");
        long p = kernel.vzalloc(5 * PAGE);
        for (long off = 0; off < 5 * PAGE; off += 512) {
            assertEquals(0, kernel.readLong(p + off));
        }
        MemInfo during = kernel.meminfo();
        assertEquals(20, during.vmallocUsed());
        assertEquals(4 + 3 * 4, during.pageTables(), "a PUD, a PMD and a PTE table were made");
        assertEquals(before.memFree() - 20 - 12, during.memFree());
        kernel.vfree(p);
        MemInfo after = kernel.meminfo();
        assertEquals(before.memFree(), after.memFree(), "vfree gives back the pages and the emptied tables");
        assertEquals(4, after.pageTables());
        assertEquals(0, after.vmallocUsed());
    }

    @Test
    void areasAreSeparatedByAGuardPageAndTouchingItOopsesWithTheWalk() {
        Kernel kernel = x86();
        long a = kernel.vmalloc(2 * PAGE);
        long b = kernel.vmalloc(PAGE);
        assertEquals(a + 3 * PAGE, b, "two pages, then the guard page, then the next area");
        Oops oops = assertThrows(Oops.class, () -> kernel.writeByte(a + 2 * PAGE, (byte) 1));
        assertEquals("BUG: unable to handle page fault for address: ffffc90000002000", oops.headline());
        Matcher walk = Pattern.compile("PGD ([0-9a-f]+) PUD ([0-9a-f]+) PMD ([0-9a-f]+) PTE 0$")
                .matcher(oops.details());
        assertTrue(walk.find(), oops.getMessage());
        for (int level = 1; level <= 3; level++) {
            assertTrue(walk.group(level).endsWith("067"), "a table entry: present, rw, user, accessed, dirty");
        }
        assertTrue(oops.details().startsWith("#PF: supervisor write access in kernel mode"), oops.details());
        assertTrue(oops.advice().startsWith("0xffffc90000002000 is in the guard page after the area"
                + " 0xffffc90000000000-0xffffc90000002000 (8192 bytes, from VmallocTests."), oops.advice());
        kernel.vfree(a);
        kernel.vfree(b);
    }

    @Test
    void anAddressUnderAnEmptyMiddleLevelNamesWhereTheWalkStopped() {
        Kernel kernel = x86();
        long a = kernel.vmalloc(PAGE);
        long farther = a + (4L << 20);
        Oops oops = assertThrows(Oops.class, () -> kernel.readByte(farther));
        assertTrue(Pattern.compile("#PF: supervisor read access in kernel mode\n.*\nPGD [0-9a-f]+067 PUD [0-9a-f]+067"
                + " PMD 0$").matcher(oops.details()).find(), oops.details());
        assertTrue(oops.advice().startsWith("no vmalloc area contains 0xffffc90000400000"), oops.advice());
        long gigabyteOn = a + (1L << 30);
        Oops higher = assertThrows(Oops.class, () -> kernel.readByte(gigabyteOn));
        assertTrue(Pattern.compile("\nPGD [0-9a-f]+067 PUD 0$").matcher(higher.details()).find(), higher.details());
        kernel.vfree(a);
        Oops afterFree = assertThrows(Oops.class, () -> kernel.readByte(a));
        assertTrue(afterFree.details().endsWith("PGD 0"), "the last vfree emptied every table: "
                + afterFree.details());
    }

    @Test
    void i386WalksTwoLevelsOfFourByteEntries() {
        long p = i386.vmalloc(PAGE);
        long start = i386.machine().vmallocStart();
        assertEquals(start, p);
        assertEquals(0, start & ((8L << 20) - 1), "i386 VMALLOC_START is on an 8 MiB boundary");
        i386.writeInt(p, 42);
        assertEquals(42, i386.readInt(p));
        Oops oops = assertThrows(Oops.class, () -> i386.readByte(p + PAGE));
        assertTrue(Pattern.compile("\n\\*pde = [0-9a-f]{5}067\n\\*pte = 00000000\n").matcher(oops.details()).find(),
                oops.details());
        // The pointer is 2.0's (PAGE_OFFSET 0, asm-i386/page.h:57); fault.c:128 prints the linear address the
        // MMU saw, the kernel segment's base 0xC0000000 added.
        assertEquals(Long.toHexString(0xC000_0000L + p + PAGE), oops.headline().replaceFirst(".*address ", ""));
        i386.vfree(p);
    }

    @Test
    void vmallocSucceedsWhereKmallocFailsBecauseMemoryIsFragmented() {
        Kernel kernel = TestProviders.builder().cpuCaches(false).boot();
        List<Long> pages = new ArrayList<>();
        for (long p = kernel.getFreePages(GFP_NOWAIT, 0); p != KernelMemory.NULL;
                p = kernel.getFreePages(GFP_NOWAIT, 0)) {
            pages.add(p);
        }
        for (int i = 0; i < pages.size(); i += 2) {
            kernel.freePages(pages.get(i), 0);
        }
        long freeKb = kernel.meminfo().memFree();
        assertTrue(freeKb > 64, "half of memory is free again: " + freeKb + " kB");
        assertEquals(KernelMemory.NULL, kernel.kmalloc(16 * PAGE, GFP_KERNEL | __GFP_NOWARN),
                "no 16 free frames lie side by side");
        assertEquals(KernelMemory.NULL, kernel.getFreePages(GFP_KERNEL | __GFP_NOWARN, 4));
        long v = kernel.vmalloc(16 * PAGE);
        assertNotEquals(KernelMemory.NULL, v, "sixteen single pages are easy to find");
        kernel.fill(v, 16 * PAGE, (byte) 0x3c);
        assertEquals((byte) 0x3c, kernel.readByte(v + 16 * PAGE - 1));
        kernel.vfree(v);
        for (int i = 1; i < pages.size(); i += 2) {
            kernel.freePages(pages.get(i), 0);
        }
    }

    @Test
    void vmallocinfoListsEachAreaWithItsSpanSizeCallerAndPages() {
        Kernel kernel = x86();
        long a = kernel.vmalloc(3 * PAGE);
        long b = kernel.vmalloc(100);
        String info = kernel.proc("/proc/vmallocinfo");
        String[] lines = info.split("\n");
        assertEquals(2, lines.length, info);
        assertTrue(lines[0].matches("0xffffc90000000000-0xffffc90000004000   16384 VmallocTests\\."
                + "vmallocinfoListsEachAreaWithItsSpanSizeCallerAndPages\\(VmallocTests\\.java:\\d+\\) pages=3 vmalloc"),
                lines[0]);
        assertTrue(lines[1].startsWith("0xffffc90000004000-0xffffc90000006000    8192 "), lines[1]);
        assertTrue(lines[1].endsWith(" pages=1 vmalloc"), lines[1]);
        kernel.vfree(a);
        assertEquals(1, kernel.procVmallocinfo().split("\n").length);
        kernel.vfree(b);
        assertEquals("", kernel.procVmallocinfo());
        assertTrue(i386.procVmallocinfo().isEmpty());
        i386.vfree(i386.vmalloc(PAGE));
    }

    @Test
    void aFailedVmallocLeavesNothingBehind() {
        Kernel kernel = x86();
        MemInfo before = kernel.meminfo();
        kernel.faultInjection().failPageAlloc(FaultAttr.probability(100).withInterval(4).withIgnoreGfpWait(false));
        assertEquals(KernelMemory.NULL, kernel.vmalloc(8 * PAGE), "the 4th page allocation fails");
        assertTrue(kernel.dmesg().contains("vmalloc error: size 32768, failed to allocate pages, mode:0xcc0(GFP_KERNEL)"),
                kernel.dmesg());
        kernel.faultInjection().failPageAlloc(FaultAttr.probability(100).withInterval(3).withIgnoreGfpWait(false));
        assertEquals(KernelMemory.NULL, kernel.vmalloc(2 * PAGE), "pages 1 and 2 succeed, the PUD table fails");
        assertTrue(kernel.dmesg().contains("vmalloc error: size 8192, failed to map pages"), kernel.dmesg());
        kernel.faultInjection().disable();
        MemInfo after = kernel.meminfo();
        assertEquals(before.memFree(), after.memFree());
        assertEquals(before.pageTables(), after.pageTables());
        assertEquals("", kernel.procVmallocinfo());
        assertEquals(0xffff_c900_0000_0000L, kernel.vmalloc(PAGE), "the address range was given back too");
    }

    @Test
    void sizeZeroAndSizesBeyondRamReturnNull() {
        assertEquals(KernelMemory.NULL, i386.vmalloc(0));
        assertEquals(KernelMemory.NULL, i386.vmalloc(i386.machine().ramBytes() + 1));
        assertTrue(i386.dmesg().contains("vmalloc error: size 0, exceeds total pages"), i386.dmesg());
        assertThrows(IllegalArgumentException.class, () -> i386.vmalloc(-1));
    }

    @Test
    void vmallocMaySleepSoItIsABugInAtomicContext() {
        SleepInAtomicBug bug = assertThrows(SleepInAtomicBug.class,
                () -> i386.machine().context().runAtomic("spin_lock(&lock)", () -> i386.vmalloc(PAGE)));
        assertEquals("BUG: sleeping function called from invalid context at vmalloc(GFP_KERNEL)", bug.headline());
    }

    @Test
    void badVfreesAreReportedAndChangeNothing() {
        long p = i386.vmalloc(2 * PAGE);
        InvalidFreeBug inside = assertThrows(InvalidFreeBug.class, () -> i386.vfree(p + 8));
        assertEquals("Trying to vfree() bad address (0x" + Long.toHexString(p + 8) + ")", inside.headline());
        assertTrue(inside.details().startsWith("INFO: 0x" + Long.toHexString(p + 8) + " is 8 bytes into the area"),
                inside.details());
        long k = i386.kmalloc(64, GFP_KERNEL);
        InvalidFreeBug direct = assertThrows(InvalidFreeBug.class, () -> i386.vfree(k));
        assertEquals("Trying to vfree() nonexistent vm area (0x" + Long.toHexString(k) + ")", direct.headline());
        assertTrue(direct.advice().startsWith("free kmalloc() memory with kfree()"), direct.advice());
        InvalidFreeBug wrongFree = assertThrows(InvalidFreeBug.class, () -> i386.kfree(p));
        assertEquals("free vmalloc() memory with vfree()", wrongFree.advice());
        i386.writeByte(p, (byte) 9);
        assertEquals(9, i386.readByte(p), "the area is still mapped");
        i386.vfree(p);
        InvalidFreeBug twice = assertThrows(InvalidFreeBug.class, () -> i386.vfree(p));
        assertEquals("Trying to vfree() nonexistent vm area (0x" + Long.toHexString(p) + ")", twice.headline());
        assertTrue(twice.details().matches("INFO: the area at 0x[0-9a-f]+ was freed already, in VmallocTests\\."
                + "badVfreesAreReportedAndChangeNothing\\(VmallocTests\\.java:\\d+\\)"), twice.details());
        i386.kfree(k);
        i386.vfree(KernelMemory.NULL);
    }

    @Test
    void copyMovesBytesBetweenTheDirectMapAndVmallocAreas() {
        long k = i386.kmalloc(200, GFP_KERNEL);
        long v = i386.vmalloc(2 * PAGE);
        for (int i = 0; i < 200; i++) {
            i386.writeByte(k + i, (byte) i);
        }
        i386.copy(k, v + PAGE - 100, 200);
        assertEquals((byte) 150, i386.readByte(v + PAGE + 50));
        i386.copy(v + PAGE - 100, v + PAGE - 90, 200);
        assertEquals((byte) 0, i386.readByte(v + PAGE - 90), "overlapping copies behave as memmove");
        assertEquals((byte) 199, i386.readByte(v + PAGE + 109));
        i386.kfree(k);
        i386.vfree(v);
    }
}
