package org.kmemlab.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.stats.SlabInfo;

class BucketAllocatorTests {

    static BucketAllocator allocator(TestPageSource source, Era era) {
        return new BucketAllocator(new ObjectAllocatorConfig(source.machine(), source, era));
    }

    static SlabInfo row(ObjectAllocator allocator, String name) {
        for (SlabInfo info : allocator.slabinfo()) {
            if (info.name().equals(name)) {
                return info;
            }
        }
        throw new AssertionError("no slabinfo row " + name);
    }

    @Test
    void providerIsFoundByName() {
        ObjectAllocatorProvider provider = ProviderRegistry.load(ObjectAllocatorProvider.class).get("bucket-reference");
        TestPageSource source = TestPageSource.i386();
        ObjectAllocator buckets = provider.create(new ObjectAllocatorConfig(source.machine(), source, Era.LINUX_2_0));
        assertEquals(131_048, buckets.maxSize());
        assertNotEquals(ObjectAllocator.NULL, buckets.allocate(100, Gfp.GFP_KERNEL));
    }

    @Test
    void everyClassBoundaryIsServedWithoutRoundingDown() {
        for (Era era : Era.values()) {
            TestPageSource source = new TestPageSource(Machine.boot(MachineProfile.I386_LINUX_2_0, 64 * Sizes.MiB));
            BucketAllocator buckets = allocator(source, era);
            SizeClassTable classes = SizeClassTable.forEra(era);
            for (int c = 0; c < classes.count(); c++) {
                long exact = buckets.allocate(classes.usableSize(c), Gfp.GFP_KERNEL);
                assertEquals(classes.usableSize(c), buckets.usableSize(exact), era + " size = class " + c);
                if (c + 1 < classes.count()) {
                    long over = buckets.allocate(classes.usableSize(c) + 1L, Gfp.GFP_KERNEL);
                    assertEquals(classes.usableSize(c + 1), buckets.usableSize(over), era + " class " + c + " + 1");
                    buckets.free(over);
                }
                buckets.free(exact);
            }
            assertEquals(ObjectAllocator.NULL, buckets.allocate(buckets.maxSize() + 1, Gfp.GFP_KERNEL));
            assertEquals(ObjectAllocator.NULL, buckets.allocate(0, Gfp.GFP_KERNEL));
            assertEquals(ObjectAllocator.NULL, buckets.allocate(-1, Gfp.GFP_KERNEL));
            buckets.checkInvariants();
        }
    }

    @Test
    void linux20PageStartsWithItsDescriptorAndEachBlockWithItsHeader() {
        TestPageSource source = TestPageSource.i386();
        BucketAllocator buckets = allocator(source, Era.LINUX_2_0);
        long first = buckets.allocate(200, Gfp.GFP_KERNEL);
        long second = buckets.allocate(240, Gfp.GFP_KERNEL);
        long page = source.requests().get(0).address();
        PhysicalMemory memory = source.machine().memory();
        long pagePhys = source.machine().pa(page);
        assertEquals(page + 16 + 8, first, "the first object follows the descriptor and its header");
        assertEquals(first + 252, second);
        assertEquals(0, memory.readInt(pagePhys), "next");
        assertEquals((int) (page + 16 + 2 * 252), memory.readInt(pagePhys + 4), "firstfree: block 2's header");
        // 2.0 mm/kmalloc.c:326 page->order = order: the bucket index (252 is sizes[3]), not the buddy order
        assertEquals(3, memory.readInt(pagePhys + 8), "order");
        assertEquals(14, memory.readInt(pagePhys + 12), "nfree");
        assertEquals(0xffaa0055, memory.readInt(pagePhys + 16), "MF_USED");
        assertEquals(200, memory.readInt(pagePhys + 20), "bh_length: the requested size, kmalloc.c:297");
        assertEquals(240, memory.readInt(pagePhys + 16 + 252 + 4));
        long third = pagePhys + 16 + 2 * 252;
        assertEquals(0x0055ffaa, memory.readInt(third), "MF_FREE");
        assertEquals((int) (page + 16 + 3 * 252), memory.readInt(third + 4), "bh_next: the next header");
        assertEquals(0, memory.readInt(pagePhys + 16 + 15 * 252 + 4), "the last free block ends the list");

        buckets.free(first);
        assertEquals((int) (page + 16), memory.readInt(pagePhys + 4), "a freed block becomes firstfree");
        assertEquals(15, memory.readInt(pagePhys + 12));
        assertEquals(0x0055ffaa, memory.readInt(pagePhys + 16));
        assertEquals((int) (page + 16 + 2 * 252), memory.readInt(pagePhys + 20), "and links to the old firstfree");
        buckets.checkInvariants();
    }

