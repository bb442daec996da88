package org.kmemlab.examples.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmemlab.examples.Run;

class LessonsTests {

    /** Runs one lesson on a small modern machine and returns its output, checking it succeeded. */
    private static String lesson(String name) {
        Run run = Run.small("lesson", name);
        assertEquals(0, run.status(), run.out() + run.err());
        return run.out();
    }

    @Test
    void checkReturnsDropsPacketsAndTheCarelessRoutineOopses() {
        String out = lesson("check-returns");
        assertTrue(out.contains("FAULT_INJECTION: forcing a failure."), out);
        assertTrue(Pattern.compile("dropped [1-9]\\d* \\(rx_dropped\\), and the machine is still up").matcher(out)
                .find(), out);
        assertTrue(out.contains("BUG: kernel NULL pointer dereference"), out);
        assertTrue(out.contains("64 of 64 packets received"), out);
    }

    @Test
    void onTheLinux20MachineTheOopsIsTwoPointZeros() {
        Run run = Run.kmemlab("lesson", "check-returns", "--profile", "i386");
        assertEquals(0, run.status(), run.out() + run.err());
        // Linux 2.0 arch/i386/mm/fault.c:124,128 and traps.c:112 (LINUX-FACTS 1.5)
        assertTrue(run.out().contains("Unable to handle kernel NULL pointer dereference at virtual address c0000000"),
                run.out());
        assertTrue(run.out().contains("Oops: 0002"), run.out());
        assertTrue(!run.out().contains("P4D") && !run.out().contains("#PF:"), run.out());
        Run vmalloc = Run.kmemlab("lesson", "vmalloc", "--profile", "i386");
        assertEquals(0, vmalloc.status(), vmalloc.out() + vmalloc.err());
        assertTrue(vmalloc.out().contains("Unable to handle kernel paging request at virtual address c"), vmalloc.out());
    }

    @Test
    void unwindLeaksNothingWhileTheCarelessOpenLeaks() {
        String out = lesson("unwind");
        assertTrue(out.contains("open() returned -12 (-ENOMEM)"), out);
        assertTrue(out.contains("nothing leaked"), out);
        Matcher lost = Pattern.compile("(\\d+) kB are lost until reboot").matcher(out);
        assertTrue(lost.find() && Long.parseLong(lost.group(1)) >= 16, "at least the 16 KiB ring leaks:\n" + out);
    }

    @Test
    void poolsServeWhenKmallocCannot() {
        String out = lesson("pools");
        assertTrue(out.contains("plain kmalloc(256, GFP_ATOMIC): 0 of 16 requests served"), out);
        assertTrue(out.contains("private pool: 64 requests served"), out);
        assertTrue(out.contains("mempool_alloc(GFP_ATOMIC): 16 of 16 requests served; 0 elements left in the reserve"),
                out);
        assertTrue(out.contains("one more with GFP_ATOMIC: NULL"), out);
        assertTrue(out.contains("all freed to the pool: the reserve is full again (16)"), out);
    }

    @Test
    void aGfpKernelCallerSleepsUntilTheOtherThreadFrees() {
        String out = lesson("wait");
        assertTrue(out.contains("__get_free_pages(GFP_NOWAIT, 2) returned NULL"), out);
        Matcher slept = Pattern.compile("__get_free_pages\\(GFP_KERNEL, 2\\) returned 0x[0-9a-f]+ after (\\d+) ms")
                .matcher(out);
        assertTrue(slept.find(), out);
        assertTrue(Long.parseLong(slept.group(1)) >= 100, "it waited for the other thread's 200 ms:\n" + out);
        assertTrue(out.contains("kmalloc(8192) succeeded on try"), out);
    }

