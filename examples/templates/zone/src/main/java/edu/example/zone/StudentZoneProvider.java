package edu.example.zone;

import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * Makes kmemlab find your allocator. kmemlab chooses zone allocators by {@link #name()}: run the tour
 * with yours by putting the jar on the module path and passing {@code --zones student-zone}.
 */
public final class StudentZoneProvider implements ZoneAllocatorProvider {

    /** The name kmemlab chooses this allocator by. Change it to your own, e.g. "alice-zone". */
    public static final String NAME = "student-zone";

    /** Providers need a public no-argument constructor; keep it cheap. */
    public StudentZoneProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a student's zone allocator (kmemlab assignment template)";
    }

    @Override
    public ZoneAllocator create(ZoneAllocatorConfig config) {
        return new StudentZoneAllocator(config);
    }
}
