package org.kmemlab.testkit.property;

import org.kmemlab.api.Checks;

/**
 * Thrown by an {@link Action} or by {@link StateMachine#checkInvariants} when the system under test does
 * not behave as the model says: the one way a property fails.
 *
 * <p>The three parts are what a student reads: the broken invariant in plain words
 * ({@code block at pfn 8 order 1 overlaps live block at pfn 9 order 0}), what the model expected
 * ({@code no live block shares a frame with another}) and what the implementation did
 * ({@code allocate(order 0) returned pfn 9}).
 *
 * <p>A contract's violation also cites the rule it enforces: the rule's id ({@code page.aligned}) and the
 * SPI sentence it comes from, so that a report names what broke in the SPI's own words. The engine
 * itself knows no rules; {@link #rule()} is empty for a violation that cites none.
 */
public final class InvariantViolation extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String invariant;
    private final String expected;
    private final String actual;
    private final String rule;
    private final String ruleSentence;

    /**
     * Creates a violation.
     *
     * @param invariant the broken invariant, in plain words
     * @param expected what the model expected
     * @param actual what the system under test did
     */
    public InvariantViolation(String invariant, String expected, String actual) {
        this(invariant, expected, actual, null);
    }

    /**
     * Creates a violation caused by an exception of the system under test.
     *
     * @param invariant the broken invariant, in plain words
     * @param expected what the model expected
     * @param actual what the system under test did
     * @param cause the exception the system under test threw, or {@code null}
     */
    public InvariantViolation(String invariant, String expected, String actual, Throwable cause) {
        this("", "", invariant, expected, actual, cause);
    }

    /**
     * Creates a violation that cites the rule it enforces.
     *
     * @param rule the rule's stable id, e.g. {@code page.aligned}; empty for none
     * @param ruleSentence the sentence of the SPI the rule comes from; empty for none
     * @param invariant the broken invariant, in plain words
     * @param expected what the model expected
     * @param actual what the system under test did
     * @param cause the exception the system under test threw, or {@code null}
     */
    public InvariantViolation(String rule, String ruleSentence, String invariant, String expected, String actual,
                              Throwable cause) {
        super(Checks.requireNonNull(invariant, "invariant") + " (expected: " + expected + "; actual: " + actual + ")",
                cause);
        this.invariant = invariant;
        this.expected = Checks.requireNonNull(expected, "expected");
        this.actual = Checks.requireNonNull(actual, "actual");
        this.rule = Checks.requireNonNull(rule, "rule");
        this.ruleSentence = Checks.requireNonNull(ruleSentence, "rule sentence");
    }

    /** Returns the id of the rule this violation enforces, or an empty string when it cites none. */
    public String rule() {
        return rule;
    }

    /** Returns the SPI sentence of {@link #rule()}, or an empty string. */
    public String ruleSentence() {
        return ruleSentence;
    }

    /** Returns the broken invariant in plain words. */
    public String invariant() {
        return invariant;
    }

    /** Returns what the model expected. */
    public String expected() {
        return expected;
    }

    /** Returns what the system under test did. */
    public String actual() {
        return actual;
    }
}
