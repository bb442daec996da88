package org.kmemlab.api.bug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelBugTests {

    @Test
    void aReportIsHeadlineDetailsAndOneHint() {
        KernelBug bug = new KernelBug("BUG: something", "detail one\ndetail two", "do the right thing");
        assertEquals("BUG: something\ndetail one\ndetail two\nHint: do the right thing", bug.getMessage());
        assertEquals("BUG: something", new KernelBug("BUG: something", "", "x").getMessage().lines().findFirst().orElseThrow());
    }

    @Test
    void badPageReportsNamePfnAndOrder() {
        String thread = Thread.currentThread().getName();
        BadPageStateBug wrong = BadPageStateBug.wrongOrder(16, 1, 2);
        assertEquals("BUG: Bad page state in process " + thread + "  pfn:00010", wrong.headline());
        assertEquals("page dumped because: freeing order 1 but the block at pfn 16 was allocated with order 2",
                wrong.details());
        assertEquals(16, wrong.pfn());
        assertEquals(1, wrong.order());
        assertEquals("page dumped because: freeing pfn 8 order 1, but (part of) the block is already free",
                BadPageStateBug.alreadyFree(8, 1).details());
        assertEquals("page dumped because: freeing pfn 5000 order 0, outside this allocator's frames [256, 4096)",
                BadPageStateBug.outOfRange(5000, 0, 256, 4096).details());
        assertEquals("page dumped because: freeing pfn 6 order 2, but an order-2 block starts at a multiple of 4",
                BadPageStateBug.misaligned(6, 2).details());
        assertEquals("page dumped because: freeing pfn 8 with order 11, outside 0..10",
                BadPageStateBug.badOrder(8, 11, 10).details());
        assertEquals("page dumped because: freeing pfn 9 order 0, which lies inside the order-2 block at pfn 8",
                BadPageStateBug.notBlockStart(9, 0, 8, 2).details());
    }

    @Test
    void slabReportsReadLikeSlub() {
        DoubleFreeBug twice = new DoubleFreeBug("kmalloc-64", 0xc0123440L);
        assertEquals("BUG kmalloc-64 (Not tainted): Object already free", twice.headline());
        assertEquals("INFO: Object 0xc0123440 in cache kmalloc-64", twice.details());
        InvalidFreeBug interior = InvalidFreeBug.notAnObject("kmalloc-64", 0xc0123448L, 0xc0123440L, 8);
        assertEquals("BUG kmalloc-64 (Not tainted): Invalid object pointer 0xc0123448", interior.headline());
        assertEquals("INFO: 0xc0123448 is 8 bytes into the object at 0xc0123440", interior.details());
        assertEquals("BUG: kfree of non-kmalloced memory: 0xc0500000",
                InvalidFreeBug.notOwned("kmalloc", 0xc0500000L).headline());
        assertEquals("BUG kmalloc-64 (Not tainted): kfree_s of 0xc0123440 with wrong size 100",
                InvalidFreeBug.wrongSize("kmalloc-64", 0xc0123440L, 100, 64).headline());
    }

    @Test
    void corruptionReportsNameTheRangeAndTheBytes() {
        CorruptionBug bug = new CorruptionBug("kmalloc-64", "Right Redzone", 0xc0123480L, 0xc0123483L, 64,
                (byte) 0x41, (byte) 0xcc, "FIX kmalloc-64: Restoring Right Redzone 0xc0123480-0xc0123487=0xcc",
                "write at most the size you asked kmalloc for");
        assertEquals("BUG kmalloc-64 (Not tainted): Right Redzone overwritten", bug.headline());
        assertEquals("0xc0123480-0xc0123483 @offset=64. First byte 0x41 instead of 0xcc\n"
                + "FIX kmalloc-64: Restoring Right Redzone 0xc0123480-0xc0123487=0xcc", bug.details());
    }

    @Test
    void oopsesDistinguishNullFromUnmapped() {
        Oops nul = new Oops(16, false, "ZERO_SIZE_PTR", "check kmalloc's result");
        assertEquals("BUG: kernel NULL pointer dereference, address: 0000000000000010", nul.headline());
        Oops unmapped = new Oops(0xffffc90000005000L, true, "PGD 1000067 PTE 0", "stay inside the area");
        assertEquals("BUG: unable to handle page fault for address: ffffc90000005000", unmapped.headline());
        assertTrue(unmapped.details().startsWith("#PF: supervisor write access in kernel mode\n"
                + "#PF: error_code(0x0002) - not-present page\nPGD 1000067 PTE 0"), unmapped.details());
    }
}
