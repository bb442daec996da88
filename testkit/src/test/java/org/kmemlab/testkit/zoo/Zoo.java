package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.property.Effort;

/**
 * The zoo's kill tables, computed once per test JVM and effort: {@code MutantZooTests},
 * {@code ZoneMutantZooTests} and {@code RuleTableTests} read the same run instead of running the
 * contracts three times.
 */
final class Zoo {

    /** The seed the page and object zoos run with unless {@code -Dkmemlab.seed} says otherwise. */
    static final long SEED = 20_26_11_25L;
    /** The zone zoo's fixed seed, effort and the property it leaves out (its outcome depends on the scheduler). */
    static final long ZONE_SEED = 1996;
    static final int ZONE_TRIES = 8;
    static final int ZONE_STEPS = 40;
    static final String RACY = "zone.concurrent";
    /** How many zone mutants run side by side (see {@link #zones(Effort)}). */
    static final int ZONE_THREADS = 4;

    private static KillTable pages;
    private static KillTable objects;
    private static KillTable zones;
    private static KillTable slabCaches;
    private static Effort pagesEffort;
    private static Effort zonesEffort;

    private Zoo() {
    }

    /** The effort of the page and object zoos: -Dkmemlab.* or the defaults with {@link #SEED}. */
    static Effort effort() {
        return Effort.fromProperties(System.getProperties(), SEED);
    }

    /** The effort of the zone zoo: 8 tries of 40 steps, seed 1996 unless -Dkmemlab.seed. */
    static Effort zoneEffort() {
        long seed = Effort.seedGiven(System.getProperties()) ? Effort.fromSystemProperties().seed() : ZONE_SEED;
        return new Effort(ZONE_TRIES, ZONE_STEPS, seed);
    }

    static synchronized KillTable pages() {
        Effort effort = effort();
        if (pages == null || !effort.equals(pagesEffort)) {
            pagesEffort = effort;
            objects = null;
            slabCaches = null;
            pages = pages(effort);
        }
        return pages;
    }

    static synchronized KillTable objects() {
        pages();
        if (objects == null) {
            objects = objects(pagesEffort);
        }
        return objects;
    }

    static synchronized KillTable zones() {
        Effort effort = zoneEffort();
        if (zones == null || !effort.equals(zonesEffort)) {
            zonesEffort = effort;
            zones = zones(effort);
        }
        return zones;
    }

    /** The slab-cache zoo ({@link AlternateSlabCache} flaws) at the zoo's effort, run once per effort. */
    static synchronized KillTable slabCaches() {
        pages();
        if (slabCaches == null) {
            slabCaches = slabCaches(pagesEffort);
        }
        return slabCaches;
    }

    /** Runs the slab-cache zoo with {@code effort} (no memo). */
    static KillTable slabCaches(Effort effort) {
        KillTable table = new KillTable();
        for (org.kmemlab.api.spi.SlabCacheProvider mutant : AlternateSlabCache.mutants()) {
            table.run(mutant.name(), org.kmemlab.testkit.contract.SlabCacheContract.properties(mutant,
                    "mvn test -Dtest=MutantZooTests"), effort);
        }
        return table;
    }

    /** Runs the page zoo with {@code effort} (no memo). */
    static KillTable pages(Effort effort) {
        KillTable table = new KillTable();
        for (ZooPageProvider mutant : BuddyMutants.all()) {
            table.run(mutant.name(), PageAllocatorContract.properties(mutant, "mvn test -Dtest=MutantZooTests"),
                    effort);
        }
        return table;
    }

    /** Runs the object zoo with {@code effort} (no memo). */
    static KillTable objects(Effort effort) {
        KillTable table = new KillTable();
        for (ZooObjectProvider mutant : SlabMutants.all()) {
            table.run(mutant.name(), ObjectAllocatorContract.properties(mutant, "mvn test -Dtest=MutantZooTests"),
                    effort);
        }
        return table;
    }

    /**
     * Runs the zone zoo with {@code effort} (no memo), {@value #RACY} left out, {@value #ZONE_THREADS}
     * mutants side by side. Most of the zone zoo's time is waiting: a mutant that never wakes a waiter
     * costs the property's whole patience at every shrinking step (75 of the zoo's 80 s when the mutants
     * ran one after the other), so the waits may overlap. Each mutant's properties still run one after the
     * other, and every timed judgement of the zone contract is made on the fastest of its attempts, so a
     * neighbour's work does not decide a verdict: the kill table is the same as a sequential run's.
     */
    static KillTable zones(Effort effort) {
        Map<String, List<ContractProperty>> rows = new LinkedHashMap<>();
        for (AlternateZoneAllocator.Flaw flaw : AlternateZoneAllocator.Flaw.values()) {
            if (flaw == AlternateZoneAllocator.Flaw.NONE) {
                continue;
            }
            List<ContractProperty> properties = new ArrayList<>();
            for (ContractProperty p : ZoneAllocatorContract.properties(AlternateZoneAllocator.provider(flaw),
                    SimplePageAllocator.provider(), "mvn test -Dtest=ZoneMutantZooTests")) {
                if (!p.id().equals(RACY)) {
                    properties.add(p);
                }
            }
            rows.put(name(flaw), properties);
        }
        KillTable table = new KillTable();
        table.runSideBySide(rows, effort, ZONE_THREADS);
        return table;
    }

    /** The mutant name of a zone flaw: {@code dma-from-any-zone}. */
    static String name(AlternateZoneAllocator.Flaw flaw) {
        return flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
