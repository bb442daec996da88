package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.property.Effort;

/**
 * The zone contract's own test: every mutant of the {@link AlternateZoneAllocator} (one planted bug
 * each) must fail at least one property, with a counterexample shrunk to at most {@value #MAX_STEPS}
 * steps, while the correct alternate passes them all (see {@link AlternateZoneAllocatorContractTests}).
 * Prints the kill table and each mutant's shortest report.
 *
 * <p>{@code zone.concurrent} is left out: whether a race shows in a few thousand calls is up to the
 * scheduler, so an allocator without a lock is not a mutant a build can promise to kill every time (on a
 * loaded two-core machine it survived one run in three). The property still runs against every real
 * implementation.
 */
class ZoneMutantZooTests {

    /** The longest counterexample a mutant may be reported with. */
    static final int MAX_STEPS = 8;
    /** A smaller effort than a student's run: the zoo checks 16 mutants against 12 properties. */
    static final int TRIES = 8;
    static final int STEPS = 40;
    /** The zoo's fixed seed, so the table is the same on every build; -Dkmemlab.seed explores others. */
    static final long SEED = 1996;
    /** The property whose outcome depends on the scheduler (see the class comment). */
    static final String RACY = "zone.concurrent";

    @Test
    void everyMutantIsKilledWithAShortReport() {
        long seed = Effort.seedGiven(System.getProperties()) ? Effort.fromSystemProperties().seed() : SEED;
        Effort effort = new Effort(TRIES, STEPS, seed);
        Map<AlternateZoneAllocator.Flaw, List<PropertyResult>> kills = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (AlternateZoneAllocator.Flaw flaw : AlternateZoneAllocator.Flaw.values()) {
            if (flaw == AlternateZoneAllocator.Flaw.NONE) {
                continue;
            }
            List<ContractProperty> properties = ZoneAllocatorContract.properties(AlternateZoneAllocator.provider(flaw),
                    SimplePageAllocator.provider(), "mvn test -Dtest=ZoneMutantZooTests");
            List<PropertyResult> failed = new ArrayList<>();
            ids.clear();
            for (ContractProperty p : properties) {
                if (p.id().equals(RACY)) {
                    continue;
                }
                ids.add(p.id());
                PropertyResult result = p.check(effort);
                if (!result.passed()) {
                    failed.add(result);
                }
            }
            kills.put(flaw, failed);
        }
        System.out.println(table(kills, ids, effort));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<AlternateZoneAllocator.Flaw, List<PropertyResult>> e : kills.entrySet()) {
            if (e.getValue().isEmpty()) {
                problems.add(e.getKey() + " survived");
                continue;
            }
            PropertyResult shortest = shortest(e.getValue());
            System.out.println("---- " + e.getKey() + ", shortest report:\n" + shortest.report());
            if (shortest.steps().size() > MAX_STEPS) {
                problems.add(e.getKey() + " was reported with " + shortest.steps().size() + " steps");
            }
        }
        assertEquals(List.of(), problems, "seed " + seed);
        assertTrue(kills.size() >= 10, "the zoo needs at least 10 mutants, has " + kills.size());
    }

    private static PropertyResult shortest(List<PropertyResult> results) {
        PropertyResult best = results.get(0);
        for (PropertyResult r : results) {
            if (r.steps().size() < best.steps().size()) {
                best = r;
            }
        }
        return best;
    }

    /** One row per mutant: which properties killed it and with how many steps ('.' = survived it). */
    private static String table(Map<AlternateZoneAllocator.Flaw, List<PropertyResult>> kills, List<String> ids,
                                Effort effort) {
        StringBuilder out = new StringBuilder("Zone mutant zoo, " + effort + "; a number is the length of the"
                + " shrunk counterexample, '.' means the property passed\n");
        out.append(String.format(Locale.ROOT, "%-28s", "mutant"));
        for (String id : ids) {
            out.append(String.format(Locale.ROOT, " %s", column(id)));
        }
        out.append('\n');
        for (Map.Entry<AlternateZoneAllocator.Flaw, List<PropertyResult>> e : kills.entrySet()) {
            out.append(String.format(Locale.ROOT, "%-28s", e.getKey().name().toLowerCase(Locale.ROOT)));
            for (String id : ids) {
                String cell = ".";
                for (PropertyResult r : e.getValue()) {
                    if (r.id().equals(id)) {
                        cell = String.valueOf(r.steps().size());
                    }
                }
                out.append(String.format(Locale.ROOT, " %" + column(id).length() + "s", cell));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String column(String id) {
        return id.substring("zone.".length());
    }
}
