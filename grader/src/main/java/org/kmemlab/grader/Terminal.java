package org.kmemlab.grader;

import java.io.Console;
import java.lang.reflect.InvocationTargetException;
import java.util.regex.Pattern;

/**
 * What the grader knows about terminals: whether it is talking to one (a progress bar is drawn only
 * then), and how to take a terminal's escape codes out of text that goes into a file.
 *
 * <p>Maven and compilers colour their output when they think a person is watching. Inside a results
 * file those colours arrive as {@code ESC[1;31m}-style codes that Gradescope, PrairieLearn and JUnit
 * viewers print literally, so every build output is cleaned with {@link #stripEscapes} before a student
 * reads it.
 */
public final class Terminal {

    /**
     * ECMA-48 control sequences: CSI ({@code ESC [} parameters, intermediates, one final byte), OSC
     * ({@code ESC ]} up to BEL or {@code ESC \}), and two-byte escapes ({@code ESC} and one byte).
     */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)|\u001B[@-Z\\\\-_]|\u009B[0-?]*[ -/]*[@-~]");

    private Terminal() {
    }

    /** Returns {@code text} without terminal escape sequences (colours, cursor moves, titles). */
    public static String stripEscapes(String text) {
        if (text == null || (text.indexOf('\u001B') < 0 && text.indexOf('\u009B') < 0)) {
            return text;
        }
        return ESCAPES.matcher(text).replaceAll("");
    }

    /**
     * Returns true when this JVM runs on a terminal a person watches. On JDK 17 to 21 that is
     * {@code System.console() != null}; from JDK 22 a console exists even when output is redirected, and
     * {@code Console.isTerminal()} (looked up by name, as JDK 17 lacks it) tells.
     */
    public static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
