package org.kmemlab.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.stats.SlabInfo;

/** Every misuse report, word for word, and the promise that a report changes nothing. */
class BucketMisuseTests {

    private static final String NOT_OWNED_HINT = "Hint: free only pointers that the same allocator returned, and only once";
    private static final String INVALID_HINT = "Hint: pass kfree() the pointer kmalloc() returned, not an address computed from it";

    private final TestPageSource source = TestPageSource.i386();
    private final BucketAllocator modern = BucketAllocatorTests.allocator(source, Era.MODERN);

    /** Runs {@code misuse}, expects {@code type} with {@code message}, and checks that nothing changed. */
    private static <T extends KernelBug> T expect(BucketAllocator buckets, Class<T> type, String message,
                                                  Executable misuse) {
        List<SlabInfo> before = buckets.slabinfo();
        T bug = assertThrows(type, misuse);
        assertEquals(message, bug.getMessage());
        assertEquals(before, buckets.slabinfo(), "a KernelBug leaves the allocator as it was");
        buckets.checkInvariants();
        return bug;
    }

    @Test
    void freeingAnAddressOutsideEverySlabIsKfreeOfNonKmallocedMemory() {
        long p = modern.allocate(64, Gfp.GFP_KERNEL);
        long elsewhere = p + 4096;
        expect(modern, InvalidFreeBug.class, "BUG: kfree of non-kmalloced memory: 0x" + Long.toHexString(elsewhere) + "\n"
                + "INFO: 0x" + Long.toHexString(elsewhere) + " is not in any page owned by the bucket allocator (kmalloc caches)\n"
                + NOT_OWNED_HINT, () -> modern.free(elsewhere));
        expect(modern, InvalidFreeBug.class, "BUG: kfree of non-kmalloced memory: 0x10\n"
                + "INFO: 0x10 is not in any page owned by the bucket allocator (kmalloc caches)\n"
                + NOT_OWNED_HINT, () -> modern.free(16));
        expect(modern, InvalidFreeBug.class, "BUG: kfree of non-kmalloced memory: 0x10\n"
                + "INFO: 0x10 is not in any page owned by the bucket allocator (kmalloc caches)\n"
                + NOT_OWNED_HINT, () -> modern.usableSize(16));
        modern.free(p);
    }

    @Test
    void freeingAnInteriorPointerIsAnInvalidObjectPointer() {
        long p = modern.allocate(100, Gfp.GFP_KERNEL);
        InvalidFreeBug bug = expect(modern, InvalidFreeBug.class,
                "BUG kmalloc-128 (Not tainted): Invalid object pointer 0x" + Long.toHexString(p + 40) + "\n"
                        + "INFO: 0x" + Long.toHexString(p + 40) + " is 40 bytes into the object at 0x" + Long.toHexString(p) + "\n"
                        + "Hint: pass kfree() the pointer kmalloc() returned, not a pointer into the middle of the object",
                () -> modern.free(p + 40));
        assertEquals(p + 40, bug.address());
        modern.free(p);
    }

    @Test
    void freeingAnObjectTwiceIsObjectAlreadyFree() {
        long p = modern.allocate(64, Gfp.GFP_KERNEL | Gfp.GFP_DMA);
        long q = modern.allocate(64, Gfp.GFP_KERNEL | Gfp.GFP_DMA);
        modern.free(p);
        String message = "BUG dma-kmalloc-64 (Not tainted): Object already free\n"
                + "INFO: Object 0x" + Long.toHexString(p) + " in cache dma-kmalloc-64\n"
                + "Hint: each object must be freed exactly once; after kfree(p) set p to NULL so a second kfree(p) does nothing";
        source.machine().memory().writeLong(source.machine().pa(p), q + 64);
        DoubleFreeBug bug = expect(modern, DoubleFreeBug.class, message, () -> modern.free(p));
        assertEquals("dma-kmalloc-64", bug.cache());
        expect(modern, DoubleFreeBug.class, "BUG dma-kmalloc-64 (Not tainted): Object already free\n"
                + "INFO: Object 0x" + Long.toHexString(p) + " in cache dma-kmalloc-64\n"
                + "INFO: ksize() was asked for its size after it was freed\n"
                + "Hint: each object must be freed exactly once; after kfree(p) set p to NULL so a second kfree(p) does nothing",
                () -> modern.usableSize(p));
        modern.free(q);
    }

