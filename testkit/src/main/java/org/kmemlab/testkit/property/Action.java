package org.kmemlab.testkit.property;

import java.util.List;

/**
 * One step of an action chain: a call on the system under test, mirrored on the model, with its
 * postcondition.
 *
 * <p>An action is a <em>value</em>: it holds its parameters (an order, a size, the label of the block it
 * frees) and nothing that changes, so the engine can run the same action again when it replays or
 * shrinks a chain. Results travel through the state {@code S}: an allocation stores the block it got
 * under its label ({@code p3}), and a later {@code free(p3)} looks the label up. When a shrunk chain
 * drops the allocation, {@link #precondition} sees that {@code p3} is not live and the engine skips the
 * free.
 *
 * <h2>Requirements</h2>
 * <ul>
 *   <li>{@link #describe()} MUST name the call and its parameters the way a student would write it,
 *       without the result: {@code p0 = allocate(order 2)}, {@code free(p0)}.</li>
 *   <li>{@link #run} MUST perform the call, update the model, check what the call alone can tell (the
 *       returned block is aligned, a bad free threw a {@code KernelBug}) and throw
 *       {@link InvariantViolation} when that fails. It returns the outcome for the trace
 *       ({@code pfn 8}, {@code NO_PAGE}, {@code KernelBug: BUG: Bad page state…}), or {@code ""}.</li>
 *   <li>{@link #precondition} MUST be true in the state the generator created the action for; the
 *       default is always true.</li>
 *   <li>{@link #shrinks()} MAY offer simpler variants (smaller order or size, fewer flags), simplest
 *       first; the shrinker tries them in order and keeps the first that still fails.</li>
 * </ul>
 *
 * @param <S> the state of one chain: the system under test and its model
 */
public interface Action<S> {

    /** Returns the call as the trace shows it, without its result: {@code p0 = allocate(order 2)}. */
    String describe();

    /**
     * Returns true when this action can run in {@code state}; during a replay of a shrunk chain, an
     * action whose precondition is false is skipped and left out of the report.
     */
    default boolean precondition(S state) {
        return true;
    }

    /**
     * Runs the action against the system under test and the model.
     *
     * @return the outcome as the trace shows it after {@code ->}, or {@code ""} for none
     * @throws InvariantViolation when the system under test does not behave as the model says
     */
    String run(S state);

    /**
     * Returns this action as it will really run in {@code state}, called just before it runs (after its
     * precondition held). An action over several handles drops the ones a shrunk chain no longer has,
     * so the trace shows exactly what ran: {@code free(p1), free(p4)} rather than a list naming blocks
     * that were never allocated. The default returns {@code this}.
     */
    default Action<S> resolved(S state) {
        return this;
    }

    /** Returns simpler variants of this action, simplest first; the default offers none. */
    default List<Action<S>> shrinks() {
        return List.of();
    }
}
