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
 */
public record RunResult(Effort effort, int triesRun, long stepsRun, Optional<Counterexample> counterexample,
                        List<String> warnings) {

    /** Copies the warnings. */
    public RunResult {
        warnings = List.copyOf(warnings);
    }

    /** Returns true when every chain passed. */
    public boolean passed() {
        return counterexample.isEmpty();
    }
}
