package org.kmemlab.testkit.contract;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.kmemlab.api.Checks;
import org.kmemlab.testkit.report.FailurePage;
import org.kmemlab.testkit.property.Effort;

/**
 * The JUnit Jupiter glue of the contracts: one {@link DynamicTest} per {@link ContractProperty}, whose
 * display name is the property's id ({@code page.accounting}).
 *
 * <p>Every test prints one line with the property's id, seed and the operations it exercised (so even a
 * passing run can be replayed), and its warnings. A failing test prints its report once, as the message
 * of its assertion failure; nothing else repeats it. {@code -Dkmemlab.property=ID} runs just the property
 * {@code ID} (the printed replay command uses it). This class is the only place in the testkit that
 * prints; it runs inside JUnit, never inside the autograder's scoring.
 */
public final class ContractJUnit {

    /** The system property that selects one property by id: {@code -Dkmemlab.property=page.accounting}. */
    public static final String PROPERTY_PROPERTY = "kmemlab.property";

    private ContractJUnit() {
    }

    /**
     * Returns one dynamic test per property (or just the one {@code -Dkmemlab.property} names), each
     * checked with {@code effort} and reporting to {@code System.out}.
     */
    public static List<DynamicTest> dynamicTests(List<ContractProperty> properties, Effort effort) {
        return dynamicTests(selected(properties, System.getProperties()), effort, System.out);
    }

    /** Returns one dynamic test per property, each checked with {@code effort} and reporting to {@code out}. */
    public static List<DynamicTest> dynamicTests(List<ContractProperty> properties, Effort effort, PrintStream out) {
        Checks.requireNonNull(properties, "properties");
        Checks.requireNonNull(effort, "effort");
        Checks.requireNonNull(out, "output");
        List<DynamicTest> tests = new ArrayList<>();
        for (ContractProperty property : properties) {
            tests.add(DynamicTest.dynamicTest(property.id(), () -> {
                PropertyResult result = property.check(effort);
                out.println(Checks.format("[kmemlab] %s %s (seed %d, %d tries of up to %d steps%s)", property.id(),
                        result.passed() ? "passed" : "FAILED", result.seed(), result.triesRun(), effort.steps(),
                        result.operations() >= 0 ? ", " + result.operations() + " operations" : ""));
                if (result.passed()) {
                    for (String warning : result.warnings()) {
                        out.println("[kmemlab]   warning: " + warning);
                    }
                } else {
                    Assertions.fail("\n" + result.report() + failurePage(result));
                }
            }));
        }
        return tests;
    }

    /**
     * Returns the properties {@code -Dkmemlab.property} selects from {@code properties}: all of them when
     * the property is not set; the one with that id; none when the id belongs to another contract (its
     * prefix, {@code page.} or {@code zone.}, is not this contract's), so that a whole test run with the
     * option runs one property in all.
     *
     * @throws IllegalArgumentException when the id has this contract's prefix but names no property,
     *                                  listing the ids there are
     */
    public static List<ContractProperty> selected(List<ContractProperty> properties, Properties system) {
        Checks.requireNonNull(properties, "properties");
        String wanted = system.getProperty(PROPERTY_PROPERTY);
        if (wanted == null || wanted.isBlank()) {
            return properties;
        }
        String id = wanted.trim();
        List<String> ids = new ArrayList<>();
        for (ContractProperty property : properties) {
            if (property.id().equals(id)) {
                return List.of(property);
            }
            ids.add(property.id());
        }
        String prefix = id.contains(".") ? id.substring(0, id.indexOf('.') + 1) : id;
        for (String other : ids) {
            if (other.startsWith(prefix)) {
                throw new IllegalArgumentException("-D" + PROPERTY_PROPERTY + "=" + id + " names no property of this"
                        + " contract; its properties are " + String.join(", ", ids));
            }
        }
        return List.of();
    }

    /**
     * Writes the failing property's page ({@link FailurePage}) and returns the report's line naming it;
     * when it cannot be written, a line saying why (the failure itself is reported either way).
     */
    static String failurePage(PropertyResult result) {
        try {
            return "\nfailure page (the counterexample step by step, your allocator beside the model): "
                    + FailurePage.write(result).toAbsolutePath() + "\n";
        } catch (java.io.IOException | RuntimeException e) {
            return "\nno failure page: " + e + "\n";
        }
    }
}
