package org.kmemlab.grader;

/**
 * The outcome of one graded test, as a student reads it. Gradescope knows only "passed" and "failed";
 * the grader writes this status at the top of each test's output and in its tags.
 */
public enum Status {

    /** The property held (or the performance test ran). */
    PASSED("passed", "PASSED"),
    /** The property failed: the output has the shrunk counterexample. */
    FAILED("failed", "FAILED"),
    /** The property ran longer than its time limit, or the group's or run's time or CPU budget ran out. */
    TIMED_OUT("timed_out", "TIMED OUT"),
    /** The JVM ran out of heap while the property ran. */
    OUT_OF_MEMORY("out_of_memory", "OUT OF MEMORY"),
    /** The JVM died abnormally, or the submission could not be loaded or run at all. */
    CRASHED("crashed", "CRASHED"),
    /** The submission stopped the JVM ({@code System.exit}, {@code Runtime.halt}) while the property ran. */
    EXITED("exited", "EXITED"),
    /** The submission breaks the submission rules (or started too many threads). */
    RULES_VIOLATED("rules_violated", "RULES VIOLATED");

    private final String key;
    private final String label;

    Status(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** Returns the lower-case key used in tags, CSV and JUnit XML: {@code timed_out}. */
    public String key() {
        return key;
    }

    /** Returns the label shown to students: {@code TIMED OUT}. */
    public String label() {
        return label;
    }

    /** Returns true only for {@link #PASSED}. */
    public boolean passed() {
        return this == PASSED;
    }
}
