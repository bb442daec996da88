package edu.example.bucket;

import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.ObjectAllocatorProvider;

/**
 * Makes kmemlab find your allocator. kmemlab chooses object allocators by {@link #name()}: run the tour
 * with yours by putting the jar on the module path and passing {@code --objects student-bucket}.
 */
public final class StudentBucketProvider implements ObjectAllocatorProvider {

    /** The name kmemlab chooses this allocator by. Change it to your own, e.g. "alice-bucket". */
    public static final String NAME = "student-bucket";

    /** Providers need a public no-argument constructor; keep it cheap. */
    public StudentBucketProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a student's bucket allocator (kmemlab assignment template)";
    }

    @Override
    public ObjectAllocator create(ObjectAllocatorConfig config) {
        return new StudentBucketAllocator(config);
    }
}
