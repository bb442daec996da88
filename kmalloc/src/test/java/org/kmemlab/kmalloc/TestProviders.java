package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * Small, slow, obviously correct providers, so that kmalloc's own logic is tested without the reference
 * allocators: a first-fit page allocator, a zone allocator without watermarks that runs shrinkers when a
 * sleeping request fails, and a power-of-two object allocator with one class per page.
 */
final class TestProviders {

    private TestProviders() {
    }

    /** A kernel builder wired to the test providers, on a small i386 machine by default. */
    static KernelBuilder builder() {
        return Kernel.builder().pages(new Pages()).objects(new Objects()).zones(new Zones())
                .profile(org.kmemlab.api.MachineProfile.I386_LINUX_2_0).ram(16L << 20)
                .era(org.kmemlab.api.Era.MODERN).systemProperties(new java.util.Properties());
    }

    /** First-fit page allocator: a frame map and the order of every live block. */
    static final class Pages implements PageAllocatorProvider {
        @Override
        public String name() {
            return "test-pages";
        }

        @Override
        public PageAllocator create(PageAllocatorConfig c) {
            return new PageAllocator() {
                final boolean[] used = new boolean[(int) c.frames()];
                final Map<Long, Integer> live = new HashMap<>();

                @Override
                public long startPfn() {
                    return c.startPfn();
                }

                @Override
                public long frames() {
                    return c.frames();
                }

                @Override
                public int maxOrder() {
                    return c.maxOrder();
                }

                @Override
                public long allocate(int order) {
                    if (order < 0 || order > c.maxOrder()) {
                        return NO_PAGE;
                    }
                    long size = 1L << order;
                    long first = (c.startPfn() + size - 1) & -size;
                    for (long pfn = first; pfn + size <= c.endPfn(); pfn += size) {
                        boolean free = true;
                        for (long f = pfn; f < pfn + size && free; f++) {
                            free = !used[(int) (f - c.startPfn())];
                        }
                        if (free) {
                            for (long f = pfn; f < pfn + size; f++) {
                                used[(int) (f - c.startPfn())] = true;
                            }
                            live.put(pfn, order);
                            return pfn;
                        }
                    }
                    return NO_PAGE;
                }

                @Override
                public void free(long pfn, int order) {
                    Integer o = live.get(pfn);
                    if (o == null) {
                        throw BadPageStateBug.alreadyFree(pfn, order);
                    }
                    if (o != order) {
                        throw BadPageStateBug.wrongOrder(pfn, order, o);
                    }
                    live.remove(pfn);
                    for (long f = pfn; f < pfn + (1L << order); f++) {
                        used[(int) (f - c.startPfn())] = false;
                    }
                }

                @Override
                public long freeFrames() {
                    long n = 0;
                    for (boolean u : used) {
                        n += u ? 0 : 1;
                    }
                    return n;
                }

                @Override
                public long freeBlocks(int order) {
                    return order == 0 ? freeFrames() : 0;
                }
            };
        }
    }

    /** Zones without watermarks; a failed sleeping request runs the shrinkers once and retries. */
    static final class Zones implements ZoneAllocatorProvider {
        @Override
        public String name() {
            return "test-zones";
        }

        @Override
        public ZoneAllocator create(ZoneAllocatorConfig config) {
            Machine m = config.machine();
            m.bootMemory().retire();
            List<PageAllocator> allocators = new ArrayList<>();
            for (FrameRange r : m.bootMemory().freeRanges()) {
                allocators.add(config.pageAllocators().create(new PageAllocatorConfig(m, r.zone().procName(),
                        r.startPfn(), r.frames(), config.era().maxOrder(), config.era())));
            }
            return new ZoneAllocator() {
                final List<Shrinker> shrinkers = new CopyOnWriteArrayList<>();

                @Override
                public long allocPages(int gfp, int order) {
                    m.context().mightSleep(gfp, "alloc_pages");
                    long pfn = tryAlloc(gfp, order);
                    if (pfn == PageAllocator.NO_PAGE && Gfp.allowsBlocking(gfp)) {
                        for (Shrinker s : shrinkers) {
                            if (s.count() > 0) {
                                s.scan(1L << order);
                            }
                        }
                        pfn = tryAlloc(gfp, order);
                    }
                    if (pfn == PageAllocator.NO_PAGE && (gfp & Gfp.__GFP_NOWARN) == 0) {
                        m.dmesg().warn("page allocation failure: order:" + order + ", mode:" + Gfp.mode(gfp));
                    }
                    return pfn;
                }

                private synchronized long tryAlloc(int gfp, int order) {
                    ZoneType highest = Gfp.highestZone(gfp);
                    for (int z = highest.ordinal(); z >= 0; z--) {
                        for (PageAllocator a : allocators) {
                            if (m.zoneOf(a.startPfn()).ordinal() == z) {
                                long pfn = a.allocate(order);
                                if (pfn != PageAllocator.NO_PAGE) {
                                    return pfn;
                                }
                            }
                        }
                    }
                    return PageAllocator.NO_PAGE;
                }

                @Override
                public synchronized void freePages(long pfn, int order) {
                    for (PageAllocator a : allocators) {
                        if (pfn >= a.startPfn() && pfn < a.startPfn() + a.frames()) {
                            a.free(pfn, order);
                            notifyAll();
                            return;
                        }
                    }
                    throw BadPageStateBug.outOfRange(pfn, order, 0, m.frames());
                }

                @Override
                public synchronized long freeFrames() {
                    long n = 0;
                    for (PageAllocator a : allocators) {
                        n += a.freeFrames();
                    }
                    return n;
                }

                @Override
                public synchronized List<ZoneStats> zoneinfo() {
                    List<ZoneStats> out = new ArrayList<>();
                    for (ZoneSpan span : m.zones()) {
                        long managed = 0;
                        long free = 0;
                        for (PageAllocator a : allocators) {
                            if (span.contains(a.startPfn())) {
                                managed += a.frames();
                                free += a.freeFrames();
                            }
                        }
                        long[] blocks = new long[config.era().maxOrder() + 1];
                        blocks[0] = free;
                        out.add(new ZoneStats(0, span.type(), span.startPfn(), span.frames(), span.frames(), managed,
                                free, 0, 0, 0, 0, new long[m.zones().size()], blocks));
                    }
                    return out;
                }

                @Override
                public void registerShrinker(Shrinker shrinker) {
                    shrinkers.add(shrinker);
                }

                @Override
                public void unregisterShrinker(Shrinker shrinker) {
                    shrinkers.remove(shrinker);
                }
            };
        }
    }

