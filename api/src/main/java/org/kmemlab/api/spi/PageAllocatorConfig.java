package org.kmemlab.api.spi;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;

/**
 * What a {@link PageAllocatorProvider} needs to create a page allocator for one run of frames.
 *
 * @param machine the machine whose frames are managed (its memory may hold intrusive lists)
 * @param zoneName the zone's name for reports, e.g. {@code "DMA"}
 * @param startPfn the first frame managed
 * @param frames the number of frames managed, at least one
 * @param maxOrder the highest order to serve, 0..{@value #MAX_SUPPORTED_ORDER}
 * @param era whose kernel the allocator imitates: on {@link Era#LINUX_2_0} a split hands out the top half
 *            of the block (rule {@code page.linux20-expand}). The kernel's era, which may differ from the
 *            machine profile's (an i386 machine also runs a modern kernel).
 */
public record PageAllocatorConfig(Machine machine, String zoneName, long startPfn, long frames, int maxOrder,
                                  Era era) {

    /** The highest order any configuration may ask for (blocks of 2^20 frames, 4 GiB). */
    public static final int MAX_SUPPORTED_ORDER = 20;

    /** Checks that the range lies in the machine's RAM and the order is supported. */
    public PageAllocatorConfig {
        Checks.requireNonNull(machine, "machine");
        Checks.requireNonNull(zoneName, "zone name");
        Checks.requireNonNull(era, "era");
        Checks.requireArgument(frames > 0, "a page allocator needs at least one frame, not %d", frames);
        Checks.requireArgument(startPfn >= 0 && startPfn + frames <= machine.frames(),
                "frames [%d, %d) are not inside the machine's RAM", startPfn, startPfn + frames);
        Checks.requireArgument(maxOrder >= 0 && maxOrder <= MAX_SUPPORTED_ORDER,
                "maxOrder %d is outside 0..%d", maxOrder, MAX_SUPPORTED_ORDER);
    }

    /** A configuration with the machine profile's era. */
    public PageAllocatorConfig(Machine machine, String zoneName, long startPfn, long frames, int maxOrder) {
        this(machine, zoneName, startPfn, frames, maxOrder, Checks.requireNonNull(machine, "machine").profile().era());
    }

    /** Returns one past the last frame managed. */
    public long endPfn() {
        return startPfn + frames;
    }

    /**
     * Returns true when a split hands out the top half of the block and keeps the lower halves free, as
     * Linux 2.0's {@code EXPAND} did (mm/page_alloc.c:161-172); false for today's {@code expand()}, which
     * keeps the upper halves.
     */
    public boolean handsOutTopHalf() {
        return era == Era.LINUX_2_0;
    }
}
