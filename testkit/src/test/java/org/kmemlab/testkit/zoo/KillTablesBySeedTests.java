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
 * The zoo over many seeds (page, object, zone and slab-cache mutants): every mutant must be killed, with its
 * longest shrunk counterexample at most
 * {@value MutantZooTests#MAX_STEPS} steps, for every seed of {@code -Dkmemlab.zoo.seeds=FIRST..LAST}.
 * Without the option it checks the zoo's own fixed seeds, reading the run the other zoo tests share (so a
 * normal build pays nothing more). The kill table of testkit/README.md was printed by
 * <pre>
 * mvn -B -o -pl testkit -am verify -Dtest=KillTablesBySeedTests -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dkmemlab.zoo.seeds=1..20 -Dkmemlab.zoo.threads=4
 * </pre>
 * Page, object and slab-cache mutants run at the default effort (40 tries of up to 50 steps), zone mutants
 * at the zone zoo's (8 tries of up to 40 steps), each with the seed.
 */
class KillTablesBySeedTests {

    static final String SEEDS_PROPERTY = "kmemlab.zoo.seeds";
    /** How many seeds run side by side ({@code -Dkmemlab.zoo.threads}, default 1). */
    static final String THREADS_PROPERTY = "kmemlab.zoo.threads";

    @Test
    void everyMutantDiesShortlyUnderEverySeed() {
        String option = System.getProperty(SEEDS_PROPERTY);
        Map<String, Row> rows = new LinkedHashMap<>();
        if (option == null) {
            record(rows, "page", Zoo.pages());
            record(rows, "object", Zoo.objects());
            record(rows, "zone", Zoo.zones());
            record(rows, "slab", Zoo.slabCaches());
            check(rows, 1, "the zoo's fixed seeds");
            return;
        }
        long[] range = seeds(option);
        int threads = Integer.getInteger(THREADS_PROPERTY, 1);
        // Seeds are independent runs (a contract run is a pure function of provider and effort), so they
        // may run side by side; the zone zoo spends much of its time asleep in timed scenarios.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, threads));
        List<java.util.concurrent.Future<KillTable[]>> runs = new ArrayList<>();
        for (long seed = range[0]; seed <= range[1]; seed++) {
            long s = seed;
            runs.add(pool.submit(() -> {
                Effort effort = Effort.withDefaults(s);
                KillTable[] tables = {Zoo.pages(effort), Zoo.objects(effort),
                        Zoo.zones(new Effort(Zoo.ZONE_TRIES, Zoo.ZONE_STEPS, s)), Zoo.slabCaches(effort)};
                System.out.println("[kmemlab] zoo seed " + s + ": " + summary(tables));
                return tables;
            }));
        }
        pool.shutdown();
        for (java.util.concurrent.Future<KillTable[]> run : runs) {
            KillTable[] tables;
            try {
                tables = run.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the zoo ran", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a zoo run threw", e.getCause());
            }
            record(rows, "page", tables[0]);
            record(rows, "object", tables[1]);
            record(rows, "zone", tables[2]);
            record(rows, "slab", tables[3]);
        }
        check(rows, range[1] - range[0] + 1, "seeds " + range[0] + ".." + range[1]);
    }

    private static void check(Map<String, Row> rows, long seedCount, String which) {
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
        System.out.println("[kmemlab] kill table, " + which + ":\n" + table);
        assertEquals(List.of(), problems);
    }

    /** One line per seed: per zoo, mutants killed of all, the longest counterexample, and who survived. */
    private static String summary(KillTable[] tables) {
        StringBuilder out = new StringBuilder();
        String[] names = {"page", "object", "zone", "slab"};
        for (int t = 0; t < tables.length; t++) {
            int killed = 0;
            int longest = 0;
            List<String> survivors = new ArrayList<>();
            for (String mutant : tables[t].mutants()) {
                if (tables[t].rulesCited(mutant).isEmpty()) {
                    survivors.add(mutant);
                } else {
                    killed++;
                }
                longest = Math.max(longest, tables[t].longest(mutant));
            }
            out.append(t == 0 ? "" : "; ").append(names[t]).append(' ').append(killed).append('/')
                    .append(tables[t].mutants().size()).append(" killed, longest ").append(longest)
                    .append(survivors.isEmpty() ? "" : ", survived " + survivors);
        }
        return out.toString();
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
