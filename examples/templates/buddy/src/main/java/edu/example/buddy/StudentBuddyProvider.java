package edu.example.buddy;

import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * Makes kmemlab find your allocator. kmemlab chooses page allocators by {@link #name()}: run the tour
 * with yours by putting the jar on the module path and passing {@code --pages student-buddy}.
 */
public final class StudentBuddyProvider implements PageAllocatorProvider {

    /** The name kmemlab chooses this allocator by. Change it to your own, e.g. "alice-buddy". */
    public static final String NAME = "student-buddy";

    /** Providers need a public no-argument constructor; keep it cheap. */
    public StudentBuddyProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a student's buddy allocator (kmemlab assignment template)";
    }

    @Override
    public PageAllocator create(PageAllocatorConfig config) {
        return new StudentBuddyAllocator(config);
    }
}
