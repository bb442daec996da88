package org.kmemlab.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the {@code kmemlab} command in-process, as the launcher would, and keeps what it printed.
 *
 * @param status the exit status
 * @param out standard output
 * @param err standard error
 */
public record Run(int status, String out, String err) {

    /** The options tests add so that commands boot a small modern machine quickly. */
    public static final String[] SMALL_MODERN = {"--profile", "x86_64", "--ram", "64M"};

    /** Runs {@code kmemlab args...} without a terminal (no progress bars). */
    public static Run kmemlab(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code kmemlab args... --profile x86_64 --ram 64M}. */
    public static Run small(String... args) {
        String[] all = new String[args.length + SMALL_MODERN.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(SMALL_MODERN, 0, all, args.length, SMALL_MODERN.length);
        return kmemlab(all);
    }
}