    /**
     * 2.0 mm/kmalloc.c (tag 2.0): {@code struct page_descriptor} (lines 65-70) keeps {@code int order}, set
     * to the bucket index by {@code page->order = order} (line 326) for the normal and the DMA list alike;
     * {@code p->bh_length = size} (line 297) keeps what was asked, not the block size.
     */
    @Test
    void linux20DescriptorOrderIsTheBucketIndexAndBhLengthTheRequest() {
        int[] blocks = {32, 64, 128, 252, 508, 1020, 2040};
        for (int gfp : new int[] {Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.GFP_DMA}) {
            TestPageSource source = TestPageSource.i386();
            BucketAllocator buckets = allocator(source, Era.LINUX_2_0);
            PhysicalMemory memory = source.machine().memory();
            for (int index = 0; index < blocks.length; index++) {
                long size = blocks[index] - 8 - index;     // fits bucket `index`, and is not its block size
                long p = buckets.allocate(size, gfp);
                long areaPhys = source.machine().pa(p & ~4095L);
                assertEquals(index, memory.readInt(areaPhys + 8), blocks[index] + "-byte bucket's page->order");
                assertEquals(size, memory.readInt(source.machine().pa(p) - 4), "bh_length");
            }
            buckets.checkInvariants();
        }
    }

    @Test
    void modernFreeObjectsHoldTheirFreePointerAndPowerOfTwoObjectsAreNaturallyAligned() {
        TestPageSource source = new TestPageSource(Machine.boot(MachineProfile.X86_64));
        BucketAllocator buckets = allocator(source, Era.MODERN);
        long first = buckets.allocate(64, Gfp.GFP_KERNEL);
        long slab = source.requests().get(0).address();
        PhysicalMemory memory = source.machine().memory();
        assertEquals(slab, first, "objects start at offset 0");
        assertEquals(slab + 128, memory.readLong(source.machine().pa(slab + 64)), "free pointer of object 1");
        assertEquals(0, memory.readLong(source.machine().pa(slab + 63 * 64)), "the last object ends the list");
        for (long size = 8; size <= 8192; size <<= 1) {
            for (int i = 0; i < 10; i++) {
                long p = buckets.allocate(size, Gfp.GFP_KERNEL);
                assertEquals(0, p & (size - 1), "kmalloc-" + size + " object 0x" + Long.toHexString(p));
            }
        }
        for (long size : new long[] {96, 192}) {
            long p = buckets.allocate(size, Gfp.GFP_KERNEL);
            assertEquals(0, p & 31, "kmalloc-" + size + " is 32-byte aligned");
        }
        buckets.checkInvariants();
    }

    @Test
    void gfpZeroZeroesTheWholeObjectAndNothingElseDoes() {
        for (Era era : Era.values()) {
            TestPageSource source = TestPageSource.i386();
            BucketAllocator buckets = allocator(source, era);
            PhysicalMemory memory = source.machine().memory();
            long p = buckets.allocate(100, Gfp.GFP_KERNEL);
            long usable = buckets.usableSize(p);
            long phys = source.machine().pa(p);
            memory.fill(phys, usable, (byte) 0x5a);
            buckets.free(p);
            assertEquals(p, buckets.allocate(100, Gfp.GFP_KERNEL), "the last freed object comes back first");
            assertEquals(-1, memory.findMismatch(phys + 8, usable - 8, (byte) 0x5a),
                    era + ": without __GFP_ZERO the old bytes (past the free pointer) stay");
            buckets.free(p);
            assertEquals(p, buckets.allocate(100, Gfp.GFP_KERNEL | Gfp.__GFP_ZERO));
            assertEquals(-1, memory.findMismatch(phys, usable, (byte) 0), era + ": __GFP_ZERO zeroes ksize bytes");
        }
    }

