package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.contract.zone.ZoneProperties;
import org.kmemlab.testkit.property.Effort;

/**
 * The timing checks of the zone contract tell an allocator that waits from a machine that stalled: a
 * correct allocator whose calls are delayed once (a loaded grading machine, a garbage collection in the
 * submission's JVM) passes, one that waits for memory every time fails with {@code zone.no-wait}.
 */
class StalledCallsTests {

    private static final Effort EFFORT = new Effort(4, 20, 20_261_203L);
    private static final long STALL_MILLIS = 400;
    private static final IntPredicate CANNOT_BLOCK = gfp -> !Gfp.allowsBlocking(gfp);
    private static final IntPredicate NORETRY = gfp -> (gfp & Gfp.__GFP_NORETRY) != 0;

    @Test
    void aCorrectAllocatorStalledOnceStillPassesTheNoWaitScenario() {
        PropertyResult result = check("zone.nowait-never-waits", provider(1, CANNOT_BLOCK));
        assertTrue(result.passed(), result.report());
    }

    @Test
    void aCorrectAllocatorWhoseNoRetryCallIsStalledOnceStillPasses() {
        PropertyResult result = check("zone.noretry", provider(1, NORETRY));
        assertTrue(result.passed(), result.report());
    }

    @Test
    void anAllocatorWhoseNoRetryCallIsSlowEveryTimeFailsNamingTheRule() {
        PropertyResult result = check("zone.noretry", provider(Integer.MAX_VALUE, NORETRY));
        assertFalse(result.passed(), "an allocator whose NORETRY NO_PAGE always takes " + STALL_MILLIS + " ms waits");
        assertTrue(result.report().contains("zone.noretry") && result.report().contains("the fastest of"),
                result.report());
    }

    @Test
    void anAllocatorThatIsSlowEveryTimeFailsNamingTheRule() {
        PropertyResult result = check("zone.nowait-never-waits", provider(Integer.MAX_VALUE, CANNOT_BLOCK));
        assertFalse(result.passed(), "an allocator whose NO_PAGE always takes " + STALL_MILLIS + " ms waits");
        assertTrue(result.report().contains("zone.no-wait"), result.report());
    }

    private static PropertyResult check(String id, ZoneAllocatorProvider provider) {
        List<ContractProperty> all = ZoneProperties.all(provider, SimplePageAllocator.provider(), "mvn test");
        ContractProperty property = all.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
        return property.check(EFFORT);
    }

    /** The correct alternate, its first {@code stalls} failing calls whose gfp {@code stalled} picks delayed 400 ms. */
    private static ZoneAllocatorProvider provider(int stalls, IntPredicate stalled) {
        ZoneAllocatorProvider correct = AlternateZones.provider();
        return new ZoneAllocatorProvider() {
            @Override
            public String name() {
                return "stalled-" + correct.name();
            }

            @Override
            public ZoneAllocator create(ZoneAllocatorConfig config) {
                return new Stalled(correct.create(config), stalls, stalled);
            }
        };
    }

    private static final class Stalled implements ZoneAllocator {
        private final ZoneAllocator delegate;
        private final IntPredicate stalled;
        private int stallsLeft;

        Stalled(ZoneAllocator delegate, int stalls, IntPredicate stalled) {
            this.delegate = delegate;
            this.stallsLeft = stalls;
            this.stalled = stalled;
        }

        @Override
        public long allocPages(int gfp, int order) {
            long pfn = delegate.allocPages(gfp, order);
            if (pfn == PageAllocator.NO_PAGE && stalled.test(gfp) && stallsLeft > 0) {
                stallsLeft--;
                try {
                    Thread.sleep(STALL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return pfn;
        }

        @Override
        public void freePages(long pfn, int order) {
            delegate.freePages(pfn, order);
        }

        @Override
        public long freeFrames() {
            return delegate.freeFrames();
        }

        @Override
        public List<ZoneStats> zoneinfo() {
            return delegate.zoneinfo();
        }

        @Override
        public void registerShrinker(Shrinker shrinker) {
            delegate.registerShrinker(shrinker);
        }

        @Override
        public void unregisterShrinker(Shrinker shrinker) {
            delegate.unregisterShrinker(shrinker);
        }

        @Override
        public void checkInvariants() {
            delegate.checkInvariants();
        }
    }
}
