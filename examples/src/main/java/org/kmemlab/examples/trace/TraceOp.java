package org.kmemlab.examples.trace;

/**
 * One operation of an allocation trace.
 *
 * <p>Every allocation in a trace has an id; later operations name the allocation by that id. CS:APP
 * traces number their ids themselves ({@code a 7 128}); ftrace traces have pointers instead, and the
 * parser turns each live pointer into an id.
 *
 * @param kind what the operation does
 * @param id the allocation it concerns, at least 0
 * @param size the requested size in bytes for {@link Kind#ALLOC} and {@link Kind#REALLOC}, 0 for
 *             {@link Kind#FREE}
 * @param gfp the allocation flags ({@code GFP_KERNEL} unless the trace says otherwise)
 * @param line the line of the trace file the operation came from, for messages
 */
public record TraceOp(Kind kind, int id, long size, int gfp, int line) {

    /** The three operations of the CS:APP malloc lab, which ftrace's kmalloc and kfree map onto. */
    public enum Kind {
        /** {@code a id size}: kmalloc. */
        ALLOC,
        /** {@code f id}: kfree. */
        FREE,
        /** {@code r id size}: krealloc, keeping the contents. */
        REALLOC
    }
}
