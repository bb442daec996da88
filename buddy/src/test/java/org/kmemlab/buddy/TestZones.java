package org.kmemlab.buddy;

import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;

/** Builds small zones for the buddy tests and reads their buddyinfo rows. */
final class TestZones {

    /** A 64 MiB x86-64 machine: 16 Ki frames, room for every zone the tests use. */
    private final Machine machine = Machine.boot(MachineProfile.X86_64, 64L << 20);

    /** Returns a fresh allocator for frames {@code [startPfn, startPfn + frames)}. */
    BuddyAllocator zone(long startPfn, long frames, int maxOrder) {
        return new BuddyAllocator(new PageAllocatorConfig(machine, "Normal", startPfn, frames, maxOrder));
    }

    /** Returns the free blocks of each order 0..maxOrder: the /proc/buddyinfo row. */
    static long[] buddyinfo(PageAllocator allocator) {
        long[] row = new long[allocator.maxOrder() + 1];
        for (int order = 0; order <= allocator.maxOrder(); order++) {
            row[order] = allocator.freeBlocks(order);
        }
        return row;
    }
}
