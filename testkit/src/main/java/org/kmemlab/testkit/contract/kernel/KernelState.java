package org.kmemlab.testkit.contract.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Machine;
import org.kmemlab.api.stats.MemInfo;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.LabelledState;
import org.kmemlab.testkit.contract.chain.Patterns;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * One kernel-contract chain: the kernel under test, its machine, the live and freed allocations by label
 * and by address, and the byte pattern written into each live one.
 *
 * <p>The patterns are written and re-read <em>through the facade</em> ({@code write}/{@code read} by
 * kernel address), so a kernel whose memory access misses the machine's bytes fails as surely as one that
 * hands out the same bytes twice.
 */
final class KernelState implements LabelledState {

    private static final long PATTERN_MAGIC = 0x6b6d_616c_0000_0000L;

    final KernelMemory kernel;
    final Machine machine;
    final Set<KernelCheck> checks;
    final long slackPages;
    final Map<String, KernelAllocation> live = new LinkedHashMap<>();
    final Map<String, KernelAllocation> freed = new LinkedHashMap<>();
    final TreeMap<Long, KernelAllocation> byAddress = new TreeMap<>();
    final Set<String> warnings = new LinkedHashSet<>();
    /** Successful allocations and frees so far: what the chain really exercised (vacuity check). */
    long exercised;
    /** Free, slab and cached pages right after boot: what must come back once everything is freed. */
    final long bootPages;
    private final Map<String, byte[]> patterns = new HashMap<>();
    private byte[] scratch = new byte[0];
    private int nextId;

    KernelState(KernelMemory kernel, Set<KernelCheck> checks, long slackPages) {
        this.kernel = kernel;
        this.machine = kernel.machine();
        this.checks = checks;
        this.slackPages = slackPages;
        this.bootPages = recoverablePages(kernel.meminfo());
    }

    boolean checks(KernelCheck check) {
        return checks.contains(check);
    }

    int newId() {
        return nextId++;
    }

    /** Free + Slab + Cached of {@code info}, in pages. */
    long recoverablePages(MemInfo info) {
        long kbPerPage = machine.pageSize() >>> 10;
        return (info.memFree() + info.slab() + info.cached()) / kbPerPage;
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
        KernelAllocation a = live.get(label);
        return a.isPages() ? new KernelActions.FreePages(label).run(this) : new KernelActions.Kfree(label).run(this);
    }

    /** Returns a live allocation sharing a byte with {@code [addr, addr + length)}, or null. */
    KernelAllocation overlapping(long addr, long length) {
        return Patterns.overlapping(byAddress, KernelAllocation::end, addr, length);
    }

    /** Returns true when {@code addr} is the address of a live kmalloc allocation. */
    boolean isLiveKmalloc(long addr) {
        KernelAllocation a = byAddress.get(addr);
        return a != null && !a.isPages();
    }

    void add(KernelAllocation a) {
        live.put(a.label(), a);
        exercised++;
        freed.remove(a.label());
        byAddress.put(a.addr(), a);
        writePattern(a);
    }

    void remove(KernelAllocation a) {
        patterns.remove(a.label());
        live.remove(a.label());
        exercised++;
        byAddress.remove(a.addr());
        freed.put(a.label(), a);
    }

    /** What a rejected call must leave unchanged: free pages per zone, Slab, and the slabinfo rows. */
    record Snapshot(List<Long> zoneFree, long memFree, long slab, List<SlabInfo> slabinfo) {
        @Override
        public String toString() {
            long active = 0;
            for (SlabInfo row : slabinfo) {
                active += row.activeObjects();
            }
            return "free pages per zone " + zoneFree + ", MemFree " + memFree + " kB, Slab " + slab + " kB, "
                    + active + " active objects";
        }
    }

    Snapshot snapshot() {
        List<Long> zoneFree = new ArrayList<>();
        for (ZoneStats z : kernel.zoneinfo()) {
            zoneFree.add(z.free());
        }
        MemInfo info = kernel.meminfo();
        return new Snapshot(zoneFree, info.memFree(), info.slab(), List.copyOf(kernel.slabinfo()));
    }

    // ---------------------------------------------------------------- byte patterns

    /**
     * Writes a pattern naming the allocation (word {@code i} holds its id and {@code i}) over the bytes
     * asked for, through the facade, and remembers it. If two live allocations shared a byte, the later
     * pattern would overwrite the earlier one and {@link #verifyPatterns()} would see it.
     */
    private void writePattern(KernelAllocation a) {
        byte[] bytes = Patterns.bytes(PATTERN_MAGIC, a.id(), (int) a.size());
        kernel.write(a.addr(), bytes, 0, bytes.length);
        patterns.put(a.label(), bytes);
    }

    /** Re-reads every live allocation's bytes through the facade. */
    void verifyPatterns() {
        for (KernelAllocation a : live.values()) {
            byte[] expected = patterns.get(a.label());
            if (scratch.length < expected.length) {
                scratch = new byte[expected.length];
            }
            kernel.read(a.addr(), scratch, 0, expected.length);
            int at = Arrays.mismatch(scratch, 0, expected.length, expected, 0, expected.length);
            if (at >= 0) {
                throw patternBroken(a, at);
            }
        }
    }

    private InvariantViolation patternBroken(KernelAllocation a, int offset) {
        String writer = "the kernel (its own data written into live memory?)";
        long word = offset & ~7L;
        long at = a.addr() + Math.min(word, Math.max(0, a.size() - 8));
        byte[] found = new byte[8];
        kernel.read(at, found, 0, (int) Math.min(8, a.size()));
        long value = ByteBuffer.wrap(found).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (KernelAllocation other : live.values()) {
            long into = at - other.addr();
            if (other != a && Long.compareUnsigned(into, other.size()) < 0 && value == pattern(other.id(), into >>> 3)) {
                writer = "live allocation " + other.label() + " at " + KernelActions.hex(other.addr())
                        + ", so the two overlap";
            }
        }
        return Rule.KERNEL_MEMORY.violation("the bytes of live allocation " + a.label() + " at " + KernelActions.hex(a.addr())
                + " changed at offset " + offset, "the pattern written when " + a.label() + " was allocated",
                "overwritten by " + writer);
    }

    private static long pattern(int id, long index) {
        return Patterns.word(PATTERN_MAGIC, id, index);
    }
}
