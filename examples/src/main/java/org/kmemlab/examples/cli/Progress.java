package org.kmemlab.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar for long work, drawn on one terminal line and redrawn in place:
 * <pre>
 * replaying trace  [##############----------------]  47%  (4700/10000)
 * </pre>
 * It draws only when it is enabled (the command line enables it when standard error is a terminal and
 * {@code --quiet} is not given), so that output piped to a file or read by a test holds no control
 * characters. It redraws at most once per percent.
 */
public final class Progress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private String label = "";
    private long total;
    private int lastPercent = -1;

    /** Creates a bar that draws on {@code err} when {@code enabled}. */
    public Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Returns a bar that never draws. */
    public static Progress none() {
        return new Progress(new PrintWriter(java.io.Writer.nullWriter()), false);
    }

    /** Starts a task of {@code total} steps. */
    public void start(String what, long total) {
        this.label = what;
        this.total = Math.max(total, 1);
        this.lastPercent = -1;
        update(0);
    }

    /** Reports that {@code done} of the total steps are done. */
    public void update(long done) {
        if (!enabled) {
            return;
        }
        int percent = (int) Math.min(100, done * 100 / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        StringBuilder bar = new StringBuilder("\r").append(label).append("  [");
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '#' : '-');
        }
        bar.append("] ").append(String.format(Locale.ROOT, "%3d%%", percent)).append("  (").append(done).append('/')
                .append(total).append(')');
        err.print(bar);
        err.flush();
    }

    /** Ends the task and clears the bar's line. */
    public void done() {
        if (!enabled) {
            return;
        }
        update(total);
        err.print("\r\033[K");
        err.flush();
    }
}