    @Test
    void linux20AddressesInDescriptorsHeadersAndTailsAreNotObjects() {
        BucketAllocator linux = BucketAllocatorTests.allocator(source, Era.LINUX_2_0);
        long p = linux.allocate(20, Gfp.GFP_KERNEL);
        long page = p - 24;
        String name = "kmalloc-32";
        for (long[] where : new long[][] {{page + 4, 0}, {p - 4, 1}, {p + 28, 1}, {page + 4088, 2}}) {
            String what = where[1] == 0 ? "page descriptor" : where[1] == 1 ? "block header" : "unused tail";
            long addr = where[0];
            expect(linux, InvalidFreeBug.class, "BUG " + name + " (Not tainted): Invalid object pointer 0x" + Long.toHexString(addr)
                    + "\nINFO: 0x" + Long.toHexString(addr) + " is in the " + what + " of the slab at 0x" + Long.toHexString(page)
                    + ", not in an object\n" + INVALID_HINT, () -> linux.free(addr));
        }
        expect(linux, InvalidFreeBug.class, "BUG kmalloc-32 (Not tainted): Invalid object pointer 0x" + Long.toHexString(p + 8)
                + "\nINFO: 0x" + Long.toHexString(p + 8) + " is 8 bytes into the object at 0x" + Long.toHexString(p)
                + "\nHint: pass kfree() the pointer kmalloc() returned, not a pointer into the middle of the object",
                () -> linux.free(p + 8));
        linux.free(p);
    }

    @Test
    void modernSlabTailIsNotAnObject() {
        long p = modern.allocate(96, Gfp.GFP_KERNEL);
        long tail = p + 42 * 96;
        expect(modern, InvalidFreeBug.class, "BUG kmalloc-96 (Not tainted): Invalid object pointer 0x" + Long.toHexString(tail)
                + "\nINFO: 0x" + Long.toHexString(tail) + " is in the unused tail of the slab at 0x" + Long.toHexString(p)
                + ", not in an object\n" + INVALID_HINT, () -> modern.free(tail));
    }

    @Test
    void linux20OverwrittenBlockHeaderIsReportedOnFree() {
        BucketAllocator linux = BucketAllocatorTests.allocator(source, Era.LINUX_2_0);
        long first = linux.allocate(56, Gfp.GFP_KERNEL);
        long second = linux.allocate(56, Gfp.GFP_KERNEL);
        long header = second - 8;
        source.machine().memory().fill(source.machine().pa(first), 60, (byte) 0x41);
        List<SlabInfo> before = linux.slabinfo();
        CorruptionBug bug = assertThrows(CorruptionBug.class, () -> linux.free(second));
        assertEquals("BUG kmalloc-64 (Not tainted): Block header overwritten\n"
                + "0x" + Long.toHexString(header) + "-0x" + Long.toHexString(header + 3) + " @offset=-8. First byte 0x41 instead of 0x55\n"
                + "INFO: bh_flags 0x41414141 instead of MF_USED 0xffaa0055\n"
                + "Hint: the block before this one was written past its end; an object holds ksize() bytes, not the block size",
                bug.getMessage());
        assertEquals(before, linux.slabinfo());
        linux.free(first);
    }

