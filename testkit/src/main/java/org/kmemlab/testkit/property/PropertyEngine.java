package org.kmemlab.testkit.property;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.kmemlab.api.Checks;

/**
 * Runs a {@link StateMachine} as a stateful property: seeded random action chains checked against a
 * model, invariants after every step, and a failing chain shrunk to a few replayable steps.
 *
 * <h2>Overview</h2>
 * A run is fixed by its {@link Effort}. A master {@link SplittableRandom} seeded with
 * {@code effort.seed()} hands every try two seeds: one for {@link StateMachine#setUp} and one for the
 * actions. Try <i>n</i> therefore makes the same choices whenever the same seed is run, whatever the
 * other tries did, and a student who reruns with {@code -Dkmemlab.seed=…} sees the same failure.
 *
 * <p>Each try builds a fresh state, checks the invariants once, and then runs up to {@code steps}
 * actions, checking the invariants after each. The first {@link InvariantViolation} ends the run; any
 * other exception from the system under test counts as a violation too ("threw an unexpected
 * ArrayIndexOutOfBoundsException"), because a student's allocator must never crash the caller.
 *
 * <h2>Shrinking</h2>
 * A random chain that fails after 40 steps is a poor hint; the two steps that matter are a good one. The
 * {@link ChainShrinker} replays variants of the failing chain against fresh states built from the same
 * set-up seed and keeps every variant that still fails:
 * <ol>
 *   <li>drop actions: whole halves first, then quarters, … then single actions;</li>
 *   <li>simplify parameters: replace an action by the first of its {@link Action#shrinks()} that still
 *       fails (a smaller order, a smaller size);</li>
 * </ol>
 * and repeats both until neither makes progress; then it tries dropping two actions at once (an
 * allocation and a free that only matter together), and starts over if that helps. Actions whose
 * precondition no longer holds (a free of a block the shrunk chain never allocated) are skipped, so every
 * variant is a valid chain. Any failure
 * counts, not only the original one: for a contract property one bug is as good as another, and the
 * smallest chain that shows a bug is the best hint. The shrinker stops after {@link #MAX_SHRINK_RUNS}
 * replays, so a pathological chain cannot stall a build.
 *
 * <p>After the first failing try the engine runs up to {@link #EXTRA_TRIES} more tries and shrinks up to
 * {@link #EXTRA_SHRINKS} more failures, and reports the shortest counterexample: a bug first met in a
 * large zone after forty steps usually shows in a tiny zone after three. This is part of the run, so
 * a seed still replays exactly the same report.
 *
 * <p>The engine never prints; callers format {@link RunResult} (the contract classes print the seed).
 */
public final class PropertyEngine {

    /** The most replays shrinking may take for one failure. */
    public static final int MAX_SHRINK_RUNS = 3000;

    /** After the first failure, how many more tries may be run looking for a shorter counterexample. */
    public static final int EXTRA_TRIES = 12;

    /** After the first failure, how many more failing chains may be shrunk. */
    public static final int EXTRA_SHRINKS = 3;

    /** A counterexample of at most this many steps ends the search for a shorter one. */
    public static final int GOOD_ENOUGH = 3;

    private PropertyEngine() {
    }

    /**
     * Runs {@code machine} with {@code effort}.
     *
     * @return the result: passed, or the shrunk counterexample of the first failing try
     */
    public static <S> RunResult run(StateMachine<S> machine, Effort effort) {
        Checks.requireNonNull(machine, "state machine");
        Checks.requireNonNull(effort, "effort");
        SplittableRandom master = new SplittableRandom(effort.seed());
        Set<String> warnings = new LinkedHashSet<>();
        long stepsRun = 0;
        long operations = -1;
        for (int tryNumber = 1; tryNumber <= effort.tries(); tryNumber++) {
            long setUpSeed = master.nextLong();
            long actionSeed = master.nextLong();
            Chain<S> chain = generate(machine, setUpSeed, new Randomness(actionSeed), effort.steps(), warnings);
            stepsRun += chain.actions.size();
            if (chain.exercised >= 0) {
                operations = Math.max(operations, 0) + chain.exercised;
            }
            if (chain.failure != null) {
                Counterexample best = ChainShrinker.shrink(machine, setUpSeed, chain, tryNumber);
                int last = tryNumber;
                int shrunk = 1;
                // Look a little further for a shorter counterexample: a bug found in a large zone after
                // forty steps is often found in a tiny one after three.
                while (last < Math.min(effort.tries(), tryNumber + EXTRA_TRIES) && shrunk < EXTRA_SHRINKS + 1
                        && best.steps().size() > GOOD_ENOUGH) {
                    last++;
                    long moreSetUp = master.nextLong();
                    Chain<S> more = generate(machine, moreSetUp, new Randomness(master.nextLong()), effort.steps(),
                            warnings);
                    stepsRun += more.actions.size();
                    if (more.failure != null) {
                        shrunk++;
                        Counterexample other = ChainShrinker.shrink(machine, moreSetUp, more, last);
                        if (other.steps().size() < best.steps().size()) {
                            best = other;
                        }
                    }
                }
                return new RunResult(effort, last, stepsRun, Optional.of(best), new ArrayList<>(warnings), operations);
            }
        }
        return new RunResult(effort, effort.tries(), stepsRun, Optional.empty(), new ArrayList<>(warnings),
                operations);
    }

