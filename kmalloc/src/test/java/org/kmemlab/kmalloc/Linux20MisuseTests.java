package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SleepInAtomicBug;

/**
 * The Linux 2.0 era's misuse and failure messages, pinned against Linux 2.0 (tag {@code 2.0} of
 * {@code schwabe/davej-history}): {@code mm/kmalloc.c} lines 243 (realsize), 269-276 (nonatomic from
 * interrupt), 363-369 (Couldn't get a free page), 445-446 (kfree of non-kmalloced memory);
 * {@code mm/page_alloc.c} lines 124-125 (reserved page) and 181-188 (gfp nonatomic);
 * {@code include/linux/malloc.h} ({@code #define kfree_s(a,b) kfree(a)}).
 */
class Linux20MisuseTests {

    private static Kernel old(boolean carryOn) {
        return Kernel.builder().profile(MachineProfile.I386_LINUX_2_0).era(Era.LINUX_2_0).cpuCaches(false)
                .carryOnAfterMisuse(carryOn).systemProperties(new java.util.Properties()).boot();
    }

    @Test
    void aDoubleFreePrintsTwoPointZerosLineWithTheDescriptorAndStopsByDefault() {
        Kernel kernel = old(false);
        long p = kernel.kmalloc(100, Gfp.GFP_KERNEL);
        kernel.kfree(p);
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.kfree(p));
        long page = kernel.machine().pa(p & ~4095L);
        // 2.0 printed the descriptor words it found at the start of the page: next (+0) and order (+8)
        int order = kernel.machine().memory().readInt(page + 8);
        assertEquals(2, order, "page->order is the bucket index (kmalloc.c:326): 100 + 8 bytes is sizes[2], 128");
        String next = String.format("%08x", kernel.machine().memory().readInt(page) & 0xffffffffL);
        String line = String.format("kfree of non-kmalloced memory: %08x, next= %s, order=%d", p & 0xffffffffL, next,
                order);
        assertEquals(line, bug.headline(), "kmalloc.c:445");
        assertTrue(kernel.machine().dmesg().contains(line), kernel.dmesg());
        assertTrue(bug.advice().startsWith("Linux 2.0 printed this line and carried on"), bug.advice());
        assertTrue(bug.details().startsWith("kmemlab found: "), bug.details());
    }

    @Test
    void withCarryOnTheBadFreeReturnsAsIn20AndNothingChanges() {
        Kernel kernel = old(true);
        long p = kernel.kmalloc(100, Gfp.GFP_KERNEL);
        kernel.kfree(p);
        long free = kernel.meminfo().memFree();
        kernel.kfree(p);
        kernel.kfree(p + 4);
        assertEquals(free, kernel.meminfo().memFree());
        assertEquals(2, kernel.machine().dmesg().entries().stream()
                .filter(e -> e.text().startsWith("kfree of non-kmalloced memory: ")).count(), kernel.dmesg());
        kernel.checkInvariants();
    }

    @Test
    void kmallocOfZeroIsARealThirtyTwoByteBlockAndKfreeSIgnoresTheSize() {
        Kernel kernel = old(false);
        long p = kernel.kmalloc(0, Gfp.GFP_KERNEL);
        assertNotEquals(KernelMemory.ZERO_SIZE_PTR, p, "kmalloc.c:243: realsize 8 fits the 32-byte bucket");
        assertNotEquals(KernelMemory.NULL, p);
        assertEquals(24, kernel.ksize(p), "a 32-byte block less its 8-byte header");
        kernel.kfree(p, 99_999);   // malloc.h: kfree_s(a,b) is kfree(a)
        assertEquals(KernelMemory.ZERO_SIZE_PTR, TestProviders.builder().boot().kmalloc(0, Gfp.GFP_KERNEL),
                "today's era keeps ZERO_SIZE_PTR");
    }

    @Test
    void gfpKernelInAnInterruptIsReportedAndForcedAtomicTheFirstFourTimes() {
        Kernel kernel = old(true);
        long[] got = new long[5];
        kernel.machine().context().runInInterrupt(6, "floppy", () -> {
            for (int i = 0; i < 4; i++) {
                got[i] = kernel.kmalloc(64, Gfp.GFP_KERNEL);
            }
            KernelBug fifth = assertThrows(KernelBug.class, () -> kernel.kmalloc(64, Gfp.GFP_KERNEL));
            assertTrue(fifth.details().contains("schedule() inside the interrupt handler"), fifth.getMessage());
        });
        for (int i = 0; i < 4; i++) {
            assertNotEquals(KernelMemory.NULL, got[i]);
            kernel.kfree(got[i]);
        }
        long lines = kernel.machine().dmesg().entries().stream()
                .filter(e -> e.text().startsWith("kmalloc called nonatomically from interrupt ")).count();
        assertEquals(4, lines, "kmalloc.c:271: if (++count < 5)\n" + kernel.dmesg());
        assertTrue(kernel.dmesg().contains("kmalloc called nonatomically from interrupt Linux20MisuseTests"),
                "the call site stands where 2.0 printed the return address:\n" + kernel.dmesg());
    }

    @Test
    void byDefaultTheInterruptCaseStopsAndTodaysEraKeepsTodaysReport() {
        Kernel kernel = old(false);
        kernel.machine().context().runInInterrupt(6, "floppy", () -> {
            KernelBug bug = assertThrows(KernelBug.class, () -> kernel.getFreePages(Gfp.GFP_KERNEL, 0));
            assertTrue(bug.headline().startsWith("gfp called nonatomically from interrupt "), bug.headline());
            // page_alloc.c:184 printed __builtin_return_address(0) there; kmemlab's call site is labelled as such
            assertTrue(bug.details().startsWith("kmemlab: where 2.0 printed the caller's return address"),
                    bug.details());
        });
        Kernel modern = TestProviders.builder().boot();
        modern.machine().context().runInInterrupt(6, "floppy",
                () -> assertThrows(SleepInAtomicBug.class, () -> modern.kmalloc(64, Gfp.GFP_KERNEL)));
    }

    @Test
    void couldntGetAFreePageIsPrintedAtMostOnceInTenSeconds() {
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0);
        AtomicLong now = new AtomicLong(0);
        Linux20Misuse misuse = new Linux20Misuse(machine, false, now::get);
        misuse.kmallocFailed(Gfp.GFP_KERNEL);
        now.set(9_999_999_999L);
        misuse.kmallocFailed(Gfp.GFP_KERNEL);
        now.set(10_000_000_000L);
        misuse.kmallocFailed(Gfp.GFP_KERNEL);
        assertEquals(2, machine.dmesg().entries().stream()
                .filter(e -> e.text().equals("Couldn't get a free page.....")).count(), machine.dmesg().text());
        now.set(30_000_000_000L);
        misuse.kmallocFailed(Gfp.GFP_BUFFER);   // kmalloc.c:365: priority != GFP_BUFFER
        assertEquals(2, machine.dmesg().entries().stream()
                .filter(e -> e.text().equals("Couldn't get a free page.....")).count(), machine.dmesg().text());
    }

    @Test
    void aFailingKmallocOnThe20EraLogsTheMessage() {
        Kernel kernel = old(false);
        int got = 0;
        while (kernel.kmalloc(65536, Gfp.GFP_ATOMIC) != KernelMemory.NULL) {
            got++;
        }
        assertTrue(got > 0);
        assertTrue(kernel.machine().dmesg().contains("Couldn't get a free page....."), kernel.dmesg());
    }

    @Test
    void freeingAReservedPageIsIgnoredWhenCarryingOnAndStopsOtherwise() {
        Kernel carry = old(true);
        long free = carry.meminfo().memFree();
        carry.freePagesPfn(0x100, 0);   // the kernel image at 1 MiB
        assertEquals(free, carry.meminfo().memFree(), "page_alloc.c:124: PageReserved: return");
        KernelBug bug = assertThrows(KernelBug.class, () -> old(false).freePagesPfn(0x100, 0));
        assertEquals("kmemlab found: free_pages of reserved pfn 256 (order 0)", bug.headline(), "2.0 said nothing");
        assertTrue(bug.advice().startsWith("Linux 2.0 returned without a word"), bug.advice());
    }

    @Test
    void anUnknownMisuseSettingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.builder()
                .profile(MachineProfile.I386_LINUX_2_0).systemProperties(new java.util.Properties())
                .commandLine("misuse", "ignore").boot());
        assertTrue(e.getMessage().contains("misuse 'ignore'"), e.getMessage());
    }

    /** 2.0 had no per-CPU caches: a freed block's header says MF_FREE (0x0055ffaa, mm/kmalloc.c:406) at once. */
    @Test
    void perThreadCachesAreOffByDefaultOnThe20EraSoAFreedBlockIsMfFree() {
        Kernel kernel = Kernel.builder().profile(MachineProfile.I386_LINUX_2_0)
                .systemProperties(new java.util.Properties()).boot();
        assertTrue(kernel.configuration().contains("cpuCaches      false"), kernel.configuration());
        long p = kernel.kmalloc(100, Gfp.GFP_KERNEL);
        kernel.kfree(p);
        assertEquals(0x0055ffaa, kernel.machine().memory().readInt(kernel.machine().pa(p) - 8));
        Kernel modern = Kernel.builder().profile(MachineProfile.X86_64).systemProperties(new java.util.Properties())
                .boot();
        assertTrue(modern.configuration().contains("cpuCaches      true"), modern.configuration());
    }

    /** page_alloc.c:179-180, __get_free_pages: if (order >= NR_MEM_LISTS) return 0; (before the interrupt check) */
    @Test
    void anOrderOfSixOrMoreReturnsNullWithoutAWordOnThe20Era() {
        Kernel kernel = old(false);
        int lines = kernel.machine().dmesg().entries().size();
        assertEquals(KernelMemory.NULL, kernel.getFreePages(Gfp.GFP_KERNEL, 6));
        kernel.machine().context().runInInterrupt(6, "floppy",
                () -> assertEquals(KernelMemory.NULL, kernel.getFreePages(Gfp.GFP_KERNEL, 9)));
        assertEquals(lines, kernel.machine().dmesg().entries().size(), kernel.dmesg());
        Kernel modern = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
        assertEquals(KernelMemory.NULL, modern.getFreePages(Gfp.GFP_KERNEL, 11));
        assertTrue(modern.dmesg().contains("WARNING: page allocation of order 11 > MAX_ORDER 10"), modern.dmesg());
    }

    /**
     * page_alloc.c:119-131, free_pages: no message for any bad free. A page whose count is 0 (a free page)
     * goes to -1 and nothing happens; kmemlab stops by default with a report labelled as its own, never
     * today's "BUG: Bad page state", and carries on where 2.0 did nothing.
     */
    @Test
    void aDoubleFreePagesIsReportedAsKmemlabsFindingAndCarriedOnSilently() {
        Kernel kernel = old(false);
        long p = kernel.getFreePages(Gfp.GFP_KERNEL, 1);
        kernel.freePages(p, 1);
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.freePages(p, 1));
        assertTrue(bug.headline().startsWith("kmemlab found: "), bug.headline());
        assertFalse(bug.getMessage().contains("Bad page state"), bug.getMessage());
        assertTrue(bug.details().startsWith("Linux 2.0 printed nothing: the page's use count went from 0 to -1"),
                bug.details());
        assertTrue(bug.advice().endsWith("(kmemlab.misuse=carry-on does what 2.0 did)"), bug.advice());

        Kernel carry = old(true);
        long q = carry.getFreePages(Gfp.GFP_KERNEL, 1);
        carry.freePages(q, 1);
        long free = carry.meminfo().memFree();
        int lines = carry.machine().dmesg().entries().size();
        carry.freePages(q, 1);
        carry.freePages(0x7fff_0000L, 0);   // beyond high_memory: MAP_NR(addr) < MAP_NR(high_memory) fails
        assertEquals(free, carry.meminfo().memFree());
        assertEquals(lines, carry.machine().dmesg().entries().size(), carry.dmesg());
        carry.checkInvariants();
    }

    /** free_pages with the wrong order went to free_pages_ok unchecked in 2.0: kmemlab cannot do that, so it stops. */
    @Test
    void aWrongOrderStopsEvenWhenCarryingOn() {
        Kernel carry = old(true);
        long p = carry.getFreePages(Gfp.GFP_KERNEL, 2);
        KernelBug bug = assertThrows(KernelBug.class, () -> carry.freePages(p, 1));
        assertEquals("kmemlab found: freeing order 1 but the block at pfn " + carry.machine().pa(p) / 4096
                + " was allocated with order 2", bug.headline());
        assertTrue(bug.details().contains("stops even with kmemlab.misuse=carry-on"), bug.details());
        carry.freePages(p, 2);
        carry.checkInvariants();
    }

    /** MAP_NR(addr) is addr >> PAGE_SHIFT: 2.0 freed the page that holds an address inside it. */
    @Test
    void anAddressInsideThePageFreesThatPageWhenCarryingOn() {
        Kernel carry = old(true);
        long free = carry.meminfo().memFree();
        long p = carry.getFreePages(Gfp.GFP_KERNEL, 0);
        carry.freePages(p + 100, 0);
        assertEquals(free, carry.meminfo().memFree());
        KernelBug bug = assertThrows(KernelBug.class, () -> {
            Kernel kernel = old(false);
            kernel.freePages(kernel.getFreePages(Gfp.GFP_KERNEL, 0) + 100, 0);
        });
        assertTrue(bug.headline().startsWith("kmemlab found: free_pages of 0x"), bug.headline());
        assertTrue(bug.details().startsWith("Linux 2.0 printed nothing: MAP_NR() dropped the offset"), bug.details());
    }

    /**
     * vmalloc.c vfree: printk("Trying to vfree() bad address (%p)\n") when (PAGE_SIZE-1) & addr, else
     * printk("Trying to vfree() nonexistent vm area (%p)\n"), then return. %p: 8 hex digits, no 0x.
     */
    @Test
    void vfreeMisusePrintsTwoPointZerosLinesAndReturnsWhenCarryingOn() {
        Kernel kernel = old(false);
        long v = kernel.vmalloc(8192);
        InvalidFreeBug inside = assertThrows(InvalidFreeBug.class, () -> kernel.vfree(v + 16));
        assertEquals(String.format("Trying to vfree() bad address (%08x)", v + 16), inside.headline());
        long k = kernel.kmalloc(100, Gfp.GFP_KERNEL);
        InvalidFreeBug kmalloced = assertThrows(InvalidFreeBug.class, () -> kernel.vfree(k));
        assertEquals(String.format("Trying to vfree() bad address (%08x)", k), kmalloced.headline(),
                "any address that is not page aligned is a bad address to 2.0's vfree");
        kernel.vfree(v);
        InvalidFreeBug twice = assertThrows(InvalidFreeBug.class, () -> kernel.vfree(v));
        assertEquals(String.format("Trying to vfree() nonexistent vm area (%08x)", v), twice.headline());
        assertTrue(twice.details().startsWith("kmemlab found: "), twice.details());
        assertTrue(kernel.dmesg().contains("<4>Trying to vfree() nonexistent vm area (01800000)"), kernel.dmesg());

        Kernel carry = old(true);
        long w = carry.vmalloc(4096);
        carry.vfree(w);
        carry.vfree(w);
        assertTrue(carry.dmesg().contains("Trying to vfree() nonexistent vm area (01800000)"), carry.dmesg());
    }

    /** vmalloc.c vmalloc: if (!size || size > (MAP_NR(high_memory) << PAGE_SHIFT)) return NULL; no message. */
    @Test
    void aFailingVmallocSaysNothingOnThe20Era() {
        Kernel kernel = old(false);
        int lines = kernel.machine().dmesg().entries().size();
        assertEquals(KernelMemory.NULL, kernel.vmalloc(0));
        assertEquals(KernelMemory.NULL, kernel.vmalloc(kernel.machine().ramBytes() + 1));
        assertEquals(lines, kernel.machine().dmesg().entries().size(), kernel.dmesg());
        Kernel modern = TestProviders.builder().profile(MachineProfile.X86_64).ram(64L << 20).boot();
        assertEquals(KernelMemory.NULL, modern.vmalloc(0));
        assertTrue(modern.dmesg().contains("vmalloc error: size 0"), modern.dmesg());
    }

    /** vmalloc.c get_vm_area: kmalloc(sizeof(*area), GFP_KERNEL) meets kmalloc.c:269-276 in an interrupt. */
    @Test
    void vmallocInAnInterruptGetsKmallocsNonatomicReport() {
        Kernel carry = old(true);
        long[] v = new long[1];
        carry.machine().context().runInInterrupt(6, "floppy", () -> v[0] = carry.vmalloc(4096));
        assertNotEquals(KernelMemory.NULL, v[0]);
        assertTrue(carry.dmesg().contains("kmalloc called nonatomically from interrupt "), carry.dmesg());
        carry.vfree(v[0]);
    }

    /** kmalloc.c:269: if (intr_count && priority != GFP_ATOMIC): GFP_BUFFER (level 0) is reported too. */
    @Test
    void gfpBufferInAnInterruptIsReportedBecauseTwoPointZeroTestedForGfpAtomic() {
        Kernel carry = old(true);
        long[] got = new long[1];
        carry.machine().context().runInInterrupt(6, "floppy", () -> {
            got[0] = carry.kmalloc(64, Gfp.GFP_BUFFER);
            assertNotEquals(KernelMemory.NULL, carry.kmalloc(64, Gfp.GFP_ATOMIC));
        });
        assertNotEquals(KernelMemory.NULL, got[0]);
        assertEquals(1, carry.machine().dmesg().entries().stream()
                .filter(e -> e.text().startsWith("kmalloc called nonatomically from interrupt ")).count(), carry.dmesg());
    }
}
