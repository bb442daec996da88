package org.kmemlab.testkit.property;

import java.util.List;

/**
 * A stateful property: how to set up the system under test with its model, which actions may come
 * next, and which invariants must hold after every step.
 *
 * <p>The {@link PropertyEngine} runs {@code tries} chains. For each chain it calls {@link #setUp} with a
 * randomness of its own (so a chain may pick its own geometry: a tiny zone, uneven edges, a large one),
 * checks {@link #checkInvariants} once, then repeatedly asks {@link #nextAction} for an action, runs it
 * and checks the invariants again, up to {@code steps} times or until the first failure. A failing
 * chain is then shrunk and replayed: the same set-up (same seed) with fewer and simpler actions.
 *
 * <h2>Requirements</h2>
 * <ul>
 *   <li>{@link #setUp} MUST build a fresh, independent state from the randomness alone; it is called
 *       again for every replay while shrinking.</li>
 *   <li>{@link #nextAction} MUST take all its randomness from the {@code random} it is given and return
 *       an action whose {@link Action#precondition} holds in {@code state}; it MAY return {@code null}
 *       to end the chain early.</li>
 *   <li>{@link #checkInvariants} MUST throw {@link InvariantViolation} naming the first invariant that
 *       does not hold, in plain words, with the expected and actual values.</li>
 *   <li>Nothing here may print: reports are built from the values returned.</li>
 * </ul>
 *
 * @param <S> the state of one chain: typically the system under test, its model and the live handles
 */
public interface StateMachine<S> {

    /**
     * Creates the system under test and its model for one chain.
     *
     * @param random the chain's set-up randomness, the same for every replay of the chain
     * @return the new state
     * @throws InvariantViolation when the system under test is already wrong right after creation
     */
    S setUp(Randomness random);

    /**
     * Describes the set-up for the report, as step 0 of the trace: {@code zone = create(startPfn 3,
     * frames 18, maxOrder 3)}.
     */
    String describeSetUp(S state);

    /**
     * Returns the next action for {@code state}, or {@code null} to end the chain.
     *
     * @param random the chain's action randomness
     */
    Action<S> nextAction(S state, Randomness random);

    /**
     * Checks every invariant of the system under test against the model.
     *
     * @throws InvariantViolation for the first invariant broken
     */
    void checkInvariants(S state);

    /**
     * Returns the warnings the chain gathered: behaviour the SPI says SHOULD (not MUST) be otherwise.
     * They are reported but never fail a property. The default has none.
     */
    default List<String> warnings(S state) {
        return List.of();
    }

    /**
     * Returns how many operations of this chain really exercised the subject: calls that succeeded and
     * so gave the invariants something to check (an allocation that returned memory, a free that freed
     * it). The engine adds them up over all tries ({@link RunResult#operations()}), so that a property can
     * refuse to pass vacuously, for example against an allocator that refuses every request. The default,
     * -1, means the machine does not count.
     */
    default long exercised(S state) {
        return -1;
    }

    /**
     * Returns what {@code state} looks like, the system under test beside the model, for the page that
     * animates a failing property's counterexample (one snapshot after set-up and one after each step).
     * It is called only while that page is made, never while properties run, and MUST NOT change the
     * state. The default returns null: the page then shows the steps without pictures.
     */
    default Snapshot snapshot(S state) {
        return null;
    }
}
