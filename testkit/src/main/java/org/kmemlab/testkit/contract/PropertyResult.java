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
 * @param failingTry the try whose chain failed (the shrunk counterexample comes from it), 0 when passed
 *                   or when the property failed without a counterexample (vacuous run)
 * @param rule the id of the rule the failure broke ({@code page.aligned}), empty when passed
 * @param ruleSentence the SPI sentence that rule enforces, empty when passed
 * @param operations how many operations the tries really exercised (successful calls on the subject,
 *                   {@link org.kmemlab.testkit.property.StateMachine#exercised}); -1 when not counted
 * @param snapshots the state after set-up and after each step, for the failure page (empty when the
 *                  property draws none, or when it passed)
 */
public record PropertyResult(String id, String title, String subject, boolean passed, Effort effort, int triesRun,
                             String setUp, List<String> steps, String brokenInvariant, String expected,
                             String actual, int originalSteps, String replayCommand, List<String> warnings,
                             int failingTry, String rule, String ruleSentence, long operations,
                             List<Snapshot> snapshots) {

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
        Checks.requireNonNull(rule, "rule");
        Checks.requireNonNull(ruleSentence, "rule sentence");
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
        snapshots = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(snapshots));
    }

    /**
     * The shape of results before rules were cited (kept for callers that build results by hand, such as
     * the grader's fixtures): no failing try, no rule, operations not counted.
     */
    public PropertyResult(String id, String title, String subject, boolean passed, Effort effort, int triesRun,
                          String setUp, List<String> steps, String brokenInvariant, String expected, String actual,
                          int originalSteps, String replayCommand, List<String> warnings) {
        this(id, title, subject, passed, effort, triesRun, setUp, steps, brokenInvariant, expected, actual,
                originalSteps, replayCommand, warnings, passed ? 0 : triesRun, "", "", -1, List.of());
    }

    /**
     * Builds the result of an engine run.
     *
     * @param replayPrefix the replay command without {@code -D} options, e.g. {@code mvn test -Dtest=MyBuddyTests}
     */
    public static PropertyResult of(String id, String title, String subject, String replayPrefix, RunResult run) {
        String replay = replayCommand(replayPrefix, id, run.effort());
        if (run.counterexample().isEmpty()) {
            return new PropertyResult(id, title, subject, true, run.effort(), run.triesRun(), "", List.of(), "", "",
                    "", 0, replay, run.warnings(), 0, "", "", run.operations(), List.of());
        }
        Counterexample c = run.counterexample().get();
        return new PropertyResult(id, title, subject, false, run.effort(), run.triesRun(), c.setUp(), c.steps(),
                c.invariant(), c.expected(), c.actual(), c.originalSteps(), replay, run.warnings(), c.tryNumber(),
                c.rule(), c.ruleSentence(), run.operations(), c.snapshots());
    }

    /**
     * Returns the command that replays exactly property {@code id} with {@code effort}: the prefix, then
     * {@code -Dkmemlab.property=ID} and the seed (and tries and steps when they are not the defaults).
     */
    public static String replayCommand(String replayPrefix, String id, Effort effort) {
        return (replayPrefix.isEmpty() ? "" : replayPrefix + " ") + "-D" + ContractJUnit.PROPERTY_PROPERTY + "=" + id
                + " " + effort.systemPropertyFlags();
    }

    /**
     * Returns this result failed because its tries exercised too little: {@code operations} successful
     * calls where at least {@code needed} were required, citing the rule that demands success.
     */
    public PropertyResult vacuous(long needed, String vacuityRule, String vacuitySentence) {
        return new PropertyResult(id, title, subject, false, effort, triesRun, "", List.of(),
                Checks.format("the property was checked vacuously: %d tries exercised only %d successful"
                        + " operations, at least %d are needed", triesRun, operations, needed),
                Checks.format("at least %d successful allocations and frees over %d tries", needed, triesRun),
                Checks.format("%d: the allocator refused (nearly) every request, so nothing could be checked",
                        operations), 0, replayCommand, warnings, 0, vacuityRule, vacuitySentence, operations, List.of());
    }

    /** Returns the seed that replays this run. */
    public long seed() {
        return effort.seed();
    }

    /** Returns the first line of the report: the property, the subject, and the rule that broke. */
    public String headline() {
        if (passed) {
            return Checks.format("%s passed for %s: %s", id, subject, title);
        }
        if (rule.isEmpty()) {
            return Checks.format("%s FAILED for %s: %s", id, subject, title);
        }
        return Checks.format("%s FAILED for %s: broke %s", id, subject, rule);
    }

    /**
     * Returns the report a student reads: a headline naming the broken rule and its SPI sentence, the
     * numbered steps, the broken invariant, expected and actual, warnings, and the replay command. For a
     * passed result, one line (plus warnings).
     */
    public String report() {
        StringBuilder out = new StringBuilder();
        if (passed) {
            out.append(Checks.format("%s (%d tries of up to %d steps, seed %d%s)\n", headline(), triesRun,
                    effort.steps(), effort.seed(), operations >= 0 ? ", " + operations + " operations" : ""));
        } else {
            out.append(headline()).append('\n');
            if (!ruleSentence.isEmpty()) {
                out.append("  the SPI says: ").append(ruleSentence).append('\n');
            }
            out.append("  property: ").append(title).append('\n');
            if (failingTry == 0) {
                out.append(Checks.format("seed %d, %d tries of up to %d steps\n", effort.seed(), triesRun,
                        effort.steps()));
            } else {
                out.append(Checks.format("seed %d, try %d of %d; %s:\n", effort.seed(), failingTry, effort.tries(),
                        shrinkSummary()));
            }
            if (!setUp.isEmpty()) {
                out.append("\n  0: ").append(setUp).append('\n');
            }
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

    private String shrinkSummary() {
        if (steps.isEmpty()) {
            return "wrong right after creation, before any step";
        }
        if (originalSteps <= steps.size()) {
            return Checks.format("%d step%s, nothing to shrink", steps.size(), steps.size() == 1 ? "" : "s");
        }
        return Checks.format("shrunk from %d steps to %d", originalSteps, steps.size());
    }
}
