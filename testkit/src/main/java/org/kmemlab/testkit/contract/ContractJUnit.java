package org.kmemlab.testkit.contract;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.kmemlab.api.Checks;
import org.kmemlab.testkit.report.FailurePage;
import org.kmemlab.testkit.property.Effort;

/**
 * The JUnit Jupiter glue of the contracts: one {@link DynamicTest} per {@link ContractProperty}.
 *
 * <p>Every test prints one line with the property's id and seed (so even a passing run can be
 * replayed), prints warnings, and fails with the property's full report. This class is the only place
 * in the testkit that prints; it runs inside JUnit, never inside the autograder's scoring.
 */
public final class ContractJUnit {

    private ContractJUnit() {
    }

    /**
     * Returns one dynamic test per property, each checked with {@code effort} and reporting to
     * {@code System.out}.
     */
    public static List<DynamicTest> dynamicTests(List<ContractProperty> properties, Effort effort) {
        return dynamicTests(properties, effort, System.out);
    }

    /** Returns one dynamic test per property, each checked with {@code effort} and reporting to {@code out}. */
    public static List<DynamicTest> dynamicTests(List<ContractProperty> properties, Effort effort, PrintStream out) {
        Checks.requireNonNull(properties, "properties");
        Checks.requireNonNull(effort, "effort");
        Checks.requireNonNull(out, "output");
        List<DynamicTest> tests = new ArrayList<>();
        for (ContractProperty property : properties) {
            tests.add(DynamicTest.dynamicTest(property.id() + ": " + property.title(), () -> {
                PropertyResult result = property.check(effort);
                out.println(Checks.format("[kmemlab] %s %s (seed %d, %d tries of up to %d steps)", property.id(),
                        result.passed() ? "passed" : "FAILED", result.seed(), result.triesRun(), effort.steps()));
                for (String warning : result.warnings()) {
                    out.println("[kmemlab]   warning: " + warning);
                }
                if (!result.passed()) {
                    Assertions.fail("\n" + result.report() + failurePage(result));
                }
            }));
        }
        return tests;
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
