package org.kmemlab.api.spi;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;

/**
 * What an {@link ObjectAllocatorProvider} needs to create an object allocator.
 *
 * @param machine the machine whose memory holds the objects
 * @param pages where pages come from and go back to
 * @param era which size classes to use: Linux 2.0's buckets or today's SLUB-like caches
 */
public record ObjectAllocatorConfig(Machine machine, PageSource pages, Era era) {

    /** Checks that nothing is missing. */
    public ObjectAllocatorConfig {
        Checks.requireNonNull(machine, "machine");
        Checks.requireNonNull(pages, "page source");
        Checks.requireNonNull(era, "era");
    }
}
