package org.kmemlab.testkit.contract;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.contract.zone.ZoneProperties;
import org.kmemlab.testkit.property.Effort;

/**
 * The contract of {@link org.kmemlab.api.spi.ZoneAllocator}: extend this class, name your provider, and
 * run it with JUnit.
 *
 * <pre>{@code
 * class MyZonesTests extends ZoneAllocatorContract {
 *     @Override
 *     protected ZoneAllocatorProvider provider() {
 *         return new MyZonesProvider();
 *     }
 * }
 * }</pre>
 *
 * <h2>What it checks</h2>
 * Every property boots fresh machines (i386 Linux 2.0 with 16 and 24 MiB, x86_64 with 64 MiB, 256 MiB
 * and 4 GiB + 32 MiB) and creates the allocator with page allocators from {@link #pageAllocators()}:
 * <ul>
 *   <li>{@code zone.boot}: boot memory is retired and every unreserved frame, and no reserved one, is
 *       given to a page allocator made by the configured provider;</li>
 *   <li>{@code zone.blocks}: blocks are naturally aligned, in free memory, never overlapping (also by
 *       patterns written into them and read back);</li>
 *   <li>{@code zone.gfp-zones}: {@code GFP_DMA} only from ZONE_DMA (below 16 MiB), {@code GFP_DMA32} below
 *       4 GiB, and zones tried highest first: a request lands in a lower zone only when the higher ones
 *       could not serve it;</li>
 *   <li>{@code zone.watermarks}: a request without {@code __GFP_HIGH} never takes a zone's min reserve,
 *       {@code GFP_ATOMIC} never below 3/8 of min (modern era), and no request fails while an allowed zone
 *       is comfortably above its high watermark;</li>
 *   <li>{@code zone.misuse}: double, wrong-order, interior, reserved and never-allocated frees raise
 *       {@code KernelBug} and change nothing; a gfp that may sleep raises {@code SleepInAtomicBug} in atomic
 *       context;</li>
 *   <li>{@code zone.free-all}: freeing everything restores the zoneinfo of boot;</li>
 *   <li>{@code zone.sleep-in-atomic}, {@code zone.failure-report} (dmesg line, silenced by
 *       {@code __GFP_NOWARN}), {@code zone.nowait-never-waits}, {@code zone.noretry},
 *       {@code zone.nofail} (waits past maxWait until another thread frees) and {@code zone.shrinker}
 *       (GFP_KERNEL runs the registered shrinkers before failing): fixed scenarios;</li>
 *   <li>{@code zone.linux20-dma-flag}: on a Linux 2.0 machine with memory above 16 MiB, a GFP_DMA request
 *       takes every DMA-capable page while the machine has more than its one reserve free, and then an
 *       ordinary request is still served (2.0 had a page flag, not zones); on every 2.0 machine the
 *       chains check 2.0's one reserve instead of today's zone watermarks, and that failures log nothing;</li>
 *   <li>{@code zone.concurrent}: four threads allocate and free at once; their blocks never overlap, no
 *       call throws, and everything comes back.</li>
 * </ul>
 * After every step, {@code freeFrames()} and {@code zoneinfo()} must match the model exactly (free and
 * managed pages per zone, buddyinfo rows adding up and equal to the page allocators', watermarks
 * constant), and the implementation's own {@code checkInvariants()} must pass. The contract never
 * assumes which block is returned or which watermark a zone compares with beyond what the SPI makes a
 * MUST; it does treat "GFP_KERNEL MAY run the shrinkers" as "MUST before it fails", which is what
 * reclaim is for.
 *
 * <p>Each test prints its seed; {@code -Dkmemlab.seed=…} replays a run, {@code -Dkmemlab.tries} and
 * {@code -Dkmemlab.steps} scale it.
 */
public abstract class ZoneAllocatorContract {

    /** For subclasses: a test class that names the provider. */
    protected ZoneAllocatorContract() {
    }

    /** Returns the zone allocator provider under test. */
    protected abstract ZoneAllocatorProvider provider();

    /**
     * Returns the page allocators the zone allocator under test is given. The default is the testkit's
     * own {@link SimplePageAllocator}, always, whatever is installed: then a failure of this contract is
     * the zone allocator's, never the buddy allocator's. Override it to test the two together.
     */
    protected PageAllocatorProvider pageAllocators() {
        return SimplePageAllocator.provider();
    }

    /** Returns the effort to check with; by default read from {@code -Dkmemlab.*} system properties. */
    protected Effort effort() {
        return Effort.fromSystemProperties();
    }

    /** One dynamic test per property. */
    @TestFactory
    public List<DynamicTest> zoneAllocatorContract() {
        return ContractJUnit.dynamicTests(properties(provider(), pageAllocators(),
                "mvn test -Dtest=" + getClass().getSimpleName()), effort());
    }

    /**
     * Returns the contract's properties for the autograder (no JUnit needed), with the default replay
     * command {@code mvn test}.
     */
    public static List<ContractProperty> properties(ZoneAllocatorProvider zones, PageAllocatorProvider pages) {
        return properties(zones, pages, "mvn test");
    }

    /**
     * Returns the contract's properties.
     *
     * @param replayPrefix the command that replays a failure, without the {@code -D} options
     */
    public static List<ContractProperty> properties(ZoneAllocatorProvider zones, PageAllocatorProvider pages,
                                                    String replayPrefix) {
        return ZoneProperties.all(zones, pages, replayPrefix);
    }
}
