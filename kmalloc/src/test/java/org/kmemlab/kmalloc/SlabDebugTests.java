package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_KERNEL;
import static org.kmemlab.api.Gfp.__GFP_ZERO;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;

class SlabDebugTests {

    private static final String TRACK = " age=\\d+ cpu=\\d+ pid=\\d+";

    private static Kernel debugKernel(String letters) {
        return TestProviders.builder().debug(letters).boot();
    }

    private static String hex(long addr) {
        return "0x" + Long.toHexString(addr);
    }

    private static String site(String method) {
        return Pattern.quote("SlabDebugTests." + method + "(SlabDebugTests.java:") + "\\d+\\)";
    }

    private static void assertMatches(String regex, String text) {
        assertTrue(Pattern.compile(regex).matcher(text).matches(), "expected\n" + regex + "\nbut was\n" + text);
    }

    @Test
    void aWritePastTheEndIsCaughtInTheRightRedZoneOnFree() {
        Kernel kernel = debugKernel("ZU");
        long p = kernel.kmalloc(60, GFP_KERNEL);
        assertEquals(60, kernel.ksize(p), "ksize is the size asked for");
        kernel.writeByte(p + 60, (byte) 0x41);
        CorruptionBug bug = assertThrows(CorruptionBug.class, () -> kernel.kfree(p));
        long slot = p - 16;
        assertEquals("BUG kmalloc-128 (Not tainted): Right Redzone overwritten", bug.headline());
        assertMatches(Pattern.quote(hex(p + 60) + "-" + hex(p + 60) + " @offset=76. First byte 0x41 instead of 0xcc\n"
                + "INFO: Object " + hex(p) + " @offset=16 size=60 in slot " + hex(slot) + "-" + hex(slot + 127)
                + " of kmalloc-128\nINFO: Allocated in ") + site("aWritePastTheEndIsCaughtInTheRightRedZoneOnFree")
                + TRACK + Pattern.quote("\nFIX kmalloc-128: Restoring Right Redzone " + hex(p + 60) + "-"
                + hex(slot + 127) + "=0xcc"), bug.details());
        assertTrue(bug.advice().startsWith("something wrote past the end of the object"), bug.advice());
        kernel.kfree(p);
        assertEquals(List.of(), kernel.validateSlabs(), "the red zone was restored and the object freed");
    }

    @Test
    void aWriteBeforeTheStartIsCaughtInTheLeftRedZone() {
        Kernel kernel = debugKernel("Z");
        long p = kernel.kmalloc(32, GFP_KERNEL);
        kernel.writeByte(p - 3, (byte) 0);
        kernel.writeByte(p - 1, (byte) 7);
        CorruptionBug bug = assertThrows(CorruptionBug.class, () -> kernel.kfree(p));
        assertEquals("BUG kmalloc-64 (Not tainted): Left Redzone overwritten", bug.headline());
        assertTrue(bug.details().startsWith(hex(p - 3) + "-" + hex(p - 1) + " @offset=13. First byte 0x00 instead of"
                + " 0xcc\nINFO: Object " + hex(p) + " @offset=16 size=32"), bug.details());
        assertTrue(bug.details().endsWith("FIX kmalloc-64: Restoring Left Redzone " + hex(p - 16) + "-" + hex(p - 1)
                + "=0xcc"), bug.details());
        kernel.kfree(p);
    }

    @Test
    void validateSlabsFindsRedZoneDamageOfLiveObjectsOnDemand() {
        Kernel kernel = debugKernel("ZU");
        long p = kernel.kmalloc(100, GFP_KERNEL);
        kernel.fill(p, 104, (byte) 'A');
        List<CorruptionBug> found = kernel.validateSlabs();
        assertEquals(1, found.size());
        assertEquals("Right Redzone", found.get(0).what());
        assertEquals(p + 100, found.get(0).firstBadAddress());
        assertTrue(kernel.machine().dmesg().contains("Right Redzone overwritten"), "reports go to dmesg too");
        assertEquals(List.of(), kernel.validateSlabs(), "validation repairs what it reports");
        kernel.kfree(p);
    }

