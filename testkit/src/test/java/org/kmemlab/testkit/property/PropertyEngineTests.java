package org.kmemlab.testkit.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PropertyEngineTests {

    private static final Effort EFFORT = new Effort(50, 60, 123_456_789L);

    @Test
    void sameSeedGivesTheSameCounterexample() {
        RunResult first = PropertyEngine.run(new TwoBigValues(), EFFORT);
        RunResult second = PropertyEngine.run(new TwoBigValues(), EFFORT);
        assertFalse(first.passed());
        assertEquals(first, second);
    }

    @Test
    void differentSeedsExploreDifferentChains() {
        List<Long> stepsRun = new ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            stepsRun.add(PropertyEngine.run(new TwoBigValues(), new Effort(1, 200, seed)).stepsRun());
        }
        assertTrue(stepsRun.stream().distinct().count() > 1, "stepsRun " + stepsRun);
    }

    @Test
    void shrinkingFindsTheTwoStepsThatMatter() {
        for (long seed = 1; seed <= 20; seed++) {
            RunResult result = PropertyEngine.run(new TwoBigValues(), new Effort(20, 80, seed));
            Counterexample c = result.counterexample().orElseThrow();
            assertEquals(List.of("1: add(50) -> size 1", "2: add(50) -> size 2"), c.steps(), "seed " + seed);
            assertEquals("the list holds two numbers of at least 50", c.invariant());
            assertEquals("[50, 50]", c.actual());
            assertTrue(c.originalSteps() >= 2);
        }
    }

    @Test
    void aPrintedSeedReplaysTheFailure() {
        RunResult original = PropertyEngine.run(new TwoBigValues(), Effort.withDefaults(987_654_321L));
        String flags = original.effort().systemPropertyFlags();
        assertEquals("-Dkmemlab.seed=987654321", flags);
        Properties command = new Properties();
        command.setProperty("kmemlab.seed", flags.substring(flags.indexOf('=') + 1));
        Effort replayed = Effort.fromProperties(command, 42L);
        assertEquals(original, PropertyEngine.run(new TwoBigValues(), replayed));
    }

    @Test
    void aPassingPropertyRunsEveryTryAndStep() {
        StateMachine<List<Integer>> harmless = new TwoBigValues() {
            @Override
            public Action<List<Integer>> nextAction(List<Integer> state, Randomness random) {
                return new Noise();
            }
        };
        RunResult result = PropertyEngine.run(harmless, new Effort(7, 11, 5));
        assertTrue(result.passed());
        assertEquals(7, result.triesRun());
        assertEquals(77, result.stepsRun());
    }

    @Test
    void anExceptionOfTheSystemUnderTestIsAViolationNotACrash() {
        StateMachine<List<Integer>> crashing = new TwoBigValues() {
            @Override
            public Action<List<Integer>> nextAction(List<Integer> state, Randomness random) {
                return new Action<>() {
                    @Override
                    public String describe() {
                        return "crash()";
                    }

                    @Override
                    public String run(List<Integer> s) {
                        throw new ArrayIndexOutOfBoundsException("Index 11 out of bounds for length 11");
                    }
                };
            }
        };
        Counterexample c = PropertyEngine.run(crashing, new Effort(3, 10, 1)).counterexample().orElseThrow();
        assertEquals(List.of("1: crash()"), c.steps());
        assertEquals("crash() threw an unexpected ArrayIndexOutOfBoundsException", c.invariant());
        assertEquals("no exception", c.expected());
        assertEquals("java.lang.ArrayIndexOutOfBoundsException: Index 11 out of bounds for length 11", c.actual());
    }

    @Test
    void stepsWhosePreconditionFailsAfterShrinkingAreSkipped() {
        // "use(x)" needs a preceding "make(x)"; the bug is a use of x after make(y).
        record Make(String name) implements Action<List<String>> {
            @Override
            public String describe() {
                return "make(" + name + ")";
            }

            @Override
            public String run(List<String> s) {
                s.add(name);
                return "";
            }
        }
        record Use(String name) implements Action<List<String>> {
            @Override
            public String describe() {
                return "use(" + name + ")";
            }

            @Override
            public boolean precondition(List<String> s) {
                return s.contains(name);
            }

            @Override
            public String run(List<String> s) {
                if (s.contains("y")) {
                    throw new InvariantViolation("x used after y was made", "no use after y", s.toString());
                }
                return "";
            }
        }
        StateMachine<List<String>> machine = new StateMachine<>() {
            @Override
            public List<String> setUp(Randomness random) {
                return new ArrayList<>();
            }

            @Override
            public String describeSetUp(List<String> s) {
                return "names = []";
            }

            @Override
            public Action<List<String>> nextAction(List<String> s, Randomness random) {
                if (!s.contains("x")) {
                    return new Make("x");
                }
                return random.percent(20) && !s.contains("y") ? new Make("y")
                        : random.percent(50) ? new Make("z" + random.between(0, 9)) : new Use("x");
            }

            @Override
            public void checkInvariants(List<String> s) {
            }
        };
        Counterexample c = PropertyEngine.run(machine, new Effort(10, 40, 3)).counterexample().orElseThrow();
        assertEquals(List.of("1: make(x)", "2: make(y)", "3: use(x)"), c.steps());
    }
}
