package org.kmemlab.testkit.property;

import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a failing chain (see the overview in {@link PropertyEngine}): drop actions, then simplify
 * parameters, until neither makes progress or the replay budget is spent.
 *
 * <p>Worked example: a chain of 40 actions fails at step 40 because a buddy allocator never merges.
 * Dropping the first half still fails (the bug needs only two frees), so it goes; halves, quarters and
 * single actions follow until {@code p0 = allocate(order 0)}, {@code p1 = allocate(order 0)},
 * {@code free(p0)}, {@code free(p1)} remain. Parameter shrinking then tries order 0 where an order 3 was
 * used. Every candidate is replayed from the same set-up seed, so the result is exactly reproducible.
 */
final class ChainShrinker {

    /** The longest chain on which dropping three actions at once is tried. */
    static final int TRIPLE_LIMIT = 14;

    private ChainShrinker() {
    }

    static <S> Counterexample shrink(StateMachine<S> machine, long setUpSeed, PropertyEngine.Chain<S> chain,
                                     int tryNumber) {
        Budget budget = new Budget();
        PropertyEngine.Replay<S> best = PropertyEngine.replay(machine, setUpSeed, chain.actions());
        budget.spent++;
        if (!best.failed()) {
            // The failure did not reproduce (a system under test that is not deterministic); report the
            // chain as generated, unshrunk, so the student still sees what happened.
            return flaky(machine, setUpSeed, chain, tryNumber);
        }
        boolean progress = true;
        while (progress && budget.left()) {
            progress = false;
            PropertyEngine.Replay<S> dropped = dropActions(machine, setUpSeed, best, budget);
            if (dropped != best) {
                best = dropped;
                progress = true;
            }
            PropertyEngine.Replay<S> simpler = simplifyActions(machine, setUpSeed, best, budget);
            if (simpler != best) {
                best = simpler;
                progress = true;
            }
            if (!progress) {
                PropertyEngine.Replay<S> paired = dropTogether(machine, setUpSeed, best, 2, budget);
                if (paired == best && best.executed().size() <= TRIPLE_LIMIT) {
                    paired = dropTogether(machine, setUpSeed, best, 3, budget);
                }
                if (paired != best) {
                    best = paired;
                    progress = true;
                }
            }
        }
        InvariantViolation v = best.failure();
        return new Counterexample(tryNumber, best.setUp(), best.lines(), v.invariant(), v.expected(), v.actual(),
                chain.actions().size(), budget.spent, v.rule(), v.ruleSentence(),
                PropertyEngine.snapshots(machine, setUpSeed, best.executed()));
    }

    /** Removes windows of actions, largest first, keeping every removal that still fails. */
    private static <S> PropertyEngine.Replay<S> dropActions(StateMachine<S> machine, long setUpSeed,
                                                            PropertyEngine.Replay<S> start, Budget budget) {
        PropertyEngine.Replay<S> best = start;
        for (int window = Math.max(1, best.executed().size() / 2); window >= 1 && budget.left(); window /= 2) {
            int from = best.executed().size() - window;
            while (from >= 0 && budget.left()) {
                List<Action<S>> candidate = new ArrayList<>(best.executed());
                candidate.subList(from, Math.min(from + window, candidate.size())).clear();
                PropertyEngine.Replay<S> replay = PropertyEngine.replay(machine, setUpSeed, candidate);
                budget.spent++;
                if (replay.failed() && replay.executed().size() < best.executed().size()) {
                    best = replay;
                    from = Math.min(from, best.executed().size()) - window;
                } else {
                    from -= window;
                }
            }
            if (window == 1) {
                break;
            }
        }
        return best;
    }

    /**
     * Removes {@code k} actions at once, wherever they are: a chain can need a pair gone together (an
     * allocation and the free of the block it would shift) when neither can go alone. Pairs are tried on
     * any chain; triples ({@code k = 3}) only on chains of at most {@value #TRIPLE_LIMIT} actions, where
     * they cost a few hundred replays and often turn a local minimum of nine or ten steps into the real
     * one of six or seven. Returns the first smaller failing replay, or {@code start}.
     */
    private static <S> PropertyEngine.Replay<S> dropTogether(StateMachine<S> machine, long setUpSeed,
                                                             PropertyEngine.Replay<S> start, int k, Budget budget) {
        int n = start.executed().size();
        if (k > n) {
            return start;
        }
        int[] pick = new int[k];
        for (int i = 0; i < k; i++) {
            pick[i] = i;
        }
        while (budget.left()) {
            List<Action<S>> candidate = new ArrayList<>(start.executed());
            for (int i = k - 1; i >= 0; i--) {
                candidate.remove(pick[i]);
            }
            PropertyEngine.Replay<S> replay = PropertyEngine.replay(machine, setUpSeed, candidate);
            budget.spent++;
            if (replay.failed() && replay.executed().size() < n) {
                return replay;
            }
            // Next combination of k indices out of n, in lexicographic order.
            int i = k - 1;
            while (i >= 0 && pick[i] == n - k + i) {
                i--;
            }
            if (i < 0) {
                break;
            }
            pick[i]++;
            for (int j = i + 1; j < k; j++) {
                pick[j] = pick[j - 1] + 1;
            }
        }
        return start;
    }

    /** Replaces each action by its simplest variant that still fails. */
    private static <S> PropertyEngine.Replay<S> simplifyActions(StateMachine<S> machine, long setUpSeed,
                                                                PropertyEngine.Replay<S> start, Budget budget) {
        PropertyEngine.Replay<S> best = start;
        for (int i = 0; i < best.executed().size() && budget.left(); i++) {
            boolean simplified = true;
            while (simplified && budget.left() && i < best.executed().size()) {
                simplified = false;
                for (Action<S> variant : best.executed().get(i).shrinks()) {
                    if (!budget.left()) {
                        break;
                    }
                    List<Action<S>> candidate = new ArrayList<>(best.executed());
                    candidate.set(i, variant);
                    PropertyEngine.Replay<S> replay = PropertyEngine.replay(machine, setUpSeed, candidate);
                    budget.spent++;
                    if (replay.failed() && replay.executed().size() <= best.executed().size()) {
                        best = replay;
                        simplified = true;
                        break;
                    }
                }
            }
        }
        return best;
    }

    private static <S> Counterexample flaky(StateMachine<S> machine, long setUpSeed, PropertyEngine.Chain<S> chain,
                                            int tryNumber) {
        List<String> lines = new ArrayList<>();
        for (Action<S> action : chain.actions()) {
            lines.add((lines.size() + 1) + ": " + action.describe());
        }
        InvariantViolation v = chain.failure();
        String setUp;
        try {
            setUp = machine.describeSetUp(machine.setUp(new Randomness(setUpSeed)));
        } catch (RuntimeException e) {
            setUp = "(set-up failed)";
        }
        return new Counterexample(tryNumber, setUp, lines, v.invariant()
                + " (this failure did not reproduce on replay: does the implementation depend on something"
                + " other than the calls it gets, such as a static field or the clock?)",
                v.expected(), v.actual(), chain.actions().size(), 1, v.rule(), v.ruleSentence(), List.of());
    }

    /** The replays shrinking may still take. */
    private static final class Budget {
        int spent;

        boolean left() {
            return spent < PropertyEngine.MAX_SHRINK_RUNS;
        }
    }
}
