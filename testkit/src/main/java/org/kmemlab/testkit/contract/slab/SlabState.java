package org.kmemlab.testkit.contract.slab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kmemlab.api.Machine;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.support.ContractPageSource;

/**
 * One chain's world: the machine, the page source, the cache under test and its model (live objects by
 * label, freed objects, which addresses the constructor has set up), plus a second cache of the same
 * provider whose object the misuse steps free into the cache under test.
 */
final class SlabState {

    /** The byte a contract constructor writes over the whole object: its "constructed state". */
    static final byte CONSTRUCTED = (byte) 0xc7;

    final Machine machine;
    final ContractPageSource source;
    final SlabCacheConfig config;
    final SlabCache sut;
    final Set<SlabCheck> checks;
    /** The bytes of an object the cache must keep apart from others: the object, rounded to 8, and its red zone. */
    final long extent;
    final LiveObjects live = new LiveObjects();
    final Map<String, Long> freed = new LinkedHashMap<>();
    /** Addresses the constructor set up since their slab came from the page source. */
    final TreeSet<Long> constructed = new TreeSet<>(Long::compareUnsigned);
    /** Freed objects a step wrote into after the free: address to offset written. */
    final Map<Long, Long> corrupted = new LinkedHashMap<>();
    /** What the constructor saw that it must not: reported by the next invariant check. */
    final List<String> constructorViolations = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** The other cache and one live object of it, for the wrong-cache free; null when it could not allocate. */
    SlabCache other;
    long otherObject;
    boolean destroyed;
    long constructorCalls;
    /** Successful allocations and frees so far: what the chain really exercised (vacuity check). */
    long exercised;
    private int nextId;

    SlabState(Machine machine, ContractPageSource source, SlabCacheConfig config, SlabCache sut, Set<SlabCheck> checks) {
        this.machine = machine;
        this.source = source;
        this.config = config;
        this.sut = sut;
        this.checks = checks;
        long body = (config.size() + 7) & -8L;
        this.extent = config.redZones() ? body + SlabFlags.RED_ZONE_SIZE : config.size();
    }

    boolean checks(SlabCheck check) {
        return checks.contains(check);
    }

    int newId() {
        return nextId++;
    }

    List<String> liveLabels() {
        return new ArrayList<>(live.keySet());
    }

    /**
     * Returns the label of a live object whose extent overlaps {@code [addr, addr + extent)}, or null.
     * Every live object takes {@code extent} bytes and no two overlap (an allocation that would is a
     * failure), so only the nearest live object at or below {@code addr} and the nearest above it can
     * overlap: two lookups in the address index instead of a walk over every live object, which made an
     * "allocate until NULL" step of 4096 objects quadratic.
     */
    String overlapping(long addr) {
        if (live.indexed()) {
            Map.Entry<Long, String> below = live.byAddress.floorEntry(addr);
            if (below != null && Long.compareUnsigned(addr, below.getKey() + extent) < 0) {
                return below.getValue();
            }
            Map.Entry<Long, String> above = live.byAddress.higherEntry(addr);
            return above != null && Long.compareUnsigned(above.getKey(), addr + extent) < 0 ? above.getValue() : null;
        }
        for (Map.Entry<String, Long> e : live.entrySet()) {
            long other = e.getValue();
            if (Long.compareUnsigned(addr, other + extent) < 0 && Long.compareUnsigned(other, addr + extent) < 0) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The pattern byte of a live object: never 0, the constructed byte or a poison or red-zone value. */
    static byte pattern(String label) {
        int h = label.hashCode() & 0x3f;
        return (byte) (0x10 + h);
    }

    /** Called by the contract's constructor (the page source tells us when slabs go back). */
    void constructorRan(long addr) {
        constructorCalls++;
        if (live.indexed() ? live.byAddress.containsKey(addr) : live.containsValue(addr)) {
            constructorViolations.add("the constructor ran on live object " + labelOf(addr) + " at " + hex(addr)
                    + ", overwriting its user's data");
        } else if (!constructed.add(addr)) {
            constructorViolations.add("the constructor ran a second time on the object at " + hex(addr) + " while"
                    + " its slab stayed with the cache (it must run once, when the object is first made)");
        }
        machine.memory().fill(machine.pa(addr), config.size(), CONSTRUCTED);
    }

    /** Called when the page source takes a block back: its objects are no longer constructed. */
    void slabReleased(long addr, int order) {
        long end = addr + (machine.pageSize() << order);
        constructed.subSet(addr, end).clear();
        corrupted.keySet().removeIf(a -> Long.compareUnsigned(a, addr) >= 0 && Long.compareUnsigned(a, end) < 0);
        freed.values().removeIf(a -> Long.compareUnsigned(a, addr) >= 0 && Long.compareUnsigned(a, end) < 0);
    }

    String labelOf(long addr) {
        if (live.indexed()) {
            return live.byAddress.getOrDefault(addr, hex(addr));
        }
        for (Map.Entry<String, Long> e : live.entrySet()) {
            if (e.getValue() == addr) {
                return e.getKey();
            }
        }
        return hex(addr);
    }

    /**
     * What must not change when a call fails or is refused: slabinfo and the pages held. Built field by
     * field: it is taken before every allocation, and a record's {@code toString} goes through
     * {@code String.format} on JDK 17 (a fifth of the slab contract's time, profiled).
     */
    String snapshot() {
        SlabInfo row = sut.slabinfo();
        if (row == null) {
            return "slabinfo null, " + source.outstandingPages() + " pages held";
        }
        return "slabinfo " + row.name() + ": " + row.activeObjects() + "/" + row.totalObjects() + " objects of "
                + row.objectSize() + " bytes, " + row.objectsPerSlab() + " per slab of " + row.pagesPerSlab()
                + " pages, " + row.activeSlabs() + "/" + row.totalSlabs() + " slabs; " + source.outstandingPages()
                + " pages held";
    }

    /**
     * The live objects by label, in allocation order, with an index by address (unsigned order) for the
     * overlap, constructor and label look-ups. Steps change it only through {@code put} and
     * {@code remove}; should two labels ever share an address, the index no longer has one entry per
     * object and the look-ups walk the map as before ({@link #indexed()}).
     */
    static final class LiveObjects extends LinkedHashMap<String, Long> {
        private static final long serialVersionUID = 1L;

        final TreeMap<Long, String> byAddress = new TreeMap<>(Long::compareUnsigned);

        @Override
        public Long put(String label, Long addr) {
            Long old = super.put(label, addr);
            if (old != null) {
                byAddress.remove(old, label);
            }
            byAddress.put(addr, label);
            return old;
        }

        @Override
        public Long remove(Object label) {
            Long old = super.remove(label);
            if (old != null) {
                byAddress.remove(old, label);
            }
            return old;
        }

        boolean indexed() {
            return byAddress.size() == size();
        }
    }

    static String hex(long addr) {
        return "0x" + Long.toHexString(addr);
    }

    /** A page source that tells the state when slabs go back, so it can forget their constructed objects. */
    static final class WatchedSource implements PageSource {
        private final ContractPageSource inner;
        SlabState state;

        WatchedSource(ContractPageSource inner) {
            this.inner = inner;
        }

        @Override
        public long getFreePages(int gfp, int order) {
            return inner.getFreePages(gfp, order);
        }

        @Override
        public void freePages(long addr, int order) {
            inner.freePages(addr, order);
            if (state != null) {
                state.slabReleased(addr, order);
            }
        }
    }
}