    /** Runs one random chain, recording its actions up to and including the first failing one. */
    private static <S> Chain<S> generate(StateMachine<S> machine, long setUpSeed, Randomness random, int steps,
                                         Set<String> warnings) {
        List<Action<S>> actions = new ArrayList<>();
        S state;
        try {
            state = machine.setUp(new Randomness(setUpSeed));
            machine.checkInvariants(state);
        } catch (RuntimeException | StackOverflowError e) {
            return new Chain<>(actions, asViolation(e, "creating the allocator"), -1);
        }
        for (int step = 0; step < steps; step++) {
            Action<S> next = machine.nextAction(state, random);
            if (next == null) {
                break;
            }
            Action<S> action = next.resolved(state);
            actions.add(action);
            try {
                action.run(state);
                machine.checkInvariants(state);
            } catch (RuntimeException | StackOverflowError e) {
                warnings.addAll(machine.warnings(state));
                return new Chain<>(actions, asViolation(e, action.describe()), machine.exercised(state));
            }
        }
        warnings.addAll(machine.warnings(state));
        return new Chain<>(actions, null, machine.exercised(state));
    }

    /**
     * Replays {@code actions} against a fresh state built from {@code setUpSeed}: the one primitive
     * shrinking is made of. Actions whose precondition fails are skipped.
     */
    static <S> Replay<S> replay(StateMachine<S> machine, long setUpSeed, List<Action<S>> actions) {
        List<Action<S>> executed = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        S state;
        try {
            state = machine.setUp(new Randomness(setUpSeed));
        } catch (RuntimeException | StackOverflowError e) {
            return new Replay<>("(set-up failed)", executed, lines, asViolation(e, "creating the allocator"));
        }
        String setUp = machine.describeSetUp(state);
        try {
            machine.checkInvariants(state);
        } catch (RuntimeException | StackOverflowError e) {
            return new Replay<>(setUp, executed, lines, asViolation(e, "creating the allocator"));
        }
        for (Action<S> planned : actions) {
            Action<S> action;
            try {
                action = planned.precondition(state) ? planned.resolved(state) : null;
            } catch (RuntimeException e) {
                action = null;
            }
            if (action == null) {
                continue;
            }
            executed.add(action);
            String line = (executed.size()) + ": " + action.describe();
            try {
                String outcome = action.run(state);
                if (outcome != null && !outcome.isEmpty()) {
                    line += " -> " + outcome;
                }
                lines.add(line);
                machine.checkInvariants(state);
            } catch (RuntimeException | StackOverflowError e) {
                if (lines.size() < executed.size()) {
                    lines.add(line);
                }
                return new Replay<>(setUp, executed, lines, asViolation(e, action.describe()));
            }
        }
        return new Replay<>(setUp, executed, lines, null);
    }

    /**
     * Replays the shrunk chain {@code actions} once more and returns the state's
     * {@link StateMachine#snapshot} after set-up and after each action (the failure page's frames); an
     * empty list when the state machine draws none. This is the engine's only call of {@code snapshot},
     * made after shrinking, so drawing never slows a property down.
     */
    static <S> List<Snapshot> snapshots(StateMachine<S> machine, long setUpSeed, List<Action<S>> actions) {
        List<Snapshot> film = new ArrayList<>();
        S state;
        try {
            state = machine.setUp(new Randomness(setUpSeed));
        } catch (RuntimeException | StackOverflowError e) {
            return film;
        }
        if (snapshot(machine, state) == null) {
            return film;
        }
        film.add(snapshot(machine, state));
        for (Action<S> planned : actions) {
            try {
                Action<S> action = planned.precondition(state) ? planned.resolved(state) : planned;
                action.run(state);
            } catch (RuntimeException | StackOverflowError e) {
                film.add(snapshot(machine, state));
                break;                                  // the failing step: the chain ends here
            }
            film.add(snapshot(machine, state));
        }
        return film;
    }

    private static <S> Snapshot snapshot(StateMachine<S> machine, S state) {
        try {
            return machine.snapshot(state);
        } catch (RuntimeException e) {
            String why = "(could not be drawn: " + e.getClass().getSimpleName() + ")";
            return new Snapshot(List.of(why), List.of(why));
        }
    }

    /** Turns anything the system under test threw into a violation a student can read. */
    static InvariantViolation asViolation(Throwable e, String during) {
        if (e instanceof InvariantViolation violation) {
            return violation;
        }
        String thrown = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
        return new InvariantViolation(during + " threw an unexpected " + e.getClass().getSimpleName(),
                "no exception", thrown, e);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * A generated chain: its actions, the violation that ended it (null when it passed), and the
     * operations that exercised the subject (-1 when not counted).
     */
    record Chain<S>(List<Action<S>> actions, InvariantViolation failure, long exercised) {
    }

    /**
     * A replayed chain: the set-up line, the actions that ran (skipped ones left out), their numbered
     * trace lines, and the violation (null when the replay passed).
     */
    record Replay<S>(String setUp, List<Action<S>> executed, List<String> lines, InvariantViolation failure) {

        boolean failed() {
            return failure != null;
        }
    }
}
