package org.kmemlab.testkit.property;

import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic property for the engine's own tests: the state is a list of numbers, actions add a
 * number or do nothing, and the "bug" is that the list may not hold two numbers of at least 50. The
 * smallest failing chain is exactly {@code add(50)}, {@code add(50)}: two specific steps.
 */
class TwoBigValues implements StateMachine<List<Integer>> {

    /** Adds a number; shrinks towards smaller numbers. */
    record Add(int value) implements Action<List<Integer>> {

        @Override
        public String describe() {
            return "add(" + value + ")";
        }

        @Override
        public String run(List<Integer> state) {
            state.add(value);
            return "size " + state.size();
        }

        @Override
        public List<Action<List<Integer>>> shrinks() {
            List<Action<List<Integer>>> simpler = new ArrayList<>();
            for (int smaller : new int[] {0, value / 2, value - 1}) {
                if (smaller >= 0 && smaller < value) {
                    simpler.add(new Add(smaller));
                }
            }
            return simpler;
        }
    }

    /** Does nothing. */
    record Noise() implements Action<List<Integer>> {

        @Override
        public String describe() {
            return "noise()";
        }

        @Override
        public String run(List<Integer> state) {
            return "";
        }
    }

    @Override
    public List<Integer> setUp(Randomness random) {
        return new ArrayList<>();
    }

    @Override
    public String describeSetUp(List<Integer> state) {
        return "list = []";
    }

    @Override
    public Action<List<Integer>> nextAction(List<Integer> state, Randomness random) {
        return random.percent(30) ? new Add(random.between(0, 99)) : new Noise();
    }

    @Override
    public void checkInvariants(List<Integer> state) {
        int big = 0;
        for (int value : state) {
            big += value >= 50 ? 1 : 0;
        }
        if (big >= 2) {
            throw new InvariantViolation("the list holds two numbers of at least 50", "at most one", state.toString());
        }
    }
}
