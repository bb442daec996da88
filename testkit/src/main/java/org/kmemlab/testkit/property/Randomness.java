package org.kmemlab.testkit.property;

import java.util.List;
import java.util.SplittableRandom;
import org.kmemlab.api.Checks;

/**
 * The source of every random choice a {@link StateMachine} makes: a thin, deterministic wrapper
 * around {@link SplittableRandom} with the few shapes action generators need.
 *
 * <p>Two instances created with the same seed make the same choices in the same order, on every JVM and
 * platform, which is what lets a seed replay a failure. Generators MUST take all their randomness from
 * the instance they are given (never from {@code Math.random()} or a fresh {@code Random}).
 */
public final class Randomness {

    private final SplittableRandom random;

    /** Creates a source whose choices are fixed by {@code seed}. */
    public Randomness(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Returns any long. */
    public long nextLong() {
        return random.nextLong();
    }

    /**
     * Returns an int in {@code [low, high]}, both included.
     *
     * @throws IllegalArgumentException when {@code low > high}
     */
    public int between(int low, int high) {
        Checks.requireArgument(low <= high, "empty range [%d, %d]", low, high);
        return (int) longBetween(low, high);
    }

    /**
     * Returns a long in {@code [low, high]}, both included.
     *
     * @throws IllegalArgumentException when {@code low > high}
     */
    public long longBetween(long low, long high) {
        Checks.requireArgument(low <= high, "empty range [%d, %d]", low, high);
        if (high == Long.MAX_VALUE && low == Long.MIN_VALUE) {
            return random.nextLong();
        }
        if (high - low + 1 <= 0) {
            long value;
            do {
                value = random.nextLong();
            } while (value < low || value > high);
            return value;
        }
        return low + random.nextLong(high - low + 1);
    }

    /** Returns true with probability {@code percent}/100. */
    public boolean percent(int percent) {
        return random.nextInt(100) < percent;
    }

    /**
     * Returns an index into {@code weights}, each chosen with probability proportional to its weight:
     * {@code choose(60, 30, 10)} returns 0 six times in ten.
     *
     * @throws IllegalArgumentException when no weight is positive or one is negative
     */
    public int choose(int... weights) {
        long total = 0;
        for (int w : weights) {
            Checks.requireArgument(w >= 0, "weight %d must not be negative", w);
            total += w;
        }
        Checks.requireArgument(total > 0, "at least one weight must be positive, not %d", total);
        long pick = random.nextLong(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable: weights changed while choosing");
    }

    /**
     * Returns one element of {@code items}, each equally likely.
     *
     * @throws IllegalArgumentException when the list is empty
     */
    public <T> T pick(List<T> items) {
        Checks.requireArgument(!items.isEmpty(), "cannot pick from an empty list");
        return items.get(random.nextInt(items.size()));
    }

    /**
     * Returns a power-of-two-biased size in {@code [1, max]}: half the time a power of two or a neighbour
     * of one (the boundaries where size classes change), otherwise any value. Allocator bugs live at
     * boundaries, so generators use this rather than a flat distribution.
     */
    public long boundarySize(long max) {
        Checks.requireArgument(max >= 1, "max size %d must be at least 1", max);
        if (percent(50)) {
            int bits = 64 - Long.numberOfLeadingZeros(max);
            long power = 1L << between(0, bits - 1);
            long size = power + between(-1, 1);
            return Math.max(1, Math.min(max, size));
        }
        int bits = between(0, 63 - Long.numberOfLeadingZeros(max));
        long cap = Math.min(max, (1L << (bits + 1)) - 1);
        return longBetween(1, cap);
    }
}
