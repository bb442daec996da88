package org.kmemlab.testkit.contract.zone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * The properties of the zone allocator contract. Random chains (maxWait 0, so a failing GFP_KERNEL
 * returns at once) check blocks, zones, reserves, accounting and misuse after every step; fixed
 * scenarios check what needs time or a second thread (waiting, {@code __GFP_NOFAIL}, reclaim). Scenarios
 * run at most {@value #SCENARIO_TRIES} tries whatever the effort: their steps are fixed, only the
 * geometry varies.
 */
public final class ZoneProperties {

    /** The most tries a fixed scenario runs. */
    static final int SCENARIO_TRIES = 4;
    /** maxWait for the timing scenarios: long enough that waiting by mistake is seen. */
    static final Duration TIMING_WAIT = Duration.ofMillis(300);
    /** An allocation that must not wait has to answer within this much of {@link #TIMING_WAIT}. */
    static final long QUICK_MILLIS = 150;
    /** maxWait for the scenarios where the bounded wait must not matter. */
    static final Duration SHORT_WAIT = Duration.ofMillis(20);

    /** Threads and calls per thread of {@code zone.concurrent}. */
    static final int CONCURRENT_THREADS = 4;
    static final int CONCURRENT_OPERATIONS = 20_000;
    /**
     * The system property that lowers {@link #CONCURRENT_OPERATIONS}: the autograder sets it, because there
     * every call crosses from the grader's process into the submission's.
     */
    static final String CONCURRENT_OPERATIONS_PROPERTY = "kmemlab.zone.concurrentOperations";

    private static final List<Integer> PLAIN = List.of(Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT,
            Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, Gfp.GFP_NOIO);
    private static final List<Integer> ZONED = List.of(Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.GFP_DMA,
            Gfp.GFP_ATOMIC | Gfp.GFP_DMA, Gfp.GFP_KERNEL | Gfp.GFP_DMA32, Gfp.GFP_NOWAIT | Gfp.GFP_DMA32,
            Gfp.GFP_NOWAIT | Gfp.GFP_DMA, Gfp.GFP_ATOMIC);
    private static final List<Integer> PRESSURE = List.of(Gfp.GFP_NOWAIT, Gfp.GFP_ATOMIC, Gfp.GFP_KERNEL,
            Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN, Gfp.GFP_NOWAIT | Gfp.GFP_DMA, Gfp.GFP_ATOMIC | Gfp.GFP_DMA32,
            Gfp.GFP_KERNEL | Gfp.__GFP_HIGH);

    private ZoneProperties() {
    }

    /**
     * Returns every property of the contract for one zone allocator provider.
     *
     * @param zones the zone allocator under test
     * @param pages the page allocators it is given
     * @param replayPrefix the command that replays, without the {@code -D} options
     */
    public static List<ContractProperty> all(ZoneAllocatorProvider zones, PageAllocatorProvider pages,
                                             String replayPrefix) {
        Checks.requireNonNull(zones, "zone allocator provider");
        Checks.requireNonNull(pages, "page allocator provider");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        String subject = zones.name() + " (page allocators: " + pages.name() + ")";
        List<ContractProperty> all = new ArrayList<>();
        Factory f = new Factory(zones, pages, subject, replayPrefix);
        all.add(f.boot("zone.boot", "Boot frees every unreserved frame into page allocators and nothing else"));
        all.add(f.chain("zone.blocks", "Blocks are aligned, in free memory, never reserved, never overlapping",
                new RandomMix(55, 30, 0, 0, 5, 4, PLAIN)));
        all.add(f.chain("zone.gfp-zones", "GFP_DMA only from DMA, GFP_DMA32 below 4 GiB, highest zone first",
                new RandomMix(55, 25, 5, 0, 12, 3, ZONED)));
        all.add(f.chain("zone.watermarks", "No request without __GFP_HIGH takes the min reserve; no needless failure",
                new RandomMix(40, 25, 5, 0, 25, 5, PRESSURE)));
        all.add(f.chain("zone.misuse", "Bad frees raise KernelBug and change nothing; no sleeping in atomic context",
                new RandomMix(35, 20, 15, 30, 0, 0, PLAIN)));
        all.add(f.chain("zone.free-all", "Freeing everything restores the zoneinfo of boot",
                new RandomMix(50, 15, 5, 0, 5, 25, ZONED)));
        all.add(f.scenario("zone.sleep-in-atomic", "A gfp that may sleep raises SleepInAtomicBug in atomic context",
                SHORT_WAIT, script(
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_KERNEL, 0, Allocation.Context.ATOMIC),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0,
                                Allocation.Context.INTERRUPT),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_NOIO, 2, Allocation.Context.ATOMIC),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_ATOMIC, 0, Allocation.Context.INTERRUPT),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_NOWAIT, 1, Allocation.Context.ATOMIC))));
        all.add(f.scenario("zone.failure-report", "A failure is logged to dmesg unless __GFP_NOWARN",
                Duration.ZERO, script(drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_KERNEL, 0, Allocation.Context.PROCESS),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 1,
                                Allocation.Context.PROCESS),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_NOWAIT, 0, Allocation.Context.PROCESS))));
        all.add(f.scenario("zone.nowait-never-waits", "GFP_NOWAIT and GFP_ATOMIC fail at once when memory is short",
                TIMING_WAIT, script(drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN),
                        s -> new WaitingActions.Quick(s.newLabel(), Gfp.GFP_NOWAIT, 0, QUICK_MILLIS),
                        s -> new WaitingActions.Quick(s.newLabel(), Gfp.GFP_ATOMIC, 0, QUICK_MILLIS),
                        s -> new WaitingActions.Quick(s.newLabel(), Gfp.GFP_NOWAIT | Gfp.GFP_DMA, 0,
                                QUICK_MILLIS))));
        all.add(f.scenario("zone.noretry", "__GFP_NORETRY runs one reclaim pass, then gives up without waiting",
                TIMING_WAIT, script(s -> new ReclaimActions.RegisterStubborn(s.newLabel()),
                        drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN),
                        s -> new ReclaimActions.NoRetryReclaimsOnce(s.newLabel(), QUICK_MILLIS))));
        all.add(f.scenario("zone.unregister", "Reclaim never calls a shrinker once unregisterShrinker returned",
                SHORT_WAIT, script(s -> new ReclaimActions.RegisterCache(s.newLabel(), 64),
                        s -> new ReclaimActions.Unregister(s.newLabel()),
                        drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN),
                        s -> new ReclaimActions.ReclaimWithoutUnregistered(s.newLabel()))));
        // Two tries: each waits twice for maxWait (a warm-up call, then the measured one).
        all.add(ContractProperty.capped(f.scenario("zone.wait-on-condition", "A waiting allocation sleeps on a"
                        + " condition: it uses (nearly) no CPU time while it waits", TIMING_WAIT,
                script(drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN), s -> new WaitingActions.WaitsOnCondition(
                        s.newLabel()))), 2));
        all.add(f.scenario("zone.nofail", "__GFP_NOFAIL waits past maxWait until another thread frees memory",
                SHORT_WAIT, script(drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN),
                        s -> new WaitingActions.NoFail(s.newLabel()))));
        all.add(f.scenario("zone.shrinker", "GFP_KERNEL runs the registered shrinkers before it fails",
                SHORT_WAIT, script(s -> new ReclaimActions.RegisterCache(s.newLabel(), 256),
                        drain(Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN),
                        s -> new ReclaimActions.Reclaim(s.newLabel()))));
        all.add(f.scenario("zone.linux20-dma-flag", "On Linux 2.0 GFP_DMA takes every DMA-capable page while the"
                        + " machine has memory: one reserve, no zones", Duration.ZERO, Geometry.LINUX20_ABOVE_DMA,
                script(drain(Gfp.GFP_KERNEL | Gfp.GFP_DMA | Gfp.__GFP_NOWARN),
                        s -> new ZoneActions.Allocate(s.newLabel(), Gfp.GFP_KERNEL, 0, Allocation.Context.PROCESS))));
        all.add(f.scenario("zone.concurrent", "Threads allocating and freeing at once never share a block",
                SHORT_WAIT, script(s -> new ConcurrentUse(CONCURRENT_THREADS,
                        Integer.getInteger(CONCURRENT_OPERATIONS_PROPERTY, CONCURRENT_OPERATIONS), s.machine.frames()))));
        return List.copyOf(all);
    }

    /** Builds one step of a script from the state (labels are handed out as the chain runs). */
    interface Step {
        Action<ZoneState> make(ZoneState s);
    }

    private static Step drain(int gfp) {
        return s -> new ZoneActions.Drain(s.newLabel(), gfp, s.maxOrder(), Integer.MAX_VALUE);
    }

    private static ZoneChain.Steps script(Step... steps) {
        List<Step> list = List.of(steps);
        return (s, random, index) -> index < list.size() ? list.get(index).make(s) : null;
    }

    /** Turns chains and scenarios into contract properties. */
    private static final class Factory {
        private final ZoneAllocatorProvider zones;
        private final PageAllocatorProvider pages;
        private final String subject;
        private final String replayPrefix;

        Factory(ZoneAllocatorProvider zones, PageAllocatorProvider pages, String subject, String replayPrefix) {
            this.zones = zones;
            this.pages = pages;
            this.subject = subject;
            this.replayPrefix = replayPrefix;
        }

        ContractProperty chain(String id, String title, ZoneChain.Steps steps) {
            return ContractProperty.stateful(id, title, subject, replayPrefix,
                    new ZoneChain(id, zones, pages, Geometry.CHAINS, Duration.ZERO, steps), Rule.ZONE_SERVES);
        }

        /** Boot only: nothing is allocated, so nothing can be vacuous. */
        ContractProperty boot(String id, String title) {
            return ContractProperty.stateful(id, title, subject, replayPrefix,
                    new ZoneChain(id, zones, pages, Geometry.CHAINS, Duration.ZERO, (s, r, i) -> null));
        }

        ContractProperty scenario(String id, String title, Duration maxWait, ZoneChain.Steps steps) {
            return scenario(id, title, maxWait, Geometry.SCENARIOS, steps);
        }

        ContractProperty scenario(String id, String title, Duration maxWait, List<Geometry> geometries,
                                  ZoneChain.Steps steps) {
            return ContractProperty.capped(ContractProperty.stateful(id, title, subject, replayPrefix,
                    new ZoneChain(id, zones, pages, geometries, maxWait, steps)), SCENARIO_TRIES);
        }
    }
}
