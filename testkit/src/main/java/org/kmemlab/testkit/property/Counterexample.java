package org.kmemlab.testkit.property;

import java.util.List;

/**
 * A failing chain, shrunk: the steps that reproduce a failure and what broke.
 *
 * @param tryNumber which try failed, counting from 1
 * @param setUp the set-up, step 0 of the trace ({@code zone = create(startPfn 0, frames 16, maxOrder 3)})
 * @param steps the shrunk steps, numbered from 1: {@code 1: p0 = allocate(order 2) -> pfn 8}; the last
 *              one is the step after which the invariant broke
 * @param invariant the broken invariant, in plain words
 * @param expected what the model expected
 * @param actual what the system under test did
 * @param originalSteps how many steps the chain had before shrinking
 * @param shrinkRuns how many replays shrinking took
 * @param rule the id of the rule the violation cites ({@link InvariantViolation#rule()}), or empty
 * @param ruleSentence the SPI sentence of that rule, or empty
 * @param snapshots the state after set-up and after each step, as {@link StateMachine#snapshot} drew it;
 *                  empty when the state machine draws none (a snapshot it could not draw is null)
 */
public record Counterexample(int tryNumber, String setUp, List<String> steps, String invariant, String expected,
                             String actual, int originalSteps, int shrinkRuns, String rule, String ruleSentence,
                             List<Snapshot> snapshots) {

    /** Copies the steps and the snapshots. */
    public Counterexample {
        steps = List.copyOf(steps);
        rule = rule == null ? "" : rule;
        ruleSentence = ruleSentence == null ? "" : ruleSentence;
        snapshots = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(snapshots));
    }

    /** A counterexample that cites no rule and draws no snapshots. */
    public Counterexample(int tryNumber, String setUp, List<String> steps, String invariant, String expected,
                          String actual, int originalSteps, int shrinkRuns) {
        this(tryNumber, setUp, steps, invariant, expected, actual, originalSteps, shrinkRuns, "", "", List.of());
    }
}
