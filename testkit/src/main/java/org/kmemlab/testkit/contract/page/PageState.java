package org.kmemlab.testkit.contract.page;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.LabelledState;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * One page-contract chain: the allocator under test, the machine its frames live on, the model, and the
 * live and freed blocks by label.
 */
final class PageState implements LabelledState {

    /** Mixed into every pattern word so that zeroed memory never looks like a pattern. */
    private static final long PATTERN_MAGIC = 0x6b6d656d_00000000L;

    final PageGeometry geometry;
    final Machine machine;
    final PageAllocator sut;
    final PageModel model;
    final Set<PageCheck> checks;
    final Map<String, PageBlock> live = new LinkedHashMap<>();
    final Map<String, PageBlock> freed = new LinkedHashMap<>();
    final Set<String> warnings = new LinkedHashSet<>();
    /** Successful allocations and frees so far: what the chain really exercised (vacuity check). */
    long exercised;
    /** The layout the allocator reported when it was created: what freeing everything must restore. */
    final long[] initialLayout;
    /** True when the initial layout is the largest aligned blocks, so the canonical layout applies. */
    final boolean canonical;
    private int nextId;

    PageState(PageGeometry geometry, Machine machine, PageAllocator sut, Set<PageCheck> checks) {
        this.geometry = geometry;
        this.machine = machine;
        this.sut = sut;
        this.model = new PageModel(geometry);
        this.checks = checks.isEmpty() ? EnumSet.noneOf(PageCheck.class) : EnumSet.copyOf(checks);
        this.initialLayout = layout();
        long[] expected = model.canonicalLayout();
        this.canonical = Arrays.equals(initialLayout, expected);
        if (!canonical && sumFrames(initialLayout) == geometry.frames()) {
            warnings.add(Rule.PAGE_INITIAL_LAYOUT.warning("the initial free blocks " + Reports.layout(initialLayout)
                    + " are not the largest naturally aligned blocks that fit the zone " + Reports.layout(expected)
                    + "; buddyinfo is then only checked for consistency"));
        }
    }

    boolean checks(PageCheck check) {
        return checks.contains(check);
    }

    int newId() {
        return nextId++;
    }

    /** Reserves {@code count} ids and returns the first. */
    int newIds(int count) {
        int first = nextId;
        nextId += count;
        return first;
    }

    /** Returns the allocator's free blocks per order: its buddyinfo row. */
    long[] layout() {
        long[] counts = new long[geometry.maxOrder() + 1];
        for (int k = 0; k <= geometry.maxOrder(); k++) {
            counts[k] = sut.freeBlocks(k);
        }
        return counts;
    }

    /** Returns what a rejected call must leave unchanged: free frames, then free blocks per order. */
    long[] snapshot() {
        long[] layout = layout();
        long[] snap = Arrays.copyOf(layout, layout.length + 1);
        snap[layout.length] = sut.freeFrames();
        return snap;
    }

    static long sumFrames(long[] layout) {
        long frames = 0;
        for (int k = 0; k < layout.length; k++) {
            frames += layout[k] << k;
        }
        return frames;
    }

    @Override
    public List<String> liveLabels() {
        return new ArrayList<>(live.keySet());
    }

    @Override
    public boolean isLive(String label) {
        return live.containsKey(label);
    }

    @Override
    public String freeLabel(String label) {
        return new PageActions.Free(label).run(this);
    }

    // ---------------------------------------------------------------- byte patterns

    /**
     * Writes the pattern of {@code block} into its frames: one word at the start and one at the end of
     * every frame, naming the block and the frame. If two live blocks shared a frame, the later one's
     * words would overwrite the earlier one's, and {@link #verifyPatterns()} would see it.
     */
    void writePattern(PageBlock block) {
        PhysicalMemory memory = machine.memory();
        for (long pfn = block.pfn(); pfn < block.endPfn(); pfn++) {
            long word = pattern(block.id(), pfn);
            long phys = machine.pfnToPhys(pfn);
            memory.writeLong(phys, word);
            memory.writeLong(phys + machine.pageSize() - Long.BYTES, ~word);
        }
    }

    /** Re-reads every live block's pattern. */
    void verifyPatterns() {
        PhysicalMemory memory = machine.memory();
        for (PageBlock block : live.values()) {
            for (long pfn = block.pfn(); pfn < block.endPfn(); pfn++) {
                long phys = machine.pfnToPhys(pfn);
                long want = pattern(block.id(), pfn);
                long head = memory.readLong(phys);
                long tail = memory.readLong(phys + machine.pageSize() - Long.BYTES);
                if (head != want || tail != ~want) {
                    throw patternBroken(block, pfn, head == want ? ~tail : head);
                }
            }
        }
    }

    private InvariantViolation patternBroken(PageBlock block, long pfn, long found) {
        String writer = "something else (the allocator itself?)";
        for (PageBlock other : live.values()) {
            if (other != block && found == pattern(other.id(), pfn)) {
                writer = "live block " + other.label() + " (" + other + "), so the two blocks overlap";
            }
        }
        return Rule.PAGE_NO_OVERLAP.violation(
                "the bytes of live block " + block.label() + " (" + block + ") changed at frame " + pfn,
                "the pattern written when " + block.label() + " was allocated",
                "frame " + pfn + " was overwritten by " + writer);
    }

    private static long pattern(int id, long pfn) {
        return PATTERN_MAGIC ^ ((long) id << 32) ^ pfn;
    }
}
