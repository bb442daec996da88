package edu.example.zone;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.spi.ZoneAllocatorConfig;
import org.kmemlab.api.stats.ZoneStats;

/**
 * Your zone allocator: the part of the kernel that decides which memory a request may have. Read the
 * contract in {@link ZoneAllocator}'s Javadoc first: every MUST there is a test in
 * {@code StudentZoneTests}.
 *
 * <p>This skeleton compiles and behaves honestly, but it owns no memory yet:
 * <ul>
 *   <li>it never takes the machine's memory over from boot memory, so every zone reports no managed
 *       and no free frames, exactly;</li>
 *   <li>{@link #allocPages(int, int)} always answers {@link PageAllocator#NO_PAGE} ("no memory");</li>
 *   <li>{@link #freePages(long, int)} raises the kernel's {@code Bad page state} bug, which is right for
 *       an allocator that has handed nothing out.</li>
 * </ul>
 * So {@code mvn test} fails, and its reports say what is missing. Replace each TODO.
 *
 * <p>Hints: at creation, retire boot memory ({@code machine.bootMemory().retire()}) and create one page
 * allocator per free range it reports, through {@code config.pageAllocators()}; compute min/low/high
 * per zone from {@code min_free_kbytes}; a request walks its zonelist (Normal, then DMA32, then DMA; a
 * {@code GFP_DMA} request only DMA) and takes from the first zone above its watermark. A zone allocator,
 * unlike the others, MUST be safe for concurrent use: one lock per zone.
 */
final class StudentZoneAllocator implements ZoneAllocator {

    /** Orders 0..MAX_ORDER in a buddyinfo row (Linux's MAX_ORDER of 10). */
    private static final int ORDERS = 11;

    private final Machine machine;
    private final List<Shrinker> shrinkers = new ArrayList<>();

    /** Creates an allocator that has not taken over any memory yet. */
    StudentZoneAllocator(ZoneAllocatorConfig config) {
        this.machine = config.machine();
        // TODO: retire boot memory and give every free range to a page allocator of its zone.
    }

    @Override
    public long allocPages(int gfp, int order) {
        // TODO: walk the zonelist of gfp, honour the watermarks, reclaim or wait when gfp allows it.
        return PageAllocator.NO_PAGE;
    }

    @Override
    public void freePages(long pfn, int order) {
        // TODO: route the block to the page allocator that owns pfn, then wake waiters.
        // Until allocPages() hands out blocks, every free is of a block this allocator does not own:
        throw BadPageStateBug.outOfRange(pfn, order, 0, 0);
    }

    @Override
    public long freeFrames() {
        // TODO: the sum of every zone's free frames.
        return 0;
    }

    @Override
    public List<ZoneStats> zoneinfo() {
        // Exact while the allocator manages nothing: every zone of the machine, no managed or free frame.
        // TODO: report each zone's managed and free frames, its watermarks, lowmem_reserve and buddyinfo.
        List<ZoneStats> stats = new ArrayList<>();
        List<ZoneSpan> zones = machine.zones();
        for (ZoneSpan zone : zones) {
            stats.add(new ZoneStats(0, zone.type(), zone.startPfn(), zone.frames(), zone.frames(), 0, 0, 0, 0, 0, 0,
                    new long[zones.size()], new long[ORDERS]));
        }
        return stats;
    }

    @Override
    public void registerShrinker(Shrinker shrinker) {
        synchronized (shrinkers) {
            shrinkers.add(shrinker);
        }
    }

    @Override
    public void unregisterShrinker(Shrinker shrinker) {
        synchronized (shrinkers) {
            shrinkers.remove(shrinker);
        }
    }
}
