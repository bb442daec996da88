package org.kmemlab.grader;

import java.nio.charset.StandardCharsets;
import org.kmemlab.api.Checks;

/**
 * The output of a submission, kept up to a limit: everything past it is counted, not stored, and the
 * text ends with a visible marker that says how much was cut.
 *
 * <p>A submission that prints 100 MB must neither fill the grader's memory nor a results file (Gradescope
 * and PrairieLearn cap those), and a student who sees a short output must be told it was cut:
 * {@code [output truncated: 104857600 more bytes not shown]}. Safe for several writers.
 */
public final class BoundedOutput {

    private final int limitBytes;
    private final StringBuilder text = new StringBuilder();
    private int keptBytes;
    private long droppedBytes;

    /** Keeps up to {@code limitBytes} bytes (UTF-8) of output. */
    public BoundedOutput(int limitBytes) {
        Checks.requireArgument(limitBytes >= 0, "output limit %d is negative", limitBytes);
        this.limitBytes = limitBytes;
    }

    /** Appends a line (a newline is added). */
    public synchronized void appendLine(String line) {
        append(line + "\n");
    }

    /** Appends text, keeping what fits and counting the rest. */
    public synchronized void append(String chunk) {
        byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
        if (droppedBytes > 0 || keptBytes + bytes.length > limitBytes) {
            int room = Math.max(0, limitBytes - keptBytes);
            if (room > 0 && droppedBytes == 0) {
                String head = new String(bytes, 0, room, StandardCharsets.UTF_8);
                // A cut through a multi-byte character decodes to U+FFFD; drop it.
                if (head.endsWith("\uFFFD")) {
                    head = head.substring(0, head.length() - 1);
                }
                text.append(head);
                int kept = head.getBytes(StandardCharsets.UTF_8).length;
                keptBytes += kept;
                droppedBytes += bytes.length - kept;
            } else {
                droppedBytes += bytes.length;
            }
            return;
        }
        text.append(chunk);
        keptBytes += bytes.length;
    }

    /** Counts bytes that were read but not even decoded (a flood). */
    public synchronized void drop(long bytes) {
        droppedBytes += bytes;
    }

    /** Returns true when something was cut. */
    public synchronized boolean truncated() {
        return droppedBytes > 0;
    }

    /** Returns the bytes cut. */
    public synchronized long droppedBytes() {
        return droppedBytes;
    }

    /** Returns true when nothing was written. */
    public synchronized boolean isEmpty() {
        return keptBytes == 0 && droppedBytes == 0;
    }

    /** Returns the kept text, followed by the truncation marker when something was cut. */
    @Override
    public synchronized String toString() {
        if (droppedBytes == 0) {
            return text.toString();
        }
        String sep = text.length() == 0 || text.charAt(text.length() - 1) == '\n' ? "" : "\n";
        return text + sep + marker(droppedBytes);
    }

    /** Returns the marker for {@code dropped} bytes: {@code [output truncated: 42 more bytes not shown]}. */
    public static String marker(long dropped) {
        return "[output truncated: " + dropped + " more bytes not shown]";
    }
}
