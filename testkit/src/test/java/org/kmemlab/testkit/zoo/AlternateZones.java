package org.kmemlab.testkit.zoo;

import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * The correct alternate zone allocator of the test tree as a provider, for other modules' tests (through
 * the testkit's test-jar).
 */
public final class AlternateZones {

    private AlternateZones() {
    }

    /** Returns the provider of the correct {@code alternate-zones} allocator. */
    public static ZoneAllocatorProvider provider() {
        return AlternateZoneAllocator.provider(AlternateZoneAllocator.Flaw.NONE);
    }
}
