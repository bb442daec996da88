package org.kmemlab.testkit.contract.object;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.chain.Pictures;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.Snapshot;

/**
 * The object chain's picture for the failure page: the allocator's slabinfo beside what the model's live
 * objects make it, per size class, then the pages held and each live object's usable size.
 *
 * <p>Per size class (slabinfo rows grouped by object size, as the accounting check groups them) the
 * allocator side shows the active objects and active slabs its rows report, the model side the live
 * objects of that class and the distinct page-source blocks that hold them. The slabs a class keeps empty
 * are the allocator's business (a cache may keep them), so they are shown on both sides. The pages in
 * slabs are slabinfo's on the allocator side and the page source's count of frames handed out and not
 * given back on the model side. Worked example: after {@code o0 = allocate(24)} on a bucket allocator
 * whose 32-byte row says {@code 1 active object in 1 slab}, both sides read {@code 32-byte objects: 1
 * live in 1 slab}; an allocator that forgets to count a free reads {@code 1 live} where the model reads
 * {@code 0 live}, and that line is highlighted.
 */
final class ObjectPicture {

    private ObjectPicture() {
    }

    static Snapshot of(ObjectState s) {
        Snapshot.Sides sides = new Snapshot.Sides();
        List<SlabInfo> rows;
        try {
            rows = s.sut.slabinfo();
        } catch (RuntimeException e) {
            sides.compare("slabinfo() threw " + e.getClass().getSimpleName(), "slabinfo(): one valid row per class");
            rows = List.of();
        }
        // object size -> {active objects, active slabs, slabs, pages in slabs} as the rows report them
        TreeMap<Long, long[]> reported = new TreeMap<>();
        TreeMap<Long, Set<String>> names = new TreeMap<>();
        long active = 0;
        long pages = 0;
        for (SlabInfo row : rows) {
            long[] figures = reported.computeIfAbsent(row.objectSize(), k -> new long[4]);
            figures[0] += row.activeObjects();
            figures[1] += row.activeSlabs();
            figures[2] += row.totalSlabs();
            figures[3] += row.totalSlabs() * row.pagesPerSlab();
            names.computeIfAbsent(row.objectSize(), k -> new TreeSet<>()).add(row.name());
            active += row.activeObjects();
            pages += row.totalSlabs() * row.pagesPerSlab();
        }
        // object size -> live objects, and the blocks holding them, as the model knows them
        TreeMap<Long, Long> live = new TreeMap<>();
        TreeMap<Long, Set<Long>> blocks = new TreeMap<>();
        for (LiveObject o : s.live.values()) {
            Long size = reported.ceilingKey(o.usable());
            long key = size == null ? o.usable() : size;
            live.merge(key, 1L, Long::sum);
            ContractPageSource.Block block = s.source.blockHolding(o.addr(), 1);
            Set<Long> holding = blocks.computeIfAbsent(key, k -> new TreeSet<>());
            if (block != null) {
                holding.add(block.pfn());
            }
        }
        TreeSet<Long> sizes = new TreeSet<>(live.keySet());
        for (Map.Entry<Long, long[]> e : reported.entrySet()) {
            if (e.getValue()[0] + e.getValue()[2] > 0) {
                sizes.add(e.getKey());
            }
        }
        sides.both("size classes in use (slabinfo rows by object size)");
        if (sizes.isEmpty()) {
            sides.both("  none");
        }
        for (long size : sizes) {
            long[] figures = reported.getOrDefault(size, new long[4]);
            sides.both(size + "-byte objects" + (names.containsKey(size) ? " (" + String.join(", ", names.get(size))
                    + ")" : " (no slabinfo row)"));
            sides.compare("  " + objects(figures[0], figures[1]),
                    "  " + objects(live.getOrDefault(size, 0L), blocks.getOrDefault(size, Set.of()).size()));
            sides.both("  slabs: " + figures[2] + " (" + figures[3] + (figures[3] == 1 ? " page)" : " pages)"));
        }
        sides.compare("objects live: " + active, "objects live: " + s.live.size());
        sides.compare("pages in slabs: " + pages, "pages in slabs: " + s.source.outstandingPages());
        sides.both("frames held from the page source: " + Pictures.heldFrames(s.source));
        sides.both("live objects (usable size now, and when allocated)");
        List<LiveObject> objects = new ArrayList<>(s.live.values());
        for (int i = 0; i < objects.size(); i++) {
            if (Pictures.pastCap(sides, i, objects.size(), "objects")) {
                break;
            }
            LiveObject o = objects.get(i);
            String name = "  " + o.label() + " at " + ObjectActions.hex(o.addr()) + " usable";
            sides.compare(name, () -> s.sut.usableSize(o.addr()), o.usable());
        }
        return sides.build();
    }

    private static String objects(long objects, long slabs) {
        return objects + " live in " + slabs + (slabs == 1 ? " slab" : " slabs");
    }
}
