package org.kmemlab.testkit.contract.zone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Machine;
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
    ScenarioActions.StubbornShrinker stubborn;
    /** The cache shrinker after unregisterShrinker(), for the unregister scenario. */
    ScenarioActions.CacheShrinker unregistered;
    final List<ZoneModel.Block> freed = new ArrayList<>();
    /** Failures without __GFP_NOWARN so far; only the first must be logged (reports are rate-limited). */
    int unwarnedFailures;
    /** How many steps the chain's generator has produced. */
    int generated;
    /** The cache shrinker a scenario registered, or null. */
    ScenarioActions.CacheShrinker shrinker;
    private int nextLabel;

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

    /** Writes the pattern of {@code block} into its first and last eight bytes. */
    void writePattern(ZoneModel.Block block) {
        if (!geometry.smallEnoughForPatterns()) {
            return;
        }
        long pattern = pattern(block);
        machine.memory().writeLong(machine.pfnToPhys(block.pfn()), pattern);
        machine.memory().writeLong(machine.pfnToPhys(block.endPfn()) - 8, ~pattern);
    }

    /** Returns a description of how the block's pattern was damaged, or null when it is intact. */
    String damagedPattern(ZoneModel.Block block) {
        if (!geometry.smallEnoughForPatterns()) {
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