    /** Power-of-two classes of 8 .. 2048 bytes, one class per page, DMA classes apart. */
    static final class Objects implements ObjectAllocatorProvider {
        @Override
        public String name() {
            return "test-objects";
        }

        @Override
        public ObjectAllocator create(ObjectAllocatorConfig config) {
            return new TestObjectAllocator(config.machine(), config.pages());
        }
    }

    /** The object allocator of {@link Objects}. */
    static class TestObjectAllocator implements ObjectAllocator {
        static final int CLASSES = 9;
        private final Machine machine;
        private final PageSource pages;
        /** Page address -> {class index (+ CLASSES for DMA), used bitmap as a boolean per slot}. */
        private final Map<Long, boolean[]> used = new HashMap<>();
        private final Map<Long, Integer> classOfPage = new HashMap<>();

        TestObjectAllocator(Machine machine, PageSource pages) {
            this.machine = machine;
            this.pages = pages;
        }

        private static long size(int cls) {
            return 8L << (cls % CLASSES);
        }

        @Override
        public long allocate(long size, int gfp) {
            if (size <= 0 || size > maxSize()) {
                return NULL;
            }
            int cls = 0;
            while (size(cls) < size) {
                cls++;
            }
            boolean dma = (gfp & Gfp.__GFP_DMA) != 0;
            int key = cls + (dma ? CLASSES : 0);
            for (Map.Entry<Long, Integer> e : classOfPage.entrySet()) {
                if (e.getValue() == key) {
                    boolean[] slots = used.get(e.getKey());
                    for (int i = 0; i < slots.length; i++) {
                        if (!slots[i]) {
                            slots[i] = true;
                            return zero(e.getKey() + i * size(cls), size(cls), gfp);
                        }
                    }
                }
            }
            long page = pages.getFreePages(gfp & ~Gfp.__GFP_ZERO, 0);
            if (page == NULL) {
                return NULL;
            }
            boolean[] slots = new boolean[(int) (4096 / size(cls))];
            slots[0] = true;
            used.put(page, slots);
            classOfPage.put(page, key);
            return zero(page, size(cls), gfp);
        }

        private long zero(long addr, long size, int gfp) {
            if ((gfp & Gfp.__GFP_ZERO) != 0) {
                machine.memory().fill(machine.pa(addr), size, (byte) 0);
            }
            return addr;
        }

        private int slot(long addr, String what) {
            long page = addr & ~4095L;
            Integer key = classOfPage.get(page);
            if (key == null) {
                throw InvalidFreeBug.notOwned("test-objects", addr);
            }
            long offset = addr - page;
            if (offset % size(key) != 0) {
                throw InvalidFreeBug.notAnObject("test-" + size(key), addr, page + offset / size(key) * size(key),
                        offset % size(key));
            }
            int slot = (int) (offset / size(key));
            if (!used.get(page)[slot]) {
                throw new DoubleFreeBug("test-" + size(key), addr);
            }
            return slot;
        }

        @Override
        public void free(long addr) {
            int slot = slot(addr, "free");
            used.get(addr & ~4095L)[slot] = false;
        }

        @Override
        public long usableSize(long addr) {
            slot(addr, "ksize");
            return size(classOfPage.get(addr & ~4095L));
        }

        @Override
        public long maxSize() {
            return size(CLASSES - 1);
        }

        @Override
        public long shrink() {
            long n = 0;
            for (Long page : new ArrayList<>(classOfPage.keySet())) {
                boolean empty = true;
                for (boolean b : used.get(page)) {
                    empty &= !b;
                }
                if (empty) {
                    classOfPage.remove(page);
                    used.remove(page);
                    pages.freePages(page, 0);
                    n++;
                }
            }
            return n;
        }

        @Override
        public List<SlabInfo> slabinfo() {
            List<SlabInfo> rows = new ArrayList<>();
            for (int key = 0; key < 2 * CLASSES; key++) {
                long active = 0;
                long total = 0;
                long slabs = 0;
                for (Map.Entry<Long, Integer> e : classOfPage.entrySet()) {
                    if (e.getValue() == key) {
                        slabs++;
                        for (boolean b : used.get(e.getKey())) {
                            total++;
                            active += b ? 1 : 0;
                        }
                    }
                }
                rows.add(new SlabInfo((key >= CLASSES ? "dma-kmalloc-" : "kmalloc-") + size(key), active, total,
                        size(key), 4096 / size(key), 1, slabs, slabs));
            }
            return rows;
        }
    }
}