    @Test
    void aFreePointerOverwrittenAfterFreeIsCaughtWhenTheListIsFollowed() {
        long p = modern.allocate(64, Gfp.GFP_KERNEL);
        modern.free(p);
        source.machine().memory().writeLong(source.machine().pa(p), 0xdeadbeefL);
        List<SlabInfo> before = modern.slabinfo();
        KernelBug bug = assertThrows(KernelBug.class, () -> modern.allocate(64, Gfp.GFP_KERNEL));
        assertEquals("BUG kmalloc-64 (Not tainted): Freepointer corrupt\n"
                + "INFO: Slab 0x" + Long.toHexString(p) + " free object 0x" + Long.toHexString(p)
                + ": its free pointer 0xdeadbeef is not an object of this slab or NULL\n"
                + "Hint: a free object was written after kfree() (a use after free) or by an overflow of its neighbour;"
                + " look for the last writer of this address", bug.getMessage());
        assertEquals(before, modern.slabinfo());
        assertThrows(IllegalStateException.class, modern::checkInvariants, "the self-check sees it too");
    }

    /** Expects the next 64-byte allocation to report the free list of {@code slab} broken at {@code object}. */
    private void expectCorruptList(long slab, long object, String what) {
        List<SlabInfo> before = modern.slabinfo();
        KernelBug bug = assertThrows(KernelBug.class, () -> modern.allocate(64, Gfp.GFP_KERNEL));
        assertEquals("BUG kmalloc-64 (Not tainted): Freepointer corrupt\n"
                + "INFO: Slab 0x" + Long.toHexString(slab) + " free object 0x" + Long.toHexString(object) + ": " + what
                + "\nHint: a free object was written after kfree() (a use after free) or by an overflow of its neighbour;"
                + " look for the last writer of this address", bug.getMessage());
        assertEquals(before, modern.slabinfo(), "the report changes nothing");
        assertThrows(IllegalStateException.class, modern::checkInvariants, "the self-check sees it too");
    }

    private void writeFreePointer(long object, long value) {
        source.machine().memory().writeLong(source.machine().pa(object), value);
    }

    @Test
    void aFreeListThatEndsEarlyIsReportedAsSuch() {
        long first = modern.allocate(64, Gfp.GFP_KERNEL);
        writeFreePointer(first + 64, 0);
        expectCorruptList(first, first + 64, "the free list ends here, but 62 more objects of the slab are free");
    }

    @Test
    void aFreeListThatRunsOnPastTheLastFreeObjectIsReportedAsSuch() {
        long first = modern.allocate(64, Gfp.GFP_KERNEL);
        for (int i = 1; i < 63; i++) {
            modern.allocate(64, Gfp.GFP_KERNEL);
        }
        long last = first + 63 * 64;
        writeFreePointer(last, first);
        expectCorruptList(first, last, "the slab has no other free object, but its free pointer goes on to 0x"
                + Long.toHexString(first));
    }

    @Test
    void aFreePointerIntoTheMiddleOfAnObjectIsReportedAsSuch() {
        long first = modern.allocate(64, Gfp.GFP_KERNEL);
        writeFreePointer(first + 64, first + 200);
        expectCorruptList(first, first + 64, "its free pointer 0x" + Long.toHexString(first + 200)
                + " points into the slab, but not at the start of an object");
    }

    @Test
    void aFreeListLeadingToALiveObjectIsReportedWhenItGetsThere() {
        long first = modern.allocate(64, Gfp.GFP_KERNEL);
        writeFreePointer(first + 64, first);
        assertEquals(first + 64, modern.allocate(64, Gfp.GFP_KERNEL), "a pointer to an object start passes");
        expectCorruptList(first, first, "the free list leads to an object that is live");
    }

    @Test
    void aBadPageSourceIsReportedNotTrusted() {
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0);
        BucketAllocator buckets = new BucketAllocator(new org.kmemlab.api.spi.ObjectAllocatorConfig(machine,
                new org.kmemlab.api.spi.PageSource() {
                    @Override
                    public long getFreePages(int gfp, int order) {
                        return machine.pfnToVirt(1001);
                    }

                    @Override
                    public void freePages(long addr, int order) {
                    }
                }, Era.MODERN));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> buckets.allocate(2000, Gfp.GFP_KERNEL));
        assertEquals("the page source returned 0x3e9000 for an order-2 request: not a naturally aligned block of"
                + " this machine's RAM", e.getMessage());
        assertEquals(0, BucketAllocatorTests.row(buckets, "kmalloc-2k").totalSlabs());
        buckets.checkInvariants();
    }
}