    @Test
    void aWriteAfterFreeIsCaughtAsPoisonOverwrittenNamingTheFreeingSite() {
        Kernel kernel = debugKernel("FPU");
        long p = kernel.kmalloc(64, GFP_KERNEL);
        kernel.kfree(p);
        assertEquals((byte) 0x6b, kernel.readByte(p));
        assertEquals((byte) 0xa5, kernel.readByte(p + 63), "the last byte of a freed object is POISON_END");
        kernel.writeLong(p + 8, 0);
        List<CorruptionBug> found = kernel.validateSlabs();
        assertEquals(1, found.size());
        CorruptionBug bug = found.get(0);
        assertEquals("BUG kmalloc-64 (Not tainted): Poison overwritten", bug.headline());
        String method = "aWriteAfterFreeIsCaughtAsPoisonOverwrittenNamingTheFreeingSite";
        assertMatches(Pattern.quote(hex(p + 8) + "-" + hex(p + 15) + " @offset=8. First byte 0x00 instead of 0x6b\n"
                + "INFO: Object " + hex(p) + " @offset=0 size=64 in slot " + hex(p) + "-" + hex(p + 63)
                + " of kmalloc-64\nINFO: Allocated in ") + site(method) + TRACK + "\nINFO: Freed in " + site(method)
                + TRACK + Pattern.quote("\nFIX kmalloc-64: Restoring Poison " + hex(p) + "-" + hex(p + 62) + "=0x6b"),
                bug.details());
        assertTrue(bug.advice().contains("use after free"), bug.advice());
    }

