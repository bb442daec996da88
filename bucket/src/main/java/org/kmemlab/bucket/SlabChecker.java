package org.kmemlab.bucket;

import org.kmemlab.api.Checks;
import org.kmemlab.api.MachineProfile;

/**
 * The bucket allocator's self-check ({@code checkInvariants}): everything the fast paths trust, verified
 * the slow way. The testkit runs it after every step, so it reports the first broken rule in words a
 * student can follow and throws {@link IllegalStateException}.
 *
 * <p>For every cache: each list holds slabs of that cache in the list's state, linked both ways, as many
 * as its count says; as many slabs are full as its full count says (full slabs are on no list, so they
 * are found by walking every slab id); the active slab is marked active. For every slab: its live bits
 * count its objects in use; its recorded size class is its cache's; its free list in memory visits only
 * free objects of the slab, at object boundaries, each once, exactly {@code objects - inUse} of them, and
 * ends in NULL; in the 2.0 layout every block's flag word and the page descriptor agree; the slab owner
 * table maps each of its frames to it. Across the allocator: the slabs in use and the mapped frames add up.
 */
final class SlabChecker {

    private final SizeClassTable classes;
    private final SlabTable slabs;
    private final SlabOwners owners;
    private final SlabLayout layout;
    private final String[] names;
    private final long pageOffset;
    private final int classCount;

    SlabChecker(SizeClassTable classes, SlabTable slabs, SlabOwners owners, SlabLayout layout, String[] names,
                long pageOffset) {
        this.classes = classes;
        this.slabs = slabs;
        this.owners = owners;
        this.layout = layout;
        this.names = names;
        this.pageOffset = pageOffset;
        this.classCount = classes.count();
    }

    void check() {
        int seen = 0;
        long mapped = 0;
        int[] full = new int[2 * classCount];
        for (int slab = 0; slab < slabs.capacity(); slab++) {
            if (slabs.kind(slab) == SlabTable.FULL) {
                int cache = slabs.cacheOf(slab);
                require(slabs.inUse(slab) == classes.objectsPerSlab(cache % classCount),
                        "%s: slab %d is marked full with %d of %d objects in use", names[cache], slab,
                        slabs.inUse(slab), classes.objectsPerSlab(cache % classCount));
                checkSlab(slab);
                full[cache]++;
            }
        }
        for (int cache = 0; cache < 2 * classCount; cache++) {
            require(full[cache] == slabs.count(cache, SlabTable.FULL), "%s: %d slabs are full but the count says %d",
                    names[cache], full[cache], slabs.count(cache, SlabTable.FULL));
            for (byte list = SlabTable.PARTIAL; list <= SlabTable.EMPTY; list++) {
                if (list != SlabTable.FULL) {
                    checkList(cache, list);
                }
                seen += slabs.count(cache, list);
                mapped += (long) slabs.count(cache, list) << classes.order(cache % classCount);
            }
            int active = slabs.active(cache);
            if (active >= 0) {
                require(slabs.kind(active) == SlabTable.ACTIVE && slabs.cacheOf(active) == cache,
                        "%s: its active slab %d is in state %d of cache %d", names[cache], active,
                        slabs.kind(active), slabs.cacheOf(active));
                checkSlab(active);
                seen++;
                mapped += 1L << classes.order(cache % classCount);
            }
        }
        require(seen == slabs.slabsInUse(), "the caches' lists and active slabs hold %d slabs but %d ids are in use",
                seen, slabs.slabsInUse());
        require(mapped == owners.mappedFrames(), "the slabs cover %d frames but the slab owner table maps %d",
                mapped, owners.mappedFrames());
    }

    private long checkList(int cache, byte list) {
        long live = 0;
        int count = 0;
        int before = -1;
        for (int slab = slabs.head(cache, list); slab >= 0; slab = slabs.next(slab)) {
            require(++count <= slabs.count(cache, list), "%s: list %d is longer than its count %d (a cycle?)",
                    names[cache], list, slabs.count(cache, list));
            require(slabs.cacheOf(slab) == cache && slabs.kind(slab) == list,
                    "%s: slab %d on list %d belongs to cache %d in state %d", names[cache], slab, list,
                    slabs.cacheOf(slab), slabs.kind(slab));
            require(slabs.prev(slab) == before, "%s: slab %d's prev is %d, expected %d", names[cache], slab,
                    slabs.prev(slab), before);
            int objects = classes.objectsPerSlab(cache % classCount);
            int inUse = slabs.inUse(slab);
            boolean fits = list == SlabTable.EMPTY ? inUse == 0 : inUse > 0 && inUse < objects;
            require(fits, "%s: slab %d with %d of %d objects in use is on list %d", names[cache], slab, inUse,
                    objects, list);
            live += checkSlab(slab);
            before = slab;
        }
        require(count == slabs.count(cache, list), "%s: list %d holds %d slabs but counts %d", names[cache],
                list, count, slabs.count(cache, list));
        return live;
    }

