package org.kmemlab.examples.web;

import java.util.Locale;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.examples.trace.Replayer;
import org.kmemlab.examples.trace.Trace;
import org.kmemlab.examples.trace.TraceOp;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;

/**
 * Records the replay of an allocation trace as a {@link Film}: step N is the machine after the trace's
 * first N operations, done exactly as {@link Replayer#apply} does them in the timed runs.
 */
public final class TraceFilms {

    private TraceFilms() {
    }

    /**
     * Boots a kernel from {@code builder} (watched by {@code film}, see {@link Film#watching}), replays
     * {@code trace} on it with one step per operation, and returns the kernel as the trace left it.
     */
    public static Kernel record(Film film, KernelBuilder builder, Trace trace) {
        Kernel kernel = builder.boot();
        long[] addr = new long[trace.ids()];
        for (TraceOp op : trace.ops()) {
            long before = addr[op.id()];
            Replayer.apply(kernel, op, addr);
            long after = addr[op.id()];
            if (after != KernelMemory.NULL && after != before && after != KernelMemory.ZERO_SIZE_PTR) {
                film.watch().labelKmalloc(kernel, after);
            }
            film.step(describe(op, before, after));
        }
        return kernel;
    }

    /** Describes one operation as kernel code would have written it, with what it returned. */
    static String describe(TraceOp op, long before, long after) {
        String where = " [id " + op.id() + ", line " + op.line() + "]";
        return switch (op.kind()) {
            case ALLOC -> String.format(Locale.ROOT, "kmalloc(%d, %s) = %s%s", op.size(), Gfp.toString(op.gfp()),
                    pointer(after), where);
            case REALLOC -> before == KernelMemory.NULL
                    ? "krealloc of id " + op.id() + " skipped: it holds no allocation" + where
                    : String.format(Locale.ROOT, "krealloc(%s, %d, %s) = %s%s", pointer(before), op.size(),
                            Gfp.toString(op.gfp()), after == before ? "(same block)" : pointer(after), where);
            case FREE -> "kfree(" + pointer(before) + ")" + where;
        };
    }

    private static String pointer(long addr) {
        return addr == KernelMemory.NULL ? "NULL" : "0x" + Long.toHexString(addr);
    }
}
