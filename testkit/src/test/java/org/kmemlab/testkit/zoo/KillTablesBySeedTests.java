package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.property.Effort;

/**
 * The zoo over many seeds: every mutant must be killed, with its longest shrunk counterexample at most
 * {@value MutantZooTests#MAX_STEPS} steps, for every seed of {@code -Dkmemlab.zoo.seeds=FIRST..LAST}
 * (default {@code 1..2}, to keep the build short). The kill table of testkit/README.md was printed by
 * <pre>
 * mvn -B -o -pl testkit -am verify -Dtest=KillTablesBySeedTests -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dkmemlab.zoo.seeds=1..20
 * </pre>
 * Page and object mutants run at the default effort (40 tries of up to 50 steps), zone mutants at the zone
 * zoo's (8 tries of up to 40 steps), each with the seed.
 */
class KillTablesBySeedTests {

    static final String SEEDS_PROPERTY = "kmemlab.zoo.seeds";

    @Test
    void everyMutantDiesShortlyUnderEverySeed() {
        long[] range = seeds(System.getProperty(SEEDS_PROPERTY, "1..2"));
        Map<String, Row> rows = new LinkedHashMap<>();
        for (long seed = range[0]; seed <= range[1]; seed++) {
            Effort effort = Effort.withDefaults(seed);
            record(rows, "page", Zoo.pages(effort));
            record(rows, "object", Zoo.objects(effort));
            record(rows, "zone", Zoo.zones(new Effort(Zoo.ZONE_TRIES, Zoo.ZONE_STEPS, seed)));
            System.out.println("[kmemlab] zoo seed " + seed + " done");
        }
        long seedCount = range[1] - range[0] + 1;
        StringBuilder table = new StringBuilder("| SPI | mutant | seeds killed | longest shrunk counterexample |"
                + " rules its failures cite |\n|---|---|---|---|---|\n");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            table.append("| ").append(r.spi).append(" | ").append(e.getKey().substring(e.getKey().indexOf(':') + 1))
                    .append(" | ").append(r.killed).append('/').append(seedCount).append(" | ").append(r.longest)
                    .append(" | ").append(String.join(", ", r.rules)).append(" |\n");
            if (r.killed != seedCount) {
                problems.add(e.getKey() + " survived " + (seedCount - r.killed) + " seeds: " + r.survivedSeeds);
            }
            if (r.longest > MutantZooTests.MAX_STEPS) {
                problems.add(e.getKey() + " has a counterexample of " + r.longest + " steps");
            }
        }
        System.out.println("[kmemlab] kill table, seeds " + range[0] + ".." + range[1] + ":\n" + table);
        assertEquals(List.of(), problems);
    }

    private static void record(Map<String, Row> rows, String spi, KillTable table) {
        for (String mutant : table.mutants()) {
            Row row = rows.computeIfAbsent(spi + ":" + mutant, k -> new Row(spi));
            SortedSet<String> cited = table.rulesCited(mutant);
            if (cited.isEmpty()) {
                row.survivedSeeds.add(table.row(mutant).values().iterator().next().seed());
            } else {
                row.killed++;
                row.rules.addAll(cited);
            }
            row.longest = Math.max(row.longest, table.longest(mutant));
        }
    }

    private static long[] seeds(String text) {
        String[] parts = text.trim().split("\\.\\.");
        try {
            long first = Long.parseLong(parts[0].trim());
            long last = parts.length > 1 ? Long.parseLong(parts[1].trim()) : first;
            if (parts.length > 2 || last < first) {
                throw new NumberFormatException(text);
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEEDS_PROPERTY + "=" + text + " must be a seed or a range"
                    + " FIRST..LAST, e.g. 1..20", e);
        }
    }

    /** One mutant over all seeds. */
    private static final class Row {
        final String spi;
        final SortedSet<String> rules = new TreeSet<>();
        final List<Long> survivedSeeds = new ArrayList<>();
        long killed;
        int longest;

        Row(String spi) {
            this.spi = spi;
        }
    }
}
