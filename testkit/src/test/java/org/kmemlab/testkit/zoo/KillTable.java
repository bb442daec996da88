package org.kmemlab.testkit.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * Runs every property of a contract against every mutant and keeps the results: which property killed
 * which mutant, and how long the shrunk counterexample was.
 */
final class KillTable {

    private final List<String> propertyIds = new ArrayList<>();
    private final Map<String, Map<String, PropertyResult>> results = new LinkedHashMap<>();

    /** Checks {@code properties} (all for mutant {@code mutant}) with {@code effort}. */
    void run(String mutant, List<ContractProperty> properties, Effort effort) {
        Map<String, PropertyResult> row = new LinkedHashMap<>();
        for (ContractProperty property : properties) {
            if (!propertyIds.contains(property.id())) {
                propertyIds.add(property.id());
            }
            row.put(property.id(), property.check(effort));
        }
        results.put(mutant, row);
    }

    /**
     * Checks several mutants side by side on {@code threads} threads, each mutant's properties in order on
     * one thread, and records the rows in the order of {@code rows}, as {@link #run} one after the other
     * would. For zoos whose mutants mostly wait (a zone mutant that never wakes a waiter costs a
     * property's whole patience, several seconds, at every shrinking step) rather than compute.
     */
    void runSideBySide(Map<String, List<ContractProperty>> rows, Effort effort, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Map<String, Future<Map<String, PropertyResult>>> pending = new LinkedHashMap<>();
            rows.forEach((mutant, properties) -> pending.put(mutant, pool.submit(() -> {
                Map<String, PropertyResult> row = new LinkedHashMap<>();
                for (ContractProperty property : properties) {
                    row.put(property.id(), property.check(effort));
                }
                return row;
            })));
            for (Map.Entry<String, Future<Map<String, PropertyResult>>> e : pending.entrySet()) {
                for (ContractProperty property : rows.get(e.getKey())) {
                    if (!propertyIds.contains(property.id())) {
                        propertyIds.add(property.id());
                    }
                }
                results.put(e.getKey(), e.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the zoo ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a mutant's contract run threw", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Returns the mutants no property killed. */
    List<String> survivors() {
        List<String> survivors = new ArrayList<>();
        results.forEach((mutant, row) -> {
            if (row.values().stream().allMatch(PropertyResult::passed)) {
                survivors.add(mutant);
            }
        });
        return survivors;
    }

    /** Returns every failed result whose shrunk chain has more than {@code maxSteps} steps. */
    List<PropertyResult> longReports(int maxSteps) {
        List<PropertyResult> longOnes = new ArrayList<>();
        for (Map<String, PropertyResult> row : results.values()) {
            for (PropertyResult r : row.values()) {
                if (!r.passed() && r.steps().size() > maxSteps) {
                    longOnes.add(r);
                }
            }
        }
        return longOnes;
    }

    /** Returns the mutants, in the order they were run. */
    List<String> mutants() {
        return new ArrayList<>(results.keySet());
    }

    /** Returns the rules the failed properties of {@code mutant} cite, sorted ("" for a failure citing none). */
    java.util.SortedSet<String> rulesCited(String mutant) {
        java.util.SortedSet<String> rules = new java.util.TreeSet<>();
        for (PropertyResult r : results.get(mutant).values()) {
            if (!r.passed()) {
                rules.add(r.rule());
            }
        }
        return rules;
    }

    /** Returns the length of the longest shrunk counterexample of {@code mutant}'s failures (0 for none). */
    int longest(String mutant) {
        int longest = 0;
        for (PropertyResult r : results.get(mutant).values()) {
            if (!r.passed()) {
                longest = Math.max(longest, r.steps().size());
            }
        }
        return longest;
    }

    /** Returns the shortest failure report of {@code mutant}, or an empty string when it survived. */
    String shortestReport(String mutant) {
        PropertyResult best = null;
        for (PropertyResult r : results.get(mutant).values()) {
            if (!r.passed() && (best == null || r.steps().size() < best.steps().size())) {
                best = r;
            }
        }
        return best == null ? "" : best.report();
    }

    /** Returns every mutant's shortest report, each under a line naming the mutant. */
    String shortestReports() {
        StringBuilder out = new StringBuilder();
        for (String mutant : results.keySet()) {
            out.append("---- ").append(mutant).append(", shortest report:\n").append(shortestReport(mutant));
        }
        return out.toString();
    }

    /** Returns the results of one mutant. */
    Map<String, PropertyResult> row(String mutant) {
        return results.get(mutant);
    }

    /**
     * Formats the table: one row per mutant, one column per property; a cell holds the length of the
     * shrunk counterexample when the property killed the mutant, {@code .} when it did not.
     */
    String format() {
        int longest = 6;
        for (String mutant : results.keySet()) {
            longest = Math.max(longest, mutant.length());
        }
        String name = "%-" + longest + "s";
        StringBuilder out = new StringBuilder();
        out.append(String.format(name, "mutant"));
        for (int i = 0; i < propertyIds.size(); i++) {
            out.append(String.format(" %3s", "P" + (i + 1)));
        }
        out.append("  killed by; rules the failures cite\n");
        results.forEach((mutant, row) -> {
            out.append(String.format(name, mutant));
            int kills = 0;
            for (String id : propertyIds) {
                PropertyResult r = row.get(id);
                boolean killed = r != null && !r.passed();
                kills += killed ? 1 : 0;
                out.append(String.format(" %3s", killed ? Integer.toString(r.steps().size()) : "."));
            }
            out.append("  ").append(kills).append(kills == 1 ? " property" : " properties");
            out.append("; rules ").append(String.join(", ", rulesCited(mutant))).append('\n');
        });
        for (int i = 0; i < propertyIds.size(); i++) {
            out.append(String.format("P%-3d %s%n", i + 1, propertyIds.get(i)));
        }
        out.append("(a number is the length of the shrunk counterexample; . means the property passed)\n");
        return out.toString();
    }
}
