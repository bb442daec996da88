package org.kmemlab.grader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.kmemlab.grader.child.Op;

/**
 * The calls that crossed the channel to one submission, counted by operation: those the grader sent
 * ({@code P_ALLOCATE}, {@code Z_ZONEINFO}, …) and those the submission's JVM made back (a page source, a
 * shrinker, a slab constructor). Each is a round trip between two processes, the main cost of grading
 * remotely, so the instructors' notes list them: a count that grows with the effort shows where the time
 * goes.
 */
final class CallCounts {

    private final AtomicLongArray sent = new AtomicLongArray(Op.LIMIT);
    private final AtomicLongArray back = new AtomicLongArray(Op.LIMIT);

    /** Counts one call of {@code op} the grader sent. */
    void sent(short op) {
        sent.incrementAndGet(op & (Op.LIMIT - 1));
    }

    /** Counts one call of {@code op} the submission's JVM made back. */
    void back(short op) {
        back.incrementAndGet(op & (Op.LIMIT - 1));
    }

    /** Adds {@code other}'s counts to these. */
    void add(CallCounts other) {
        for (int op = 0; op < Op.LIMIT; op++) {
            sent.addAndGet(op, other.sent.get(op));
            back.addAndGet(op, other.back.get(op));
        }
    }

    /** Returns the calls sent, every operation together. */
    long sent() {
        return sum(sent);
    }

    /** Returns the calls made back, every operation together. */
    long back() {
        return sum(back);
    }

    private static long sum(AtomicLongArray counts) {
        long total = 0;
        for (int op = 0; op < Op.LIMIT; op++) {
            total += counts.get(op);
        }
        return total;
    }

    /**
     * Returns the counts as one line, most frequent first: {@code "1200 calls (P_ALLOCATE 500, P_FREE 480,
     * …); 30 calls back (PS_GET_FREE_PAGES 30)"}.
     */
    String describe() {
        String line = sent() + " calls (" + byCount(sent) + ")";
        return back() == 0 ? line : line + "; " + back() + " calls back (" + byCount(back) + ")";
    }

    private static String byCount(AtomicLongArray counts) {
        List<long[]> rows = new ArrayList<>();
        for (int op = 0; op < Op.LIMIT; op++) {
            if (counts.get(op) > 0) {
                rows.add(new long[] {op, counts.get(op)});
            }
        }
        rows.sort((a, b) -> Long.compare(b[1], a[1]));
        List<String> parts = new ArrayList<>();
        for (long[] r : rows) {
            parts.add(Op.name((int) r[0]) + " " + r[1]);
        }
        return String.join(", ", parts);
    }
}
