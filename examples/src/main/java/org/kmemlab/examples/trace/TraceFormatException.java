package org.kmemlab.examples.trace;

/**
 * A trace file that does not follow its format. The message is one line in the style of a compiler
 * error, {@code file:line: what was expected}, so editors can jump to it.
 */
public final class TraceFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * Creates the error.
     *
     * @param file the trace's name
     * @param line the 1-based line number (0 when the problem is the whole file, e.g. it is empty)
     * @param problem what was expected and what was found
     */
    public TraceFormatException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** Returns the trace's name. */
    public String file() {
        return file;
    }

    /** Returns the 1-based line number. */
    public int line() {
        return line;
    }
}
