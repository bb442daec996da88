package org.kmemlab.grader;

/**
 * What happened to one submission JVM, as the grader saw it.
 *
 * @param output the submission's output (standard error; {@code System.out} points there), cut at the
 *               limit with a marker
 * @param exitCode the child's exit code, or -1 when it was killed
 * @param kill why the grader killed it, or null when it ended by itself or was closed
 * @param outOfMemory true when the JVM stopped on an {@code OutOfMemoryError}
 * @param exiting true when the JVM began to shut down before the grader ended the session (a
 *                {@code System.exit})
 * @param brokeChannel true when the child wrote bytes on the grader's channel (its real standard output)
 *                     that are not a frame the grader accepts: the grader stopped listening
 * @param wallMillis the child's wall-clock time
 * @param cpuMillis the CPU time of all its threads, or -1 when the platform does not say
 */
record ChildRun(String output, int exitCode, Kill kill, boolean outOfMemory, boolean exiting, boolean brokeChannel, long wallMillis,
                long cpuMillis) {

    /** Why the grader killed a child. */
    public enum Kill {
        /** One property ran longer than its timeout. */
        PROPERTY_TIMEOUT,
        /** The group ran longer than its wall-clock limit. */
        GROUP_TIMEOUT,
        /** The group used more CPU time than its limit. */
        CPU_LIMIT,
        /** The whole run reached its deadline. */
        RUN_TIMEOUT,
        /** The submission started more threads than allowed. */
        THREAD_LIMIT
    }
}
