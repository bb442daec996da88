package org.kmemlab.api;

import java.util.Locale;

/**
 * Argument and state checks at API boundaries, with messages that name the offending value.
 *
 * <p>Every public entry point of kmemlab checks its arguments through these methods so that a caller
 * who passes a bad value reads one line that says which value and why ({@code "order 11 exceeds
 * maxOrder 10"}). The overloads taking primitive values exist so that a check on a hot path neither
 * boxes nor allocates: the message is formatted only when the check fails.
 *
 * <p>These checks are for <em>programming errors of the caller</em> (a negative size, a profile without
 * zones). Misuse of an allocator by simulated kernel code (double free, bad pointer) is not an argument
 * error: it is reported as a {@link org.kmemlab.api.bug.KernelBug}.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Throws {@link IllegalArgumentException} with a formatted message when {@code condition} is false.
     *
     * @param condition the condition the argument must satisfy
     * @param template a {@link String#format} template describing the violation
     * @param value the offending value, formatted into the template
     */
    public static void requireArgument(boolean condition, String template, long value) {
        if (!condition) {
            throw new IllegalArgumentException(format(template, value));
        }
    }

    /**
     * Throws {@link IllegalArgumentException} when {@code condition} is false; the message is formatted
     * from two values.
     */
    public static void requireArgument(boolean condition, String template, long first, long second) {
        if (!condition) {
            throw new IllegalArgumentException(format(template, first, second));
        }
    }

    /**
     * Throws {@link IllegalArgumentException} when {@code condition} is false; the message is formatted
     * from arbitrary values (use off hot paths only: the arguments are boxed at the call).
     */
    public static void requireArgument(boolean condition, String template, Object... values) {
        if (!condition) {
            throw new IllegalArgumentException(format(template, values));
        }
    }

    /** Throws {@link IllegalStateException} with a formatted message when {@code condition} is false. */
    public static void requireState(boolean condition, String template, Object... values) {
        if (!condition) {
            throw new IllegalStateException(format(template, values));
        }
    }

    /** Returns {@code value} when it is not null, and otherwise throws a message naming {@code what}. */
    public static <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new NullPointerException(what + " must not be null");
        }
        return value;
    }

    /** Formats with the root locale so messages do not change with the machine's language. */
    public static String format(String template, Object... values) {
        return String.format(Locale.ROOT, template, values);
    }
}