    /** Checks one slab and returns its number of live objects. */
    private long checkSlab(int slab) {
        int cache = slabs.cacheOf(slab);
        int sizeClass = cache % classCount;
        String name = names[cache];
        int objects = classes.objectsPerSlab(sizeClass);
        long slabPhys = slabs.phys(slab);
        long slabVirt = pageOffset + slabPhys;
        long pfn = slabPhys >>> MachineProfile.PAGE_SHIFT;
        require(slabs.sizeClassOf(slab) == sizeClass, "%s: slab 0x%x records size class %d, its cache's is %d", name,
                slabVirt, slabs.sizeClassOf(slab), sizeClass);
        for (long f = pfn; f < pfn + (1L << classes.order(sizeClass)); f++) {
            require(owners.slabOf(f) == slab, "%s: pfn %d of slab %d is mapped to slab %d", name, f, slab,
                    owners.slabOf(f));
        }
        int live = 0;
        for (int i = 0; i < objects; i++) {
            if (slabs.isLive(slab, i)) {
                live++;
            }
        }
        for (int i = objects; i < SlabTable.MAX_OBJECTS; i++) {
            require(!slabs.isLive(slab, i), "%s: slab 0x%x has live bit %d set beyond its %d objects", name, slabVirt,
                    i, objects);
        }
        require(live == slabs.inUse(slab), "%s: slab 0x%x has %d live bits but counts %d objects in use", name,
                slabVirt, live, slabs.inUse(slab));
        boolean[] visited = new boolean[objects];
        int free = 0;
        for (long object = slabs.freelist(slab); object != 0; ) {
            long offset = object - slabVirt - classes.firstObjectOffset();
            int index = offset < 0 ? -1 : classes.objectIndex(sizeClass, offset);
            require(index >= 0 && index < objects && classes.objectOffset(sizeClass, index) == object - slabVirt,
                    "%s: free list of slab 0x%x reaches 0x%x, which is not an object of the slab", name, slabVirt,
                    object);
            require(!visited[index], "%s: free list of slab 0x%x visits 0x%x twice (a cycle)", name, slabVirt, object);
            require(!slabs.isLive(slab, index), "%s: free list of slab 0x%x holds live object 0x%x", name,
                    slabVirt, object);
            if (classes.hasHeaders()) {
                require(layout.flags(object - pageOffset) == SlabLayout.MF_FREE,
                        "%s: free block 0x%x has bh_flags 0x%08x, not MF_FREE", name, object,
                        layout.flags(object - pageOffset));
            }
            visited[index] = true;
            free++;
            object = layout.readFreePointer(object - pageOffset, slabVirt);
        }
        require(free == objects - slabs.inUse(slab), "%s: free list of slab 0x%x has %d objects, expected %d", name,
                slabVirt, free, objects - slabs.inUse(slab));
        if (classes.hasHeaders()) {
            checkDescriptor(slab, name, slabVirt, objects);
        }
        return live;
    }

    private void checkDescriptor(int slab, String name, long slabVirt, int objects) {
        long slabPhys = slabVirt - pageOffset;
        int sizeClass = slabs.cacheOf(slab) % classCount;
        require(layout.descriptorFirstFree(slabPhys) == slabs.freelist(slab),
                "%s: page descriptor of 0x%x says firstfree 0x%x, the slab's free list starts at 0x%x", name,
                slabVirt, layout.descriptorFirstFree(slabPhys), slabs.freelist(slab));
        require(layout.descriptorNfree(slabPhys) == objects - slabs.inUse(slab),
                "%s: page descriptor of 0x%x says nfree %d, expected %d", name, slabVirt,
                layout.descriptorNfree(slabPhys), objects - slabs.inUse(slab));
        require(layout.descriptorOrder(slabPhys) == sizeClass,
                "%s: page descriptor of 0x%x says order %d, expected bucket %d", name, slabVirt,
                layout.descriptorOrder(slabPhys), sizeClass);
        int usedFlag = slabs.cacheOf(slab) < classCount ? SlabLayout.MF_USED : SlabLayout.MF_DMA;
        for (int i = 0; i < objects; i++) {
            if (slabs.isLive(slab, i)) {
                long objectPhys = slabPhys + classes.objectOffset(sizeClass, i);
                require(layout.flags(objectPhys) == usedFlag, "%s: live block 0x%x has bh_flags 0x%08x, expected 0x%08x",
                        name, pageOffset + objectPhys, layout.flags(objectPhys), usedFlag);
            }
        }
    }

    private static void require(boolean condition, String template, Object... values) {
        if (!condition) {
            throw new IllegalStateException("checkInvariants: " + Checks.format(template, values));
        }
    }
}
