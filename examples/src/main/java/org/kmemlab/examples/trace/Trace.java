package org.kmemlab.examples.trace;

import java.util.List;

/**
 * A parsed allocation trace: its operations in order and what the parser learnt about it.
 *
 * @param name the file name, used in reports
 * @param format which syntax it was written in
 * @param ids the number of distinct allocation ids (ids run from 0 to {@code ids - 1})
 * @param ops the operations in trace order
 * @param skipped lines that were valid but carry nothing to replay (other ftrace events, frees of
 *                pointers allocated before tracing started, failed kmallocs recorded as {@code ptr=0})
 */
public record Trace(String name, Format format, int ids, List<TraceOp> ops, int skipped) {

    /** The syntaxes {@link TraceParser} reads. */
    public enum Format {
        /** The CS:APP malloc lab's {@code .rep} files: four header numbers, then {@code a/f/r} lines. */
        CSAPP,
        /** Lines of the Linux {@code kmem:kmalloc} and {@code kmem:kfree} trace events. */
        FTRACE
    }

    /** Copies the operation list. */
    public Trace {
        ops = List.copyOf(ops);
    }
}