    /** Linux 2.0 mm/page_alloc.c:193-203: reclaim, then 0; no waiting for another task, no GFP_NOWAIT. */
    @Test
    void onTheLinux20MachineGfpKernelFailsAtOnceAndTheDriverRetries() {
        Run run = Run.kmemlab("lesson", "wait", "--profile", "i386");
        assertEquals(0, run.status(), run.out() + run.err());
        // include/linux/mm.h (tag 2.0): __get_free_pages(int priority, unsigned long gfporder, int dma)
        assertTrue(run.out().contains("__get_free_pages(GFP_ATOMIC, 2, 0) returned NULL"), run.out());
        assertTrue(run.out().contains("__get_free_pages(GFP_KERNEL, 2, 0) returned NULL after"), run.out());
        assertTrue(run.out().contains("the 2.0 way: the driver calls schedule() and tries again"), run.out());
        assertTrue(!run.out().contains("GFP_NOWAIT"), "2.0 had no GFP_NOWAIT:\n" + run.out());
    }

    @Test
    void gfpKernelInAnInterruptHandlerIsReported() {
        String out = lesson("atomic");
        assertTrue(out.contains("in_interrupt: kmalloc(512, GFP_ATOMIC) = 0x"), out);
        assertTrue(out.contains("GFP_NOWAIT: NULL;  GFP_ATOMIC in the handler: 0x"), out);
        assertTrue(out.contains("BUG: sleeping function called from invalid context at kmalloc(GFP_KERNEL)"), out);
        assertTrue(out.contains("atomic because: irq 6 (floppy)"), out);
    }

