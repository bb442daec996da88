package org.kmemlab.examples.lessons;

/**
 * A lesson could not show what it set out to show, because the machine behaved otherwise: for example
 * an allocation that must fail succeeded. The lesson says what it expected; the command exits with
 * status 1.
 */
public final class LessonFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the failure with what was expected and what happened. */
    public LessonFailed(String message) {
        super(message);
    }
}