    @Test
    void dmaRequestsUseSeparateCachesWithDmaPages() {
        for (Era era : Era.values()) {
            TestPageSource source = new TestPageSource(Machine.boot(MachineProfile.I386_LINUX_2_0, 64 * Sizes.MiB));
            BucketAllocator buckets = allocator(source, era);
            long normal = buckets.allocate(50, Gfp.GFP_KERNEL);
            long dma = buckets.allocate(50, Gfp.GFP_KERNEL | Gfp.GFP_DMA);
            assertEquals(2, source.requests().size());
            assertEquals(0, source.requests().get(0).gfp() & Gfp.__GFP_DMA, era + ": a normal cache asks for normal pages");
            assertEquals(Gfp.__GFP_DMA, source.requests().get(1).gfp() & Gfp.__GFP_DMA, era + ": the DMA cache asks for DMA pages");
            assertTrue(source.machine().pa(dma) < MachineProfile.MAX_DMA_ADDRESS);
            assertTrue(source.machine().pa(normal) >= MachineProfile.MAX_DMA_ADDRESS);
            assertEquals(1, row(buckets, "dma-kmalloc-64").activeObjects());
            assertEquals(1, row(buckets, "kmalloc-64").activeObjects());
            if (era == Era.LINUX_2_0) {
                assertEquals(0xff00aa55, source.machine().memory().readInt(source.machine().pa(dma) - 8), "MF_DMA");
            }
            buckets.checkInvariants();
            buckets.free(dma);
            assertEquals(0, row(buckets, "dma-kmalloc-64").activeObjects());
            assertEquals(1, row(buckets, "kmalloc-64").activeObjects());
        }
    }

