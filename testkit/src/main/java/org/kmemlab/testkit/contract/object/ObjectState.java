package org.kmemlab.testkit.contract.object;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.LabelledState;
import org.kmemlab.testkit.contract.chain.Patterns;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * One object-contract chain: the allocator under test, its page source, the machine, the live and
 * freed objects by label and by address.
 */
final class ObjectState implements LabelledState {

    private static final long PATTERN_MAGIC = 0x5a5a_6f62_0000_0000L;

    final Era era;
    final Machine machine;
    final ContractPageSource source;
    final ObjectAllocator sut;
    final long maxSize;
    final Set<ObjectCheck> checks;
    final Map<String, LiveObject> live = new LinkedHashMap<>();
    final Map<String, LiveObject> freed = new LinkedHashMap<>();
    final TreeMap<Long, LiveObject> byAddress = new TreeMap<>();
    final Set<String> warnings = new LinkedHashSet<>();
    /** Successful allocations and frees so far: what the chain really exercised (vacuity check). */
    long exercised;
    private final Map<String, byte[]> patterns = new HashMap<>();
    private byte[] scratch = new byte[0];
    private int nextId;

    ObjectState(Era era, Machine machine, ContractPageSource source, ObjectAllocator sut, Set<ObjectCheck> checks) {
        this.era = era;
        this.machine = machine;
        this.source = source;
        this.sut = sut;
        this.maxSize = sut.maxSize();
        this.checks = checks;
    }

    boolean checks(ObjectCheck check) {
        return checks.contains(check);
    }

    int newId() {
        return nextId++;
    }

    int newIds(int count) {
        int first = nextId;
        nextId += count;
        return first;
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
        return new ObjectActions.Free(label).run(this);
    }

    /** Returns a live object sharing a byte with {@code [addr, addr + length)}, or null. */
    LiveObject overlapping(long addr, long length) {
        return Patterns.overlapping(byAddress, LiveObject::end, addr, length);
    }

    void add(LiveObject o) {
        live.put(o.label(), o);
        exercised++;
        freed.remove(o.label());
        byAddress.put(o.addr(), o);
    }

    void remove(LiveObject o) {
        forgetPattern(o);
        live.remove(o.label());
        exercised++;
        byAddress.remove(o.addr());
        freed.put(o.label(), o);
    }

    /** What a rejected call must leave unchanged: the slabinfo rows and the pages held. */
    record Snapshot(List<SlabInfo> slabinfo, List<ContractPageSource.Block> pages) {
        @Override
        public String toString() {
            long active = 0;
            long slabs = 0;
            for (SlabInfo row : slabinfo) {
                active += row.activeObjects();
                slabs += row.totalSlabs();
            }
            long frames = 0;
            for (ContractPageSource.Block b : pages) {
                frames += 1L << b.order();
            }
            return active + " active objects, " + slabs + " slabs, " + frames + " pages held";
        }
    }

    Snapshot snapshot() {
        return new Snapshot(List.copyOf(slabinfo()), source.outstanding());
    }

    /** Calls slabinfo(); an exception it throws breaks the rule that slabinfo is exact. */
    List<SlabInfo> slabinfo() {
        try {
            return sut.slabinfo();
        } catch (RuntimeException e) {
            throw Rule.OBJECT_SLABINFO_ROWS.violation("slabinfo() threw " + e.getClass().getSimpleName()
                    + ": its rows must be exact (and so valid)", "one valid row per class",
                    e.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- byte patterns

    /**
     * Fills a live object's usable bytes with a pattern naming it (word {@code i} holds the object's id
     * and {@code i}) and remembers the bytes. If two live objects shared a byte, the later one's pattern
     * would overwrite the earlier one's and {@link #verifyPatterns()} would see it.
     */
    void writePattern(LiveObject o) {
        byte[] bytes = Patterns.bytes(PATTERN_MAGIC, o.id(), (int) o.usable());
        machine.memory().write(machine.pa(o.addr()), bytes, 0, bytes.length);
        patterns.put(o.label(), bytes);
    }

    /** Forgets the pattern of an object that was freed. */
    void forgetPattern(LiveObject o) {
        patterns.remove(o.label());
    }

    /** Re-reads every live object's bytes. */
    void verifyPatterns() {
        PhysicalMemory memory = machine.memory();
        for (LiveObject o : live.values()) {
            byte[] expected = patterns.get(o.label());
            if (expected == null) {
                continue;
            }
            if (scratch.length < expected.length) {
                scratch = new byte[expected.length];
            }
            memory.read(machine.pa(o.addr()), scratch, 0, expected.length);
            int at = Arrays.mismatch(scratch, 0, expected.length, expected, 0, expected.length);
            if (at >= 0) {
                throw patternBroken(o, at);
            }
        }
    }

    private InvariantViolation patternBroken(LiveObject o, int offset) {
        String writer = "the allocator (its own data written into a live object?)";
        long word = offset & ~7L;
        long found = machine.memory().readLong(machine.pa(o.addr()) + Math.min(word, Math.max(0, o.usable() - 8)));
        for (LiveObject other : live.values()) {
            long index = (o.addr() + word - other.addr()) / Long.BYTES;
            if (other != o && Long.compareUnsigned(o.addr() + word - other.addr(), other.usable()) < 0
                    && found == pattern(other.id(), index)) {
                writer = "live object " + other.label() + " at 0x" + Long.toHexString(other.addr())
                        + ", so the two objects overlap";
            }
        }
        return Rule.OBJECT_NO_OVERLAP.violation("the bytes of live object " + o.label() + " at 0x" + Long.toHexString(o.addr())
                + " changed at offset " + offset, "the pattern written when " + o.label() + " was allocated",
                "overwritten by " + writer);
    }

    private static long pattern(int id, long index) {
        return Patterns.word(PATTERN_MAGIC, id, index);
    }
}
