package org.kmemlab.api.spi;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Machine;

/**
 * What a {@link PageAllocatorProvider} needs to create a page allocator for one run of frames.
 *
 * @param machine the machine whose frames are managed (its memory may hold intrusive lists)
 * @param zoneName the zone's name for reports, e.g. {@code "DMA"}
 * @param startPfn the first frame managed
 * @param frames the number of frames managed, at least one
 * @param maxOrder the highest order to serve, 0..{@value #MAX_SUPPORTED_ORDER}
 */
public record PageAllocatorConfig(Machine machine, String zoneName, long startPfn, long frames, int maxOrder) {

    /** The highest order any configuration may ask for (blocks of 2^20 frames, 4 GiB). */
    public static final int MAX_SUPPORTED_ORDER = 20;

    /** Checks that the range lies in the machine's RAM and the order is supported. */
    public PageAllocatorConfig {
        Checks.requireNonNull(machine, "machine");
        Checks.requireNonNull(zoneName, "zone name");
        Checks.requireArgument(frames > 0, "a page allocator needs at least one frame, not %d", frames);
        Checks.requireArgument(startPfn >= 0 && startPfn + frames <= machine.frames(),
                "frames [%d, %d) are not inside the machine's RAM", startPfn, startPfn + frames);
        Checks.requireArgument(maxOrder >= 0 && maxOrder <= MAX_SUPPORTED_ORDER,
                "maxOrder %d is outside 0..%d", maxOrder, MAX_SUPPORTED_ORDER);
    }

    /** Returns one past the last frame managed. */
    public long endPfn() {
        return startPfn + frames;
    }
}
