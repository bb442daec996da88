package org.kmemlab.testkit.zoo;

import java.util.List;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorProvider;

/**
 * The correct alternate allocators of the test tree as providers, for other modules' tests (through the
 * testkit's test-jar): kmalloc assembles a kernel of every combination of reference and alternate parts
 * and runs the kernel contract on it.
 */
public final class Alternates {

    private Alternates() {
    }

    /** Returns the correct alternate page allocators: {@code list-buddy}, {@code bitmap-buddy}, {@code tree-buddy}. */
    public static List<PageAllocatorProvider> pageAllocators() {
        return List.copyOf(AlternatesTests.pageAllocators());
    }

    /**
     * Returns the correct alternate object allocators: {@code slab-objects}, {@code first-fit-objects},
     * {@code mixed-classes-objects}.
     */
    public static List<ObjectAllocatorProvider> objectAllocators() {
        return List.copyOf(AlternatesTests.objectAllocators());
    }
}
