package org.kmemlab.testkit.contract.zone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.ZoneAllocator;
import org.kmemlab.api.stats.ZoneStats;

/**
 * One chain's world: the booted machine, the zone allocator under test, the page allocators it created,
 * the model, the zoneinfo right after boot, and the labels of freed blocks (for double frees).
 */
final class ZoneState {

    final Geometry geometry;
    final Machine machine;
    final Duration maxWait;
    final TrackingPageAllocators pages;
    final ZoneAllocator sut;
    final ZoneModel model;
    final List<ZoneStats> initial;
    /** The stubborn shrinker of the noretry scenario, once registered. */
    ReclaimActions.StubbornShrinker stubborn;
    /** The cache shrinker after unregisterShrinker(), for the unregister scenario. */
    ReclaimActions.CacheShrinker unregistered;
    final List<ZoneModel.Block> freed = new ArrayList<>();
    /** Failures without __GFP_NOWARN so far; only the first must be logged (reports are rate-limited). */
    int unwarnedFailures;
    /** How many steps the chain's generator has produced. */
    int generated;
    /** The cache shrinker a scenario registered, or null. */
    ReclaimActions.CacheShrinker shrinker;
    private int nextLabel;
    /** How many 64 KiB chunks of memory a chain's patterns may back: 4 MiB. */
    static final int PATTERN_CHUNKS = 64;
    /** The chunks patterns have backed so far. */
    private final BitSet patternChunks = new BitSet();
    private int patternChunksLeft = PATTERN_CHUNKS;
    /** The live blocks that carry a pattern. */
    private final Set<ZoneModel.Block> patterned = new HashSet<>();

    ZoneState(Geometry geometry, Machine machine, Duration maxWait, TrackingPageAllocators pages, ZoneAllocator sut,
              ZoneModel model, List<ZoneStats> initial) {
        this.geometry = geometry;
        this.machine = machine;
        this.maxWait = maxWait;
        this.pages = pages;
        this.sut = sut;
        this.model = model;
        this.initial = List.copyOf(initial);
    }

    /** Returns a fresh label for a block: p0, p1, … */
    String newLabel() {
        return "p" + nextLabel++;
    }

    /** Returns the highest order the machine's era serves. */
    int maxOrder() {
        return machine.profile().era().maxOrder();
    }

    /** Returns the initial zoneinfo record of the zone at {@code index}. */
    ZoneStats initial(int index) {
        return initial.get(index);
    }

    /**
     * Returns, for each zone, the highest order of which the zone's page allocators hold a free block
     * now, or -1 when they hold none.
     */
    int[] largestFreeOrders() {
        int[] largest = new int[model.zones().size()];
        Arrays.fill(largest, -1);
        List<PageAllocator> allocators = pages.allocators();
        List<PageAllocatorConfig> configs = pages.configs();
        for (int i = 0; i < allocators.size(); i++) {
            int zone = model.indexOf(machine.zoneOf(configs.get(i).startPfn()));
            PageAllocator a = allocators.get(i);
            for (int k = a.maxOrder(); k > largest[zone]; k--) {
                if (a.freeBlocks(k) > 0) {
                    largest[zone] = k;
                    break;
                }
            }
        }
        return largest;
    }

    /**
     * Writes the pattern of {@code block} into its first and last eight bytes, when that costs little.
     *
     * <p>Memory is backed lazily, 64 KiB at a time ({@link PhysicalMemory#CHUNK_SIZE}), so a pattern in
     * every block of a drain would back the whole machine: 256 MiB of fresh Java arrays per try on the
     * 256 MiB machine, which was two thirds of the zone contract's time. A chain therefore backs at most
     * {@link #PATTERN_CHUNKS} chunks with patterns; once they are spent, a block gets a pattern only when
     * both its ends lie in chunks already backed. The chunks spent first are those of the first blocks,
     * and random chains reuse freed blocks, so most blocks still carry one; a drain's tail does not.
     */
    void writePattern(ZoneModel.Block block) {
        long first = machine.pfnToPhys(block.pfn());
        long last = machine.pfnToPhys(block.endPfn()) - 8;
        int firstChunk = (int) (first >>> PhysicalMemory.CHUNK_SHIFT);
        int lastChunk = (int) (last >>> PhysicalMemory.CHUNK_SHIFT);
        int fresh = (patternChunks.get(firstChunk) ? 0 : 1) + (patternChunks.get(lastChunk) ? 0 : 1);
        if (firstChunk == lastChunk && fresh > 0) {
            fresh = 1;
        }
        if (fresh > patternChunksLeft) {
            return;
        }
        patternChunksLeft -= fresh;
        patternChunks.set(firstChunk);
        patternChunks.set(lastChunk);
        long pattern = pattern(block);
        machine.memory().writeLong(first, pattern);
        machine.memory().writeLong(last, ~pattern);
        patterned.add(block);
    }

    /**
     * Returns a description of how the block's pattern was damaged, or null when it is intact or has
     * none; the block is about to be freed, so its pattern is forgotten.
     */
    String damagedPattern(ZoneModel.Block block) {
        if (!patterned.remove(block)) {
            return null;
        }
        long pattern = pattern(block);
        long first = machine.memory().readLong(machine.pfnToPhys(block.pfn()));
        long last = machine.memory().readLong(machine.pfnToPhys(block.endPfn()) - 8);
        if (first != pattern) {
            return Checks.format("first 8 bytes read 0x%016x instead of 0x%016x", first, pattern);
        }
        if (last != ~pattern) {
            return Checks.format("last 8 bytes read 0x%016x instead of 0x%016x", last, ~pattern);
        }
        return null;
    }

    private static long pattern(ZoneModel.Block block) {
        return 0x6b6b_0000_0000_0000L ^ (block.pfn() * 0x9E37_79B9_7F4A_7C15L) ^ block.order();
    }
}
