package org.kmemlab.examples.cli;

/**
 * A mistake of the person at the keyboard (a file that does not exist, a lesson that has no such name):
 * the command prints the message as one line and exits with status 2, never with a stack trace.
 */
public final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the error; {@code message} is shown after {@code kmemlab: }. */
    public UserError(String message) {
        super(message);
    }

    /** Creates the error with its cause (kept for debugging, never printed). */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
