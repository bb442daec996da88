package org.kmemlab.testkit.contract.slab;

import java.util.Map;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.chain.Pictures;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.Snapshot;

/**
 * The slab-cache chain's picture for the failure page: the cache's slabinfo row beside what the model
 * expects, the pages it holds from its page source, and the live objects with the block holding each.
 *
 * <p>The model side: active objects are the live objects; active slabs lie between the slabs the live
 * objects need at the row's objects per slab and one slab per live object; the slot is at least the
 * object with its red zone and a multiple of the alignment; the pages in slabs are the frames the page
 * source handed out and did not get back (0 once the cache is destroyed). Worked example: a 100-byte
 * cache with 40 objects a slab, after three allocations and one free, reads {@code active objects: 2}
 * on both sides; one that forgets to count the free reads {@code 3}, beside the model's {@code 2}.
 */
final class SlabPicture {

    private SlabPicture() {
    }

    static Snapshot of(SlabState s) {
        Snapshot.Sides sides = new Snapshot.Sides();
        long held = s.source.outstandingPages();
        if (s.destroyed) {
            sides.both("cache " + s.config.name() + " destroyed");
            sides.compare("pages held: " + held, "pages held: 0");
            return sides.build();
        }
        SlabInfo row;
        try {
            row = s.sut.slabinfo();
        } catch (RuntimeException e) {
            sides.compare("slabinfo() threw " + e.getClass().getSimpleName(), "slabinfo(): the cache's row");
            sides.compare("pages held: " + held, "pages held: " + held);
            return sides.build();
        }
        sides.both("slabinfo");
        sides.compare("  name: " + row.name(), "  name: " + s.config.name());
        sides.compare("  active objects: " + row.activeObjects(), "  active objects: " + s.live.size());
        long perSlab = Math.max(1, row.objectsPerSlab());
        long least = (row.activeObjects() + perSlab - 1) / perSlab;
        String activeSlabs = "  active slabs: " + row.activeSlabs();
        sides.expect(activeSlabs, row.activeSlabs() >= least && row.activeSlabs() <= row.activeObjects(),
                least == row.activeObjects() ? "  active slabs: " + least
                        : "  active slabs: between " + least + " and " + row.activeObjects());
        String slot = "  object size: " + row.objectSize();
        sides.expect(slot, row.objectSize() >= s.extent && row.objectSize() % s.config.alignment() == 0,
                "  object size: at least " + s.extent + ", a multiple of " + s.config.alignment());
        String total = "  total objects: " + row.totalObjects();
        sides.expect(total, row.totalObjects() == row.objectsPerSlab() * row.totalSlabs(), "  total objects: "
                + row.objectsPerSlab() + " per slab x " + row.totalSlabs() + " slabs");
        sides.both("  slabs: " + row.totalSlabs() + " of " + row.pagesPerSlab()
                + (row.pagesPerSlab() == 1 ? " page, " : " pages, ") + row.objectsPerSlab() + " objects each");
        sides.compare("pages in slabs: " + row.totalSlabs() * row.pagesPerSlab(), "pages in slabs: " + held);
        sides.both("frames held from the page source: " + Pictures.heldFrames(s.source));
        sides.both("live objects: " + s.live.size());
        int i = 0;
        for (Map.Entry<String, Long> e : s.live.entrySet()) {
            if (Pictures.pastCap(sides, i++, s.live.size(), "objects")) {
                break;
            }
            ContractPageSource.Block block = s.source.blockHolding(e.getValue(), 1);
            sides.both("  " + e.getKey() + " at " + SlabState.hex(e.getValue()) + (block == null
                    ? " (in no block from the page source)" : " in pfn " + block.pfn()));
        }
        return sides.build();
    }

    /**
     * The named-cache chain's picture ({@link KernelCacheChain}): the kernel's slabinfo row of the cache
     * beside what the model expects (a row while the cache lives, none once destroyed; at least the live
     * cache objects active), then the live cache and kmalloc objects.
     */
    static Snapshot of(KernelCacheChain.State s) {
        Snapshot.Sides sides = new Snapshot.Sides();
        if (s.caches == null) {
            return sides.both("kernel.slabCaches() is null: no named caches").build();
        }
        SlabInfo row = null;
        for (SlabInfo r : s.kernel.slabinfo()) {
            if (r.name().equals("contract_cache")) {
                row = r;
            }
        }
        sides.both("/proc/slabinfo row contract_cache");
        sides.compare(row == null ? "  no row" : "  a row", s.destroyed ? "  no row" : "  a row");
        if (row != null) {
            String active = "  active objects: " + row.activeObjects();
            sides.expect(active, row.activeObjects() >= s.objects.size(), "  active objects: at least "
                    + s.objects.size());
            sides.both("  " + row.totalObjects() + " objects in " + row.totalSlabs() + " slabs of "
                    + row.pagesPerSlab() + (row.pagesPerSlab() == 1 ? " page" : " pages"));
        }
        sides.both("cache objects live: " + s.objects.size());
        live(sides, s.objects);
        sides.both("kmalloc objects live: " + s.kmalloced.size());
        live(sides, s.kmalloced);
        return sides.build();
    }

    private static void live(Snapshot.Sides sides, Map<String, Long> objects) {
        int i = 0;
        for (Map.Entry<String, Long> e : objects.entrySet()) {
            if (Pictures.pastCap(sides, i++, objects.size(), "objects")) {
                break;
            }
            sides.both("  " + e.getKey() + " at " + SlabState.hex(e.getValue()));
        }
    }
}
