package org.kmemlab.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.stats.SlabInfo;

/** The self-check has teeth: it names the first broken rule when memory or bookkeeping is wrong. */
class SlabCheckerTests {

    private final TestPageSource source = TestPageSource.i386();
    private final Machine machine = source.machine();
    private final PhysicalMemory memory = machine.memory();

    @Test
    void aCycleInAFreeListIsFound() {
        BucketAllocator buckets = BucketAllocatorTests.allocator(source, Era.MODERN);
        long a = buckets.allocate(32, Gfp.GFP_KERNEL);
        long b = buckets.allocate(32, Gfp.GFP_KERNEL);
        buckets.free(a);
        buckets.free(b);
        buckets.checkInvariants();
        memory.writeLong(machine.pa(a), b);
        IllegalStateException e = assertThrows(IllegalStateException.class, buckets::checkInvariants);
        assertEquals("checkInvariants: kmalloc-32: free list of slab 0x" + Long.toHexString(a) + " visits 0x"
                + Long.toHexString(b) + " twice (a cycle)", e.getMessage());
    }

    @Test
    void fullSlabsAreOnNoListButCountedAndChecked() {
        BucketAllocator buckets = BucketAllocatorTests.allocator(source, Era.LINUX_2_0);
        long[] objects = new long[3 * 8];
        for (int i = 0; i < objects.length; i++) {
            objects[i] = buckets.allocate(500, Gfp.GFP_KERNEL);
        }
        assertEquals("kmalloc-508 24/24 objects, 3/3 slabs", row(buckets, "kmalloc-508"), "three full slabs");
        buckets.checkInvariants();
        buckets.free(objects[9]);
        assertEquals("kmalloc-508 23/24 objects, 3/3 slabs", row(buckets, "kmalloc-508"), "one partial");
        long header = machine.pa(objects[3]) - SizeClassTable.BLOCK_HEADER_BYTES;
        memory.writeInt(header, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, buckets::checkInvariants);
        assertEquals("checkInvariants: kmalloc-508: live block 0x" + Long.toHexString(objects[3])
                + " has bh_flags 0x00000000, expected 0xffaa0055", e.getMessage(), "a full slab is still checked");
        memory.writeInt(header, SlabLayout.MF_USED);
        for (int i = 0; i < objects.length; i++) {
            if (i != 9) {
                buckets.free(objects[i]);
            }
        }
        buckets.checkInvariants();
        assertEquals("kmalloc-508 0/8 objects, 0/1 slabs", row(buckets, "kmalloc-508"), "one empty slab kept");
    }

    private static String row(BucketAllocator buckets, String name) {
        SlabInfo row = buckets.slabinfo().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
        return name + " " + row.activeObjects() + "/" + row.totalObjects() + " objects, " + row.activeSlabs() + "/"
                + row.totalSlabs() + " slabs";
    }

    @Test
    void aWrongPageDescriptorIsFound() {
        BucketAllocator buckets = BucketAllocatorTests.allocator(source, Era.LINUX_2_0);
        long p = buckets.allocate(100, Gfp.GFP_KERNEL);
        long page = p - 24;
        buckets.checkInvariants();
        memory.writeInt(machine.pa(page) + SlabLayout.PD_NFREE, 7);
        IllegalStateException e = assertThrows(IllegalStateException.class, buckets::checkInvariants);
        assertEquals("checkInvariants: kmalloc-128: page descriptor of 0x" + Long.toHexString(page)
                + " says nfree 7, expected 30", e.getMessage());
    }

    @Test
    void aLiveBlockWithoutMfUsedIsFound() {
        BucketAllocator buckets = BucketAllocatorTests.allocator(source, Era.LINUX_2_0);
        long p = buckets.allocate(100, Gfp.GFP_KERNEL | Gfp.GFP_DMA);
        memory.writeInt(machine.pa(p) - 8, SlabLayout.MF_USED);
        IllegalStateException e = assertThrows(IllegalStateException.class, buckets::checkInvariants);
        assertEquals("checkInvariants: dma-kmalloc-128: live block 0x" + Long.toHexString(p)
                + " has bh_flags 0xffaa0055, expected 0xff00aa55", e.getMessage());
    }
}
