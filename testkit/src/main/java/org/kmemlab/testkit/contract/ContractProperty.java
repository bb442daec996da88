package org.kmemlab.testkit.contract;

import org.kmemlab.api.Checks;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.PropertyEngine;
import org.kmemlab.testkit.property.RunResult;
import org.kmemlab.testkit.property.StateMachine;

/**
 * One property of an SPI contract, checked against one implementation: the unit the JUnit contracts run
 * as a test and the autograder scores.
 *
 * <h2>Requirements</h2>
 * <ul>
 *   <li>{@link #id()} MUST be stable across releases (graders key rubrics and hidden-test lists on it):
 *       lower-case words with dots and hyphens, SPI first, e.g. {@code page.no-overlap}.</li>
 *   <li>{@link #check(Effort)} MUST be deterministic for an effort, MUST NOT print, and MUST report a
 *       failure of the implementation (including an exception it throws) as a failed result, never by
 *       throwing.</li>
 * </ul>
 */
public interface ContractProperty {

    /** Returns the stable id, e.g. {@code page.no-overlap}. */
    String id();

    /** Returns a one-line title for people: {@code No two live blocks overlap}. */
    String title();

    /**
     * Checks the property with {@code effort}.
     *
     * @return the result, passed or with the shrunk counterexample and the report
     */
    PropertyResult check(Effort effort);

    /**
     * Returns a property that runs {@code machine} through the {@link PropertyEngine}.
     *
     * @param id the stable id
     * @param title the one-line title
     * @param subject what is tested, for the report: usually the provider's name
     * @param replayPrefix the command a student runs to replay, without the {@code -D} options:
     *                     {@code mvn test -Dtest=MyBuddyTests}; the seed options are appended
     * @param machine the stateful property
     */
    static <S> ContractProperty stateful(String id, String title, String subject, String replayPrefix,
                                         StateMachine<S> machine) {
        return stateful(id, title, subject, replayPrefix, machine, null);
    }

    /**
     * Returns {@code property} checked with at most {@code maxTries} tries whatever the effort asks: for
     * fixed scenarios, whose steps do not vary, and for properties whose every try is expensive.
     */
    static ContractProperty capped(ContractProperty property, int maxTries) {
        Checks.requireNonNull(property, "property");
        Checks.requireArgument(maxTries >= 1, "maxTries %d must be at least 1", maxTries);
        return new ContractProperty() {
            @Override
            public String id() {
                return property.id();
            }

            @Override
            public String title() {
                return property.title();
            }

            @Override
            public PropertyResult check(Effort effort) {
                return property.check(effort.withTries(Math.min(effort.tries(), maxTries)));
            }

            @Override
            public String toString() {
                return property + " (at most " + maxTries + " tries)";
            }
        };
    }

    /**
     * Returns a property that runs {@code machine} through the {@link PropertyEngine} and refuses to pass
     * vacuously: when the machine counts the operations it exercised ({@link StateMachine#exercised}) and
     * its tries exercised fewer than one per try, the property fails citing {@code vacuityRule}, the rule
     * that demands success (an allocator that refuses every request checks nothing).
     *
     * @param vacuityRule the rule a vacuous run breaks, or {@code null} for a property about refusals
     */
    static <S> ContractProperty stateful(String id, String title, String subject, String replayPrefix,
                                         StateMachine<S> machine, Rule vacuityRule) {
        Checks.requireNonNull(id, "property id");
        Checks.requireNonNull(title, "property title");
        Checks.requireNonNull(subject, "subject");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        Checks.requireNonNull(machine, "state machine");
        return new ContractProperty() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String title() {
                return title;
            }

            @Override
            public PropertyResult check(Effort effort) {
                RunResult run = PropertyEngine.run(machine, effort);
                PropertyResult result = PropertyResult.of(id, title, subject, replayPrefix, run);
                if (vacuityRule != null && result.passed() && result.operations() >= 0
                        && result.operations() < result.triesRun()) {
                    return result.vacuous(result.triesRun(), vacuityRule.id(), vacuityRule.quote());
                }
                return result;
            }

            @Override
            public String toString() {
                return id + " (" + title + ") for " + subject;
            }
        };
    }
}
