/**
 * kmemlab's stateful property engine: seeded random action chains against a system under test and a
 * model, invariants after every step, and shrinking to a short, replayable counterexample.
 *
 * <h2>Writing a property</h2>
 * A property is a {@link org.kmemlab.testkit.property.StateMachine}{@code <S>}, where {@code S} holds the
 * system under test, its model and the live handles of one chain:
 * <pre>{@code
 * final class NoOverlap implements StateMachine<PageState> {
 *     public PageState setUp(Randomness random) {          // pick a geometry, create the allocator
 *         return new PageState(provider.create(config(random)));
 *     }
 *     public String describeSetUp(PageState s) {           // step 0 of the trace
 *         return "zone = create(startPfn 0, frames 16, maxOrder 3)";
 *     }
 *     public Action<PageState> nextAction(PageState s, Randomness random) {
 *         return s.live.isEmpty() || random.percent(60)
 *                 ? new Allocate(s.nextLabel(), random.between(0, s.maxOrder))
 *                 : new Free(random.pick(s.liveLabels()));
 *     }
 *     public void checkInvariants(PageState s) {           // after every step
 *         if (s.sut.freeFrames() != s.model.freeFrames()) {
 *             throw new InvariantViolation("freeFrames() disagrees with the model",
 *                     s.model.freeFrames() + " free frames", s.sut.freeFrames() + " free frames");
 *         }
 *     }
 * }
 * }</pre>
 * {@link org.kmemlab.testkit.property.Action}s are immutable values ({@code Allocate(label "p3", order 2)});
 * results travel through the state under the action's label, so a shrunk chain that drops
 * {@code p3 = allocate(…)} also skips {@code free(p3)} (its precondition fails).
 *
 * <h2>Running it</h2>
 * {@link org.kmemlab.testkit.property.PropertyEngine#run} takes the machine and an
 * {@link org.kmemlab.testkit.property.Effort} ({@code tries}, {@code steps}, {@code seed}, read from
 * {@code -Dkmemlab.tries}, {@code -Dkmemlab.steps} and {@code -Dkmemlab.seed}) and returns a
 * {@link org.kmemlab.testkit.property.RunResult}: passed, or a
 * {@link org.kmemlab.testkit.property.Counterexample} with numbered steps such as
 * <pre>
 *   0: zone = create(startPfn 0, frames 16, maxOrder 3)
 *   1: p0 = allocate(order 1) -> pfn 8
 *   2: p1 = allocate(order 0) -> pfn 9
 * broken invariant: block at pfn 9 order 0 overlaps live block at pfn 8 order 1
 * </pre>
 * To make a contract property of it, wrap it with
 * {@link org.kmemlab.testkit.contract.ContractProperty#stateful}; the JUnit glue is
 * {@link org.kmemlab.testkit.contract.ContractJUnit}.
 *
 * <p>Nothing in this package prints; it returns values and text.
 */
package org.kmemlab.testkit.property;
