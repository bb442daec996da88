package org.kmemlab.api.spi;

import java.time.Duration;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;

/**
 * What a {@link ZoneAllocatorProvider} needs to create a zone allocator.
 *
 * @param machine the machine whose zones are managed; its boot memory is retired by the allocator
 * @param pageAllocators the provider of the per-zone page allocators
 * @param era whose watermark rules and highest order apply
 * @param maxWait how long an allocation that may sleep waits for memory after reclaim failed
 *                (0 = do not wait)
 * @param minFreeKbytes the {@code min_free_kbytes} sysctl, or 0 to compute it as the kernel does
 */
public record ZoneAllocatorConfig(Machine machine, PageAllocatorProvider pageAllocators, Era era,
                                  Duration maxWait, long minFreeKbytes) {

    /** The default bounded wait of a sleeping allocation: 100 ms of simulated {@code schedule()}. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(100);

    /** Checks that nothing is missing. */
    public ZoneAllocatorConfig {
        Checks.requireNonNull(machine, "machine");
        Checks.requireNonNull(pageAllocators, "page allocator provider");
        Checks.requireNonNull(era, "era");
        Checks.requireNonNull(maxWait, "maxWait");
        Checks.requireArgument(!maxWait.isNegative(), "maxWait %s is negative", maxWait);
        Checks.requireArgument(minFreeKbytes >= 0, "min_free_kbytes %d is negative", minFreeKbytes);
    }

    /** A configuration with the machine's era, the default wait and computed watermarks. */
    public static ZoneAllocatorConfig defaults(Machine machine, PageAllocatorProvider pageAllocators) {
        return new ZoneAllocatorConfig(machine, pageAllocators, machine.profile().era(), DEFAULT_MAX_WAIT, 0);
    }
}