    @Test
    void thePoisonIsCheckedWhenTheObjectLeavesTheQuarantineForReuse() {
        Kernel kernel = debugKernel("P");
        long victim = kernel.kmalloc(48, GFP_KERNEL);
        kernel.kfree(victim);
        kernel.writeByte(victim + 47, (byte) 0);
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < SlabDebug.QUARANTINE_OBJECTS; i++) {
            others.add(kernel.kmalloc(48, GFP_KERNEL));
        }
        for (int i = 0; i < others.size() - 1; i++) {
            kernel.kfree(others.get(i));
        }
        CorruptionBug bug = assertThrows(CorruptionBug.class, () -> kernel.kfree(others.get(others.size() - 1)));
        assertEquals("BUG kmalloc-64 (Not tainted): End Poison overwritten", bug.headline());
        assertTrue(bug.details().startsWith(hex(victim + 47) + "-" + hex(victim + 47) + " @offset=47. First byte 0x00"
                + " instead of 0xa5"), bug.details());
        kernel.drainCpuCaches();
    }

    @Test
    void aSecondFreeIsReportedWithBothSites() {
        Kernel kernel = debugKernel("FU");
        long p = kernel.kmalloc(20, GFP_KERNEL);
        kernel.kfree(p);
        DoubleFreeBug bug = assertThrows(DoubleFreeBug.class, () -> kernel.kfree(p));
        assertEquals("BUG kmalloc-32 (Not tainted): Object already free", bug.headline());
        String method = "aSecondFreeIsReportedWithBothSites";
        assertMatches(Pattern.quote("INFO: Object " + hex(p) + " in cache kmalloc-32\nINFO: Object " + hex(p)
                + " @offset=0 size=20 in slot " + hex(p) + "-" + hex(p + 31) + " of kmalloc-32\nINFO: Allocated in ")
                + site(method) + TRACK + "\nINFO: Freed in " + site(method) + TRACK, bug.details());
    }

    @Test
    void aPointerIntoAnObjectIsAnInvalidFree() {
        Kernel kernel = debugKernel("ZU");
        long p = kernel.kmalloc(60, GFP_KERNEL);
        InvalidFreeBug bug = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(p + 8));
        assertEquals("BUG kmalloc-128 (Not tainted): Invalid object pointer " + hex(p + 8), bug.headline());
        assertMatches(Pattern.quote("INFO: " + hex(p + 8) + " is 8 bytes into the object at " + hex(p)
                + ", size 60\nINFO: Allocated in ") + site("aPointerIntoAnObjectIsAnInvalidFree") + TRACK, bug.details());
        InvalidFreeBug before = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(p - 16));
        assertTrue(before.details().startsWith("INFO: " + hex(p - 16) + " is 16 bytes before the object at " + hex(p)
                + " (in its left red zone), size 60"), before.details());
        InvalidFreeBug wrongSize = assertThrows(InvalidFreeBug.class, () -> kernel.kfree(p, 64));
        assertEquals("BUG kmalloc-128 (Not tainted): kfree_s of " + hex(p) + " with wrong size 64", wrongSize.headline());
        kernel.kfree(p, 60);
    }

    @Test
    void newObjectsArePoisonedUnlessZeroedAndFreedPagesGetPagePoison() {
        Kernel kernel = debugKernel("P");
        long p = kernel.kmalloc(40, GFP_KERNEL);
        assertEquals(-1, kernel.machine().memory().findMismatch(kernel.machine().pa(p), 40, (byte) 0x5a));
        long z = kernel.kzalloc(40, GFP_KERNEL);
        assertEquals(-1, kernel.machine().memory().findMismatch(kernel.machine().pa(z), 40, (byte) 0));
        long page = kernel.getFreePages(GFP_KERNEL, 1);
        kernel.freePages(page, 1);
        assertEquals(-1, kernel.machine().memory().findMismatch(kernel.machine().pa(page), 8192, (byte) 0xaa));
        kernel.kfree(p);
        kernel.kfree(z);
    }

    @Test
    void largeAllocationsAreTrackedAndBigRequestsStillFit() {
        Kernel kernel = debugKernel("FZPU");
        long big = kernel.kmalloc(10_000, GFP_KERNEL);
        assertEquals(10_000, kernel.ksize(big));
        kernel.writeByte(big + 10_000, (byte) 1);
        CorruptionBug bug = assertThrows(CorruptionBug.class, () -> kernel.kfree(big));
        assertEquals("BUG kmalloc-large (Not tainted): Right Redzone overwritten", bug.headline());
        kernel.kfree(big);
        long max = kernel.kmalloc(kernel.maxKmallocSize(), GFP_KERNEL);
        assertTrue(max != KernelMemory.NULL, "a request of the maximum size gets a slot without red zones");
        kernel.kfree(max);
        assertEquals("FZPU", kernel.slabDebug());
        kernel.drainCpuCaches();
    }

    @Test
    void theLeakReportListsWhatNoPointerReachesFromTheRoots() {
        Kernel kernel = debugKernel("U");
        long head = kernel.kmalloc(64, GFP_KERNEL);
        long next = kernel.kzalloc(32, GFP_KERNEL);
        kernel.writeInt(head, (int) next);
        long lost = kernel.kzalloc(16, GFP_KERNEL);
        kernel.write(lost, "lost".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
        long area = kernel.vzalloc(100);
        String report = kernel.leakReport(head);
        String method = "theLeakReportListsWhatNoPointerReachesFromTheRoots";
        assertMatches(Pattern.quote("unreferenced object " + hex(lost) + " (size 16):\n  comm \"main\", pid ")
                + "\\d+, jiffies \\d+\n" + Pattern.quote("  hex dump (first 16 bytes):\n"
                + "    6c 6f 73 74 00 00 00 00 00 00 00 00 00 00 00 00  lost............\n  backtrace:\n    ")
                + site(method) + "\n(    .*\n)*"
                + Pattern.quote("unreferenced object " + hex(area) + " (size 100):\n") + "(.*\n)*"
                + Pattern.quote("kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n"), report);
        kernel.writeInt(next + 8, (int) lost);
        kernel.writeInt(next + 12, (int) area);
        assertEquals("", kernel.leakReport(head), "everything is reachable from head now");
        assertTrue(kernel.leakReport().contains("unreferenced object " + hex(head) + " (size 64)"));
        for (long p : new long[] {head, next, lost}) {
            kernel.kfree(p);
        }
        kernel.vfree(area);
        assertEquals("", kernel.leakReport());
    }

    @Test
    void onX86TheLeakScanFollowsEightBytePointersIntoObjectsAndVmallocAreas() {
        Kernel kernel = TestProviders.builder().profile(org.kmemlab.api.MachineProfile.X86_64).ram(64L << 20)
                .debug("U").boot();
        long area = kernel.vzalloc(3 * 4096);
        long inner = kernel.kzalloc(40, GFP_KERNEL);
        long orphan = kernel.kzalloc(24, GFP_KERNEL);
        kernel.writeLong(area + 2 * 4096 + 8, inner + 16);
        String report = kernel.leakReport(area);
        assertTrue(report.startsWith("unreferenced object " + hex(orphan) + " (size 24):\n"), report);
        assertTrue(report.endsWith("kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n"),
                report);
        kernel.kfree(inner);
        kernel.kfree(orphan);
        kernel.vfree(area);
    }

    @Test
    void debuggingIsOffByDefaultAndOptionsParseLikeSlabDebug() {
        Kernel plain = TestProviders.builder().boot();
        assertEquals("", plain.slabDebug());
        assertEquals(List.of(), plain.validateSlabs());
        IllegalStateException off = assertThrows(IllegalStateException.class, plain::leakReport);
        assertTrue(off.getMessage().startsWith("kmemleak needs allocation tracking"), off.getMessage());
        assertEquals(EnumSet.allOf(SlabDebug.Option.class), SlabDebug.parse(""));
        assertEquals(EnumSet.of(SlabDebug.Option.RED_ZONE, SlabDebug.Option.POISON), SlabDebug.parse("zp"));
        assertEquals(EnumSet.noneOf(SlabDebug.Option.class), SlabDebug.parse("-"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SlabDebug.parse("FX"));
        assertEquals("slab_debug letter 'X' in 'FX' is not one of F, Z, P, U", bad.getMessage());
        Kernel viaEnum = TestProviders.builder().debug(SlabDebug.Option.USER, SlabDebug.Option.SANITY).boot();
        assertEquals("FU", viaEnum.slabDebug());
        assertTrue(viaEnum.machine().dmesg().contains("slab_debug=FU: allocation debugging is on"));
    }
}
