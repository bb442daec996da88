package org.kmemlab.testkit.contract.chain;

import org.kmemlab.api.bug.KernelBug;

/** Small formatting helpers every contract's reports use: buddyinfo rows, KernelBug headlines, thrown exceptions. */
public final class Reports {

    private Reports() {
    }

    /** Formats a buddyinfo row as {@code [order0 order1 …]}: {@code [1 0 2 1]}. */
    public static String layout(long[] counts) {
        StringBuilder out = new StringBuilder("[");
        for (int k = 0; k < counts.length; k++) {
            if (k > 0) {
                out.append(' ');
            }
            out.append(counts[k]);
        }
        return out.append(']').toString();
    }

    /** Formats a snapshot (layout, then free frames). */
    public static String snapshot(long[] snap) {
        long[] layout = java.util.Arrays.copyOf(snap, snap.length - 1);
        return snap[snap.length - 1] + " free frames, buddyinfo " + layout(layout);
    }

    /** Returns the first line of a kernel bug's message. */
    public static String headline(KernelBug bug) {
        return bug.getClass().getSimpleName() + ": " + bug.headline();
    }

    /** Describes an exception that was not expected for a report. */
    public static String thrown(RuntimeException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int newline = message.indexOf('\n');
        return "threw " + e.getClass().getName() + (message.isEmpty() ? "" : ": "
                + (newline < 0 ? message : message.substring(0, newline)));
    }
}
