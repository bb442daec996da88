package org.kmemlab.testkit.property;

import java.util.List;
import java.util.Optional;

/**
 * What one run of the {@link PropertyEngine} found.
 *
 * @param effort the effort the run used (its seed replays it)
 * @param triesRun the chains run, including the failing one
 * @param stepsRun the actions run over all chains, before shrinking
 * @param counterexample the shrunk failure, or empty when every chain passed
 * @param warnings distinct warnings gathered from all chains (SHOULD-level findings), in order found
 * @param operations the operations that exercised the subject over all chains run before the first
 *                   failure ({@link StateMachine#exercised}), or -1 when the machine does not count them
 */
public record RunResult(Effort effort, int triesRun, long stepsRun, Optional<Counterexample> counterexample,
                        List<String> warnings, long operations) {

    /** Copies the warnings. */
    public RunResult {
        warnings = List.copyOf(warnings);
    }

    /** A result whose machine does not count exercised operations. */
    public RunResult(Effort effort, int triesRun, long stepsRun, Optional<Counterexample> counterexample,
                     List<String> warnings) {
        this(effort, triesRun, stepsRun, counterexample, warnings, -1);
    }

    /** Returns true when every chain passed. */
    public boolean passed() {
        return counterexample.isEmpty();
    }
}