    @Test
    void slabinfoRowsAreExactSmallestFirstWithDmaCaches() {
        TestPageSource source = TestPageSource.i386();
        BucketAllocator buckets = allocator(source, Era.MODERN);
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            live.add(buckets.allocate(90, Gfp.GFP_KERNEL));
        }
        List<SlabInfo> rows = buckets.slabinfo();
        assertEquals(26, rows.size());
        assertEquals("kmalloc-8", rows.get(0).name());
        assertEquals("dma-kmalloc-8", rows.get(1).name());
        assertEquals("dma-kmalloc-8k", rows.get(25).name());
        assertEquals(new SlabInfo("kmalloc-96", 100, 126, 96, 42, 1, 3, 3), row(buckets, "kmalloc-96"));
        assertEquals(new SlabInfo("dma-kmalloc-96", 0, 0, 96, 42, 1, 0, 0), row(buckets, "dma-kmalloc-96"));
        for (int i = 0; i < 42; i++) {
            buckets.free(live.get(i));
        }
        assertEquals(new SlabInfo("kmalloc-96", 58, 126, 96, 42, 1, 2, 3), row(buckets, "kmalloc-96"),
                "the emptied slab is kept");
        TestPageSource old = TestPageSource.i386();
        BucketAllocator linux = allocator(old, Era.LINUX_2_0);
        linux.allocate(5000, Gfp.GFP_KERNEL);
        assertEquals(new SlabInfo("kmalloc-8176", 1, 1, 8176, 1, 2, 1, 1), row(linux, "kmalloc-8176"));
        assertEquals("kmalloc-131056", linux.slabinfo().get(24).name());
    }

    @Test
    void shrinkReturnsEveryPageWithoutLiveObjects() {
        for (Era era : Era.values()) {
            TestPageSource source = TestPageSource.i386();
            BucketAllocator buckets = allocator(source, era);
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                live.add(buckets.allocate(40, Gfp.GFP_KERNEL));
            }
            long pages = source.pagesOutstanding();
            assertTrue(pages >= 6, era + " uses several pages: " + pages);
            for (long p : live) {
                buckets.free(p);
            }
            assertEquals(1 + BucketAllocator.KEEP_EMPTY, source.pagesOutstanding(),
                    era + ": only the active slab and the kept empty slab stay");
            assertEquals(pages - source.pagesOutstanding(), source.frees(), era + ": the others went back at once");
            buckets.checkInvariants();
            assertEquals(1 + BucketAllocator.KEEP_EMPTY, buckets.shrink());
            assertEquals(0, source.pagesOutstanding());
            assertEquals(0, buckets.shrink(), "nothing left to shrink");
            for (SlabInfo info : buckets.slabinfo()) {
                assertEquals(0, info.totalSlabs(), info.name());
            }
            buckets.checkInvariants();
            assertNotEquals(ObjectAllocator.NULL, buckets.allocate(40, Gfp.GFP_KERNEL), "and it still works");
        }
    }

    @Test
    void shrinkKeepsPagesWithLiveObjects() {
        TestPageSource source = TestPageSource.i386();
        BucketAllocator buckets = allocator(source, Era.LINUX_2_0);
        long big = buckets.allocate(20_000, Gfp.GFP_KERNEL);
        long small = buckets.allocate(20, Gfp.GFP_KERNEL);
        assertEquals(0, buckets.shrink());
        assertEquals(8 + 1, source.pagesOutstanding());
        buckets.free(big);
        assertEquals(8 + 1, source.pagesOutstanding(), "the emptied area is kept until shrink");
        assertEquals(8, buckets.shrink());
        assertEquals(24, buckets.usableSize(small));
    }

    @Test
    void pageSourceFailureReturnsNullAndChangesNothing() {
        for (Era era : Era.values()) {
            TestPageSource source = TestPageSource.i386();
            BucketAllocator buckets = allocator(source, era);
            long kept = buckets.allocate(30, Gfp.GFP_KERNEL);
            List<SlabInfo> before = buckets.slabinfo();
            source.failing(true);
            assertEquals(ObjectAllocator.NULL, buckets.allocate(1000, Gfp.GFP_KERNEL));
            assertEquals(ObjectAllocator.NULL, buckets.allocate(30, Gfp.GFP_ATOMIC | Gfp.GFP_DMA));
            assertEquals(before, buckets.slabinfo());
            buckets.checkInvariants();
            long another = buckets.allocate(30, Gfp.GFP_KERNEL);
            assertNotEquals(ObjectAllocator.NULL, another, era + ": a partial slab needs no new page");
            source.failing(false);
            assertNotEquals(ObjectAllocator.NULL, buckets.allocate(1000, Gfp.GFP_KERNEL));
            buckets.free(kept);
            buckets.free(another);
            buckets.checkInvariants();
        }
    }

    @Test
    void exhaustionReturnsNullUntilMemoryIsFreed() {
        TestPageSource source = TestPageSource.i386();
        source.limit(2);
        BucketAllocator buckets = allocator(source, Era.MODERN);
        List<Long> live = new ArrayList<>();
        for (long p = buckets.allocate(2048, Gfp.GFP_KERNEL); p != ObjectAllocator.NULL;
                p = buckets.allocate(2048, Gfp.GFP_KERNEL)) {
            live.add(p);
        }
        assertEquals(0, live.size(), "kmalloc-2k needs order-2 slabs, more than the 2 pages allowed");
        for (long p = buckets.allocate(1024, Gfp.GFP_KERNEL); p != ObjectAllocator.NULL;
                p = buckets.allocate(1024, Gfp.GFP_KERNEL)) {
            live.add(p);
        }
        assertEquals(8, live.size(), "one order-1 slab of kmalloc-1k");
        buckets.free(live.remove(3));
        assertNotEquals(ObjectAllocator.NULL, buckets.allocate(1000, Gfp.GFP_KERNEL));
        assertFalse(live.isEmpty());
        buckets.checkInvariants();
    }
}
