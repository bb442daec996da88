package org.kmemlab.grader;

import java.util.List;
import org.kmemlab.grader.child.SignedRecords.Record;

/**
 * What happened to one child JVM, as the parent saw it.
 *
 * @param records the authenticated records, in order
 * @param output the submission's output (standard error, and anything it wrote to standard output
 *               outside the records), cut at the limit with a marker
 * @param exitCode the child's exit code, or -1 when it was killed
 * @param kill why the parent killed it, or null when it ended by itself
 * @param outOfMemory true when the JVM stopped on an {@code OutOfMemoryError}
 * @param exiting the property that was running when the JVM began to shut down before its job was done
 *                (a {@code System.exit}), or null
 * @param rejectedLines lines on the record channel that failed authentication
 * @param wallMillis the child's wall-clock time
 * @param cpuMillis the CPU time of all its threads, or -1 when the platform does not say
 */
record ChildRun(List<Record> records, String output, int exitCode, Kill kill, boolean outOfMemory,
                       String exiting, int rejectedLines, long wallMillis, long cpuMillis) {

    /** Why the parent killed a child. */
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

    /** Copies the records. */
    public ChildRun {
        records = List.copyOf(records);
    }

    /** Returns true when the child finished its job (sent {@code done}). */
    public boolean done() {
        for (Record r : records) {
            if (r.type().equals("done")) {
                return true;
            }
        }
        return false;
    }
}