    /** Linux 2.0 mm/kmalloc.c:269-276: print, force GFP_ATOMIC, carry on (the first 4 times). */
    @Test
    void onTheLinux20MachineGfpKernelInAnInterruptIsTwoPointZerosMessageAndCarryOnIsShown() {
        Run run = Run.kmemlab("lesson", "atomic", "--profile", "i386");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("kmalloc called nonatomically from interrupt AtomicLesson."), run.out());
        assertTrue(run.out().contains("2.0 printed one line, went on with GFP_ATOMIC"), run.out());
        assertTrue(!run.out().contains("BUG: sleeping function called from invalid context at"), run.out());
        // 2.0 checked intr_count only (mm/kmalloc.c:269-276, mm/page_alloc.c:181-187): the lesson says so
        assertTrue(run.out().contains("GFP_KERNEL under a spinlock went unreported"), run.out());
    }

    /** Linux 2.0 mm/kmalloc.c:404-405,445-447: a block that is not MF_USED is reported, the free returns. */
    @Test
    void carryingOnAfterADoubleKfreeEndsWithTwoDriversSharingOneBlock() {
        Run run = Run.kmemlab("lesson", "carry-on");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(Pattern.compile("kfree of non-kmalloced memory: [0-9a-f]{8}, next= [0-9a-f]{8}, order=\\d+")
                .matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains("the same block, and wrote its sector"), run.out());
        String modern = lesson("carry-on");
        assertTrue(modern.contains("BUG kmalloc-128 (Not tainted): Object already free"), modern);
    }

    @Test
    void theDmaControllerRefusesWhatItCannotReachAndAcceptsTheBounceBuffer() {
        Run run = Run.kmemlab("lesson", "dma");
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("is beyond the controller's 16 MiB reach"), out);
        assertTrue(out.contains("DMA crossing 64-K boundary"), out);
        assertTrue(out.contains("below 16 MiB true, aligned to its size true, crosses 64 KiB: false"), out);
        assertTrue(out.contains("a 9216-byte track arrived intact"), out);
    }

    @Test
    void largeContiguousMemoryFailsOnFragmentedMemoryButVmallocWorks() {
        String out = lesson("vmalloc");
        assertTrue(out.contains("kmalloc(65536, GFP_KERNEL) = NULL"), out);
        assertTrue(out.contains("pages=16 vmalloc"), out);
        assertTrue(out.contains("the buffer works"), out);
        assertTrue(out.contains("BUG: unable to handle page fault for address"), "the guard page:\n" + out);
    }

    @Test
    void bootMemoryIsRefusedAfterMemInitAndCannotBeFreed() {
        String out = lesson("boot");
        assertTrue(out.contains("reserved   [mem 0x"), out);
        assertTrue(out.contains("] sound DMA buffer"), out);
        assertTrue(out.contains("refused: boot memory for 'late driver buffer' requested after mem_init()"), out);
        assertTrue(out.contains("BUG: Bad page state"), out);
    }

    /**
     * On the 2.0 machine the calls read as 2.0's (include/linux/mm.h, tag 2.0: __get_free_pages(priority,
     * order, dma), __get_dma_pages, free_pages(addr, order)); a bad free_pages 2.0 met in silence
     * (mm/page_alloc.c free_pages: PageReserved, return) is kmemlab's report, and mempool is named as today's.
     */
    @Test
    void theLinux20MachinesLessonsSpeak20AndLabelWhatIsNot() {
        Run boot = Run.kmemlab("lesson", "boot");
        assertEquals(0, boot.status(), boot.out() + boot.err());
        assertTrue(boot.out().contains("free_pages(0x240000, 4): the page allocator never owned it"), boot.out());
        assertTrue(boot.out().contains("kmemlab's report (the kernel printed nothing):\n     kmemlab found: free_pages"
                + " of reserved pfn 576 (order 4)"), boot.out());
        assertTrue(boot.out().contains("__get_dma_pages(GFP_KERNEL, 4) = 0x"), boot.out());
        assertTrue(!boot.out().contains("alloc_pages(") && !boot.out().contains("BUG: Bad page state"), boot.out());
        Run pools = Run.kmemlab("lesson", "pools");
        assertTrue(pools.out().contains("(mempool is today's kernel: it came after 2.4.0;"), pools.out());
        Run dma = Run.kmemlab("lesson", "dma");
        assertTrue(dma.out().contains("-- right: __get_dma_pages(GFP_KERNEL, 3) as the bounce buffer"), dma.out());
    }

    @Test
    void everyLessonGoesAsExpectedOnTheLinux20Machine() {
        for (String name : new String[] {"check-returns", "unwind", "pools", "wait", "atomic", "vmalloc", "boot"}) {
            Run run = Run.kmemlab("lesson", name);
            assertEquals(0, run.status(), name + ":\n" + run.out() + run.err());
        }
    }

    @Test
    void theSlabLessonMeasuresBothWaysAndCountsNoConstructorCallsForReusedObjects() {
        Run run = Run.kmemlab("lesson", "slab");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("machine: x86_64"), run.out());
        assertTrue(run.out().contains("Linux 2.0 had no kmem_cache"), "lesson 9 says which era it shows: " + run.out());
        assertTrue(run.out().contains("constructor calls during 250000 cache rounds: 0"), run.out());
        assertTrue(run.out().contains("kmem_cache_destroy dentry: Slab cache still has objects"), run.out());
        assertTrue(run.out().matches("(?s).*kmem_cache_alloc \\+ kmem_cache_free: +[0-9.]+ ns a round.*"), run.out());
    }

    @Test
    void crossing64KbIsTheFloppyDriversMacro() {
        assertTrue(IsaDmaController.cross64k(0xfff0, 0x20));
        assertTrue(!IsaDmaController.cross64k(0x10000, 0x10000));
        assertTrue(IsaDmaController.cross64k(0x10000, 0x10001));
        assertTrue(!IsaDmaController.cross64k(0x1fff0, 0x10));
    }

    @Test
    void lessonsAreFoundByNameOrNumber() {
        Lessons lessons = new Lessons();
        assertEquals(10, lessons.all().size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i + 1, lessons.all().get(i).number());
            assertEquals(lessons.all().get(i), lessons.find(Integer.toString(i + 1)));
            assertEquals(lessons.all().get(i), lessons.find(lessons.all().get(i).name()));
        }
        assertEquals("atomic", lessons.find("lesson5").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lessons.find("11"));
        assertEquals("no lesson '11'; the lessons are 1 check-returns, 2 unwind, 3 pools, 4 wait, 5 atomic, 6 dma,"
                + " 7 vmalloc, 8 boot, 9 slab, 10 carry-on", e.getMessage());
    }

    @Test
    void withoutANameTheLessonsAreListed() {
        Run run = Run.kmemlab("lesson");
        assertEquals(0, run.status());
        assertTrue(run.out().contains("  5 atomic         GFP_ATOMIC from an interrupt handler"), run.out());
    }
}
