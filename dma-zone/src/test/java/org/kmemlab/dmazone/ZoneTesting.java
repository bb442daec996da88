package org.kmemlab.dmazone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;

/** Machines, zone allocators and small helpers shared by the tests. */
final class ZoneTesting {

    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;
    static final String BUDDY = "buddy-reference";

    private ZoneTesting() {
    }

    /**
     * The page allocators the behaviour tests run with: the testkit's simple buddy (independent of the
     * reference buddy; the zone contract gives it to every zone allocator), and the reference buddy as
     * soon as it is installed.
     */
    static List<PageAllocatorProvider> pageProviders() {
        List<PageAllocatorProvider> providers = new ArrayList<>();
        providers.add(SimplePageAllocator.provider());
        ProviderRegistry<PageAllocatorProvider> registry = ProviderRegistry.load(PageAllocatorProvider.class);
        if (registry.contains(BUDDY)) {
            providers.add(registry.get(BUDDY));
        }
        return providers;
    }

    /** A zone allocator over a fresh machine, with its own era and the given wait. */
    static DmaZoneAllocator boot(PageAllocatorProvider pages, MachineProfile profile, long ram, Duration maxWait) {
        Machine machine = Machine.boot(profile, ram);
        return create(new ZoneAllocatorConfig(machine, pages, profile.era(), maxWait, 0));
    }

    /** A zone allocator over a fresh machine that does not wait. */
    static DmaZoneAllocator boot(PageAllocatorProvider pages, MachineProfile profile, long ram) {
        return boot(pages, profile, ram, Duration.ZERO);
    }

    /** A zone allocator over a fresh machine with a chosen era and wait. */
    static DmaZoneAllocator boot(PageAllocatorProvider pages, MachineProfile profile, long ram, Era era,
                                 Duration maxWait) {
        return create(new ZoneAllocatorConfig(Machine.boot(profile, ram), pages, era, maxWait, 0));
    }

    /** A zone allocator over a fresh machine with a chosen era. */
    static DmaZoneAllocator boot(PageAllocatorProvider pages, MachineProfile profile, long ram, Era era) {
        return create(new ZoneAllocatorConfig(Machine.boot(profile, ram), pages, era, Duration.ZERO, 0));
    }

    static DmaZoneAllocator create(ZoneAllocatorConfig config) {
        return (DmaZoneAllocator) new DmaZoneAllocatorProvider().create(config);
    }

    /** Returns the figures of zone {@code type}. */
    static ZoneStats zone(DmaZoneAllocator zones, ZoneType type) {
        for (ZoneStats z : zones.zoneinfo()) {
            if (z.type() == type) {
                return z;
            }
        }
        throw new AssertionError("no zone " + type);
    }

    /** Returns the free pages of zone {@code type}. */
    static long free(DmaZoneAllocator zones, ZoneType type) {
        return zone(zones, type).free();
    }

    /**
     * Allocates order-{@code order} blocks with {@code gfp} until one fails; returns their pfns.
     */
    static List<Long> drain(DmaZoneAllocator zones, int gfp, int order) {
        List<Long> pfns = new ArrayList<>();
        while (true) {
            long pfn = zones.allocPages(gfp, order);
            if (pfn == PageAllocator.NO_PAGE) {
                return pfns;
            }
            pfns.add(pfn);
        }
    }

    /** Drains with every order from the era's highest down to 0, fast first; returns [pfn, order] pairs. */
    static List<long[]> drainAllOrders(DmaZoneAllocator zones, int gfp, int maxOrder) {
        List<long[]> blocks = new ArrayList<>();
        for (int order = maxOrder; order >= 0; order--) {
            for (long pfn : drain(zones, gfp, order)) {
                blocks.add(new long[] {pfn, order});
            }
        }
        return blocks;
    }

    /**
     * Returns a shrinker that promises 100 pages, frees none and counts its scans in {@code scans}: it
     * shows whether reclaim ran without helping the allocation.
     */
    static Shrinker counting(AtomicLong scans) {
        return new Shrinker() {
            @Override
            public String name() {
                return "counter";
            }

            @Override
            public long count() {
                return 100;
            }

            @Override
            public long scan(long pages) {
                scans.incrementAndGet();
                return 0;
            }
        };
    }

    /** Frees blocks returned by {@link #drainAllOrders}. */
    static void freeAll(DmaZoneAllocator zones, List<long[]> blocks) {
        for (long[] b : blocks) {
            zones.freePages(b[0], (int) b[1]);
        }
    }
}
