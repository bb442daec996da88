package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * The contracts' own test: every mutant in the zoo must be killed by at least one property, with a
 * counterexample shrunk to at most {@value #MAX_STEPS} steps. A surviving mutant fails the build; the
 * kill table is printed either way.
 *
 * <p>The zoo runs with the default effort and a fixed seed, so the build is deterministic; pass
 * {@code -Dkmemlab.seed=…} to try another seed (the contracts must kill every mutant with any seed).
 */
class MutantZooTests {

    /** The longest shrunk counterexample a mutant may produce. */
    static final int MAX_STEPS = 8;

    @Test
    void pageContractKillsEveryBuddyMutant() {
        KillTable table = Zoo.pages();
        System.out.println("[kmemlab] page-allocator mutant zoo, " + Zoo.effort() + ":\n" + table.format()
                + table.shortestReports());
        assertTrue(table.mutants().size() >= 10, "the zoo needs at least 10 page-allocator mutants");
        assertEquals(List.of(), table.survivors(), "mutants no page-contract property killed");
        List<PropertyResult> longOnes = table.longReports(MAX_STEPS);
        assertEquals(List.of(), longOnes.stream().map(r -> r.subject() + " " + r.id() + ":\n" + r.report())
                .collect(Collectors.toList()), "counterexamples longer than " + MAX_STEPS + " steps");
    }

    @Test
    void slabCacheContractKillsEveryKmemCacheMutant() {
        Effort effort = Zoo.effort();
        KillTable table = Zoo.slabCaches();
        List<String> mutants = table.mutants();
        System.out.println("[kmemlab] slab-cache mutant zoo, " + effort + ":\n" + table.format());
        assertTrue(mutants.size() >= 10, "the zoo needs at least 10 slab-cache mutants");
        assertEquals(List.of(), table.survivors(), "mutants no slab-contract property killed");
        List<PropertyResult> longOnes = table.longReports(MAX_STEPS);
        assertEquals(List.of(), longOnes.stream().map(r -> r.subject() + " " + r.id() + ":\n" + r.report())
                .collect(Collectors.toList()), "counterexamples longer than " + MAX_STEPS + " steps");
    }

    @Test
    void objectContractKillsEverySlabMutant() {
        KillTable table = Zoo.objects();
        System.out.println("[kmemlab] object-allocator mutant zoo, " + Zoo.effort() + ":\n" + table.format()
                + table.shortestReports());
        assertTrue(table.mutants().size() >= 10, "the zoo needs at least 10 object-allocator mutants");
        assertEquals(List.of(), table.survivors(), "mutants no object-contract property killed");
        List<PropertyResult> longOnes = table.longReports(MAX_STEPS);
        assertEquals(List.of(), longOnes.stream().map(r -> r.subject() + " " + r.id() + ":\n" + r.report())
                .collect(Collectors.toList()), "counterexamples longer than " + MAX_STEPS + " steps");
    }
}
