package org.kmemlab.testkit.contract;

import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.testkit.property.Counterexample;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.RunResult;
import org.kmemlab.testkit.property.Snapshot;

/**
 * The outcome of checking one {@link ContractProperty} against one implementation.
 *
 * <p>A passed result carries the seed and the tries run (and any SHOULD-level warnings). A failed one
 * also carries the shrunk counterexample: the set-up ({@code steps} are numbered from 1 after it), the
 * broken invariant in plain words, expected and actual, and the command that replays it.
 * {@link #report()} is the whole text a student reads.
 *
 * @param id the property's id
 * @param title the property's title
 * @param subject what was tested (the provider's name)
 * @param passed true when no chain failed
 * @param effort the effort used; {@code effort().seed()} replays the run
 * @param triesRun the chains run, including the failing one
 * @param setUp the set-up line of the counterexample (step 0), empty when passed
 * @param steps the shrunk steps, numbered, empty when passed
 * @param brokenInvariant the broken invariant in plain words, empty when passed
 * @param expected what the model expected, empty when passed
 * @param actual what the implementation did, empty when passed
 * @param originalSteps the length of the failing chain before shrinking, 0 when passed
 * @param replayCommand the one-line command that replays this run
 * @param warnings SHOULD-level findings that do not fail the property
 * @param snapshots the state after set-up and after each step, for the failure page (empty when the
 *                  property draws none, or when it passed)
 */
public record PropertyResult(String id, String title, String subject, boolean passed, Effort effort, int triesRun,
                             String setUp, List<String> steps, String brokenInvariant, String expected,
                             String actual, int originalSteps, String replayCommand, List<String> warnings,
                             List<Snapshot> snapshots) {

    /** A result without snapshots. */
    public PropertyResult(String id, String title, String subject, boolean passed, Effort effort, int triesRun,
                          String setUp, List<String> steps, String brokenInvariant, String expected, String actual,
                          int originalSteps, String replayCommand, List<String> warnings) {
        this(id, title, subject, passed, effort, triesRun, setUp, steps, brokenInvariant, expected, actual,
                originalSteps, replayCommand, warnings, List.of());
    }

    /** Checks the parts and copies the lists. */
    public PropertyResult {
        Checks.requireNonNull(id, "id");
        Checks.requireNonNull(title, "title");
        Checks.requireNonNull(subject, "subject");
        Checks.requireNonNull(effort, "effort");
        Checks.requireNonNull(setUp, "set-up");
        Checks.requireNonNull(brokenInvariant, "broken invariant");
        Checks.requireNonNull(expected, "expected");
        Checks.requireNonNull(actual, "actual");
        Checks.requireNonNull(replayCommand, "replay command");
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
        snapshots = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(snapshots));
    }

    /**
     * Builds the result of an engine run.
     *
     * @param replayPrefix the replay command without {@code -D} options, e.g. {@code mvn test -Dtest=MyBuddyTests}
     */
    public static PropertyResult of(String id, String title, String subject, String replayPrefix, RunResult run) {
        String replay = (replayPrefix.isEmpty() ? "" : replayPrefix + " ") + run.effort().systemPropertyFlags();
        if (run.counterexample().isEmpty()) {
            return new PropertyResult(id, title, subject, true, run.effort(), run.triesRun(), "", List.of(), "", "",
                    "", 0, replay, run.warnings());
        }
        Counterexample c = run.counterexample().get();
        return new PropertyResult(id, title, subject, false, run.effort(), run.triesRun(), c.setUp(), c.steps(),
                c.invariant(), c.expected(), c.actual(), c.originalSteps(), replay, run.warnings(), c.snapshots());
    }

    /** Returns the seed that replays this run. */
    public long seed() {
        return effort.seed();
    }

    /**
     * Returns the report a student reads: a headline, the numbered steps, the broken invariant, expected
     * and actual, warnings, and the replay command. For a passed result, one line (plus warnings).
     */
    public String report() {
        StringBuilder out = new StringBuilder();
        if (passed) {
            out.append(Checks.format("%s passed for %s: %s (%d tries of up to %d steps, seed %d)\n", id, subject,
                    title, triesRun, effort.steps(), effort.seed()));
        } else {
            out.append(Checks.format("%s FAILED for %s: %s\n", id, subject, title));
            out.append(Checks.format("seed %d, try %d of %d; shrunk from %d steps to %d:\n\n", effort.seed(),
                    triesRun, effort.tries(), originalSteps, steps.size()));
            out.append("  0: ").append(setUp).append('\n');
            for (String step : steps) {
                out.append("  ").append(step).append('\n');
            }
            out.append('\n');
            out.append("broken invariant: ").append(brokenInvariant).append('\n');
            out.append("  expected: ").append(expected).append('\n');
            out.append("  actual:   ").append(actual).append('\n');
        }
        for (String warning : warnings) {
            out.append("warning: ").append(warning).append('\n');
        }
        if (!passed) {
            out.append("\nreplay: ").append(replayCommand).append('\n');
        }
        return out.toString();
    }
}
