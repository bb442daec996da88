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
 */
public final class InvariantViolation extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String invariant;
    private final String expected;
    private final String actual;

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
        super(Checks.requireNonNull(invariant, "invariant") + " (expected: " + expected + "; actual: " + actual + ")",
                cause);
        this.invariant = invariant;
        this.expected = Checks.requireNonNull(expected, "expected");
        this.actual = Checks.requireNonNull(actual, "actual");
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
