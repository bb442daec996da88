package org.kmemlab.testkit.property;

import java.util.Properties;
import java.util.SplittableRandom;
import org.kmemlab.api.Checks;

/**
 * How hard a property is checked: how many action chains ({@code tries}), how long each chain is at most
 * ({@code steps}), and the {@code seed} every chain is derived from.
 *
 * <p>A run is a pure function of its effort: the same {@code (tries, steps, seed)} runs the same chains
 * against the same implementation and reports the same counterexample. That is what makes a printed
 * seed a replay command.
 *
 * <p>{@link #fromSystemProperties()} reads the three numbers from {@code -Dkmemlab.seed=…},
 * {@code -Dkmemlab.tries=…} and {@code -Dkmemlab.steps=…}. Without {@code kmemlab.seed} a fresh random
 * seed is chosen, so repeated runs explore new chains; the seed is part of every result and report.
 *
 * @param tries the number of action chains to run, at least 1
 * @param steps the most actions in one chain, at least 1
 * @param seed the seed all chains are derived from; any value
 */
public record Effort(int tries, int steps, long seed) {

    /** System property that fixes the seed: {@value}. */
    public static final String SEED_PROPERTY = "kmemlab.seed";
    /** System property that sets the number of tries: {@value}. */
    public static final String TRIES_PROPERTY = "kmemlab.tries";
    /** System property that sets the steps per try: {@value}. */
    public static final String STEPS_PROPERTY = "kmemlab.steps";

    /** Tries per property when none are asked for; sized so one contract runs in a few seconds. */
    public static final int DEFAULT_TRIES = 40;
    /** Steps per try when none are asked for. */
    public static final int DEFAULT_STEPS = 50;

    /** Checks that tries and steps are positive. */
    public Effort {
        Checks.requireArgument(tries >= 1, "tries %d must be at least 1", tries);
        Checks.requireArgument(steps >= 1, "steps %d must be at least 1", steps);
    }

    /** Returns the default effort with a fixed {@code seed}. */
    public static Effort withDefaults(long seed) {
        return new Effort(DEFAULT_TRIES, DEFAULT_STEPS, seed);
    }

    /**
     * Returns the effort the JVM's system properties ask for, with {@link #DEFAULT_TRIES},
     * {@link #DEFAULT_STEPS} and a fresh random seed for what they leave out.
     *
     * @throws IllegalArgumentException naming the property when a value is not a number or out of range
     */
    public static Effort fromSystemProperties() {
        return fromProperties(System.getProperties(), new SplittableRandom().nextLong());
    }

    /**
     * Returns the effort {@code properties} ask for; {@code seedIfAbsent} is used when they name no seed.
     * This is {@link #fromSystemProperties()} made testable.
     *
     * @throws IllegalArgumentException naming the property when a value is not a number or out of range
     */
    public static Effort fromProperties(Properties properties, long seedIfAbsent) {
        Checks.requireNonNull(properties, "properties");
        long seed = parseLong(properties, SEED_PROPERTY, seedIfAbsent);
        long tries = parseLong(properties, TRIES_PROPERTY, DEFAULT_TRIES);
        long steps = parseLong(properties, STEPS_PROPERTY, DEFAULT_STEPS);
        Checks.requireArgument(tries >= 1 && tries <= Integer.MAX_VALUE,
                "-D" + TRIES_PROPERTY + "=%d must be between 1 and 2147483647", tries);
        Checks.requireArgument(steps >= 1 && steps <= Integer.MAX_VALUE,
                "-D" + STEPS_PROPERTY + "=%d must be between 1 and 2147483647", steps);
        return new Effort((int) tries, (int) steps, seed);
    }

    /** Returns true when {@code properties} fix the seed ({@code -Dkmemlab.seed}). */
    public static boolean seedGiven(Properties properties) {
        return properties.getProperty(SEED_PROPERTY) != null;
    }

    /** Returns this effort with another seed. */
    public Effort withSeed(long newSeed) {
        return new Effort(tries, steps, newSeed);
    }

    /** Returns this effort with another number of tries. */
    public Effort withTries(int newTries) {
        return new Effort(newTries, steps, seed);
    }

    /** Returns this effort with another number of steps per try. */
    public Effort withSteps(int newSteps) {
        return new Effort(tries, newSteps, seed);
    }

    /**
     * Returns the {@code -D} options that reproduce this effort: always the seed, and tries or steps
     * when they differ from the defaults, e.g. {@code -Dkmemlab.seed=42 -Dkmemlab.tries=500}.
     */
    public String systemPropertyFlags() {
        StringBuilder flags = new StringBuilder("-D").append(SEED_PROPERTY).append('=').append(seed);
        if (tries != DEFAULT_TRIES) {
            flags.append(" -D").append(TRIES_PROPERTY).append('=').append(tries);
        }
        if (steps != DEFAULT_STEPS) {
            flags.append(" -D").append(STEPS_PROPERTY).append('=').append(steps);
        }
        return flags.toString();
    }

    @Override
    public String toString() {
        return "seed " + seed + ", " + tries + " tries of up to " + steps + " steps";
    }

    private static long parseLong(Properties properties, String name, long otherwise) {
        String text = properties.getProperty(name);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + "=" + text + " is not a whole number", e);
        }
    }
}
