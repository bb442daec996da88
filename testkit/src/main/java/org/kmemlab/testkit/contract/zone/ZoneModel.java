package org.kmemlab.testkit.contract.zone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmemlab.api.BootMemory;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;

/**
 * What a correct zone allocator must look like from outside, kept by the contract: which frames boot
 * memory left free, which blocks are live (by label and by pfn), and how many frames each zone has free.
 * It is deliberately simple: sets of frames and counts, no buddy logic, so that it is obviously right.
 */
final class ZoneModel {

    /**
     * A live block.
     *
     * @param label the name the trace gives it, e.g. {@code p3}
     * @param pfn its first frame
     * @param order its order
     * @param zone the zone it lies in
     */
    record Block(String label, long pfn, int order, ZoneType zone) {

        long endPfn() {
            return pfn + (1L << order);
        }

        @Override
        public String toString() {
            return label + " (pfn " + pfn + " order " + order + ")";
        }
    }

    private final Machine machine;
    private final List<FrameRange> freeRanges;
    private final List<ZoneSpan> zones;
    private final long[] managed;
    private final long[] free;
    private final Map<String, Block> byLabel = new LinkedHashMap<>();
    private final TreeMap<Long, Block> byPfn = new TreeMap<>();

    ZoneModel(Machine machine) {
        this.machine = machine;
        this.freeRanges = List.copyOf(machine.bootMemory().freeRanges());
        this.zones = machine.zones();
        this.managed = new long[zones.size()];
        for (FrameRange r : freeRanges) {
            managed[indexOf(r.zone())] += r.frames();
        }
        this.free = managed.clone();
    }

    List<FrameRange> freeRanges() {
        return freeRanges;
    }

    /** Returns the free ranges for a report: {@code DMA [1, 160), DMA [544, 4096)}. */
    String describeFreeRanges() {
        StringBuilder out = new StringBuilder();
        for (FrameRange r : freeRanges) {
            out.append(out.length() == 0 ? "" : ", ").append(r.zone().procName()).append(" [").append(r.startPfn())
                    .append(", ").append(r.endPfn()).append(')');
        }
        return out.toString();
    }

    List<ZoneSpan> zones() {
        return zones;
    }

    /** Returns the position of {@code type} in the machine's zone list. */
    int indexOf(ZoneType type) {
        for (int i = 0; i < zones.size(); i++) {
            if (zones.get(i).type() == type) {
                return i;
            }
        }
        return -1;
    }

    long managed(int zone) {
        return managed[zone];
    }

    long free(int zone) {
        return free[zone];
    }

    long totalFree() {
        long sum = 0;
        for (long f : free) {
            sum += f;
        }
        return sum;
    }

    /** Returns the free range that holds all of {@code [pfn, pfn + 2^order)}, or null. */
    FrameRange rangeHolding(long pfn, int order) {
        long end = pfn + (1L << order);
        for (FrameRange r : freeRanges) {
            if (pfn >= r.startPfn() && end <= r.endPfn()) {
                return r;
            }
        }
        return null;
    }

    /** Returns the owner of the boot reservation that covers {@code pfn}, or null. */
    String reservedBy(long pfn) {
        long phys = machine.pfnToPhys(pfn);
        for (BootMemory.Region r : machine.bootMemory().reservations()) {
            if (phys + machine.pageSize() > r.start() && phys < r.end()) {
                return r.owner();
            }
        }
        return null;
    }

    /** Returns a live block that shares a frame with {@code [pfn, pfn + 2^order)}, or null. */
    Block overlapping(long pfn, int order) {
        long end = pfn + (1L << order);
        Map.Entry<Long, Block> below = byPfn.floorEntry(end - 1);
        while (below != null && below.getValue().endPfn() > pfn) {
            if (below.getKey() < end) {
                return below.getValue();
            }
            below = byPfn.lowerEntry(below.getKey());
        }
        return null;
    }

    /** Returns true when every frame of the block is free memory: in a free range and in no live block. */
    boolean isFree(long pfn, int order) {
        return rangeHolding(pfn, order) != null && overlapping(pfn, order) == null;
    }

    /** Successful allocations and frees so far: what the chain really exercised (vacuity check). */
    long exercised;

    void add(Block block) {
        exercised++;
        byLabel.put(block.label(), block);
        byPfn.put(block.pfn(), block);
        free[indexOf(block.zone())] -= 1L << block.order();
    }

    void remove(Block block) {
        exercised++;
        byLabel.remove(block.label());
        byPfn.remove(block.pfn());
        free[indexOf(block.zone())] += 1L << block.order();
    }

    Block live(String label) {
        return byLabel.get(label);
    }

    List<Block> liveBlocks() {
        return new ArrayList<>(byLabel.values());
    }

    int liveCount() {
        return byLabel.size();
    }
}
