package org.kmemlab.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The kernel log ring buffer of a simulated machine: what {@code printk} writes and {@code dmesg} reads.
 *
 * <p>Every line carries a sequence number, a time stamp in seconds since boot and a printk level. The
 * ring keeps the newest {@link #capacity()} lines; older ones are dropped and counted, as the real ring
 * buffer overwrites its oldest records. A multi-line message becomes several lines with one level.
 *
 * <p>Whether {@link #format(Entry)} and {@link #text()} show the time stamp depends on the kernel
 * ({@link #printkTime(boolean)}): today's shows {@code [    0.040357]} ({@code CONFIG_PRINTK_TIME}, since
 * 2.6.11); Linux 2.0's {@code printk} stored only the level and the text ({@code kernel/printk.c},
 * tag 2.0, lines 150-190), so a 2.0 kernel turns them off.
 *
 * <p>Library code never prints; it logs here, and the command line or a test reads the ring. The buffer
 * is safe for concurrent use.
 */
public final class Dmesg {

    /** The printk levels, {@code KERN_EMERG} (0) to {@code KERN_DEBUG} (7). */
    public enum Level {
        /** System is unusable. */
        EMERG,
        /** Action must be taken immediately. */
        ALERT,
        /** Critical conditions. */
        CRIT,
        /** Error conditions; kernel bugs are logged at this level. */
        ERR,
        /** Warning conditions; allocation failures are logged at this level. */
        WARNING,
        /** Normal but significant. */
        NOTICE,
        /** Informational; boot messages. */
        INFO,
        /** Debugging. */
        DEBUG;

        /** Returns the {@code <n>} prefix the kernel stores with a record. */
        public String prefix() {
            return "<" + ordinal() + ">";
        }
    }

    /**
     * One line of the log.
     *
     * @param sequence the line's number since boot, starting at 0
     * @param nanosSinceBoot when it was logged
     * @param level its printk level
     * @param text the text, without a trailing newline
     */
    public record Entry(long sequence, long nanosSinceBoot, Level level, String text) {

        /** Formats the line as {@code dmesg} shows it: {@code [    0.000123] text}. */
        public String format() {
            long micros = TimeUnit.NANOSECONDS.toMicros(nanosSinceBoot);
            return Checks.format("[%5d.%06d] %s", micros / 1_000_000, micros % 1_000_000, text);
        }
    }

    /** The number of lines kept by default. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final LongSupplier clock;
    private final long bootNanos;
    private volatile boolean printkTime = true;
    private final Entry[] ring;
    private long next;

    /** Creates a ring of {@link #DEFAULT_CAPACITY} lines time-stamped with {@link System#nanoTime()}. */
    public Dmesg() {
        this(DEFAULT_CAPACITY, System::nanoTime);
    }

    /**
     * Creates a ring of {@code capacity} lines whose time stamps come from {@code clock} (nanoseconds; the
     * first reading is boot).
     */
    public Dmesg(int capacity, LongSupplier clock) {
        Checks.requireArgument(capacity > 0, "dmesg capacity %d must be positive", capacity);
        this.clock = Checks.requireNonNull(clock, "clock");
        this.bootNanos = clock.getAsLong();
        this.ring = new Entry[capacity];
    }

    /** Logs {@code text} at {@code level}; each line of a multi-line text becomes its own entry. */
    public synchronized void printk(Level level, String text) {
        Checks.requireNonNull(level, "level");
        long now = clock.getAsLong() - bootNanos;
        for (String line : text.split("\n", -1)) {
            ring[(int) (next % ring.length)] = new Entry(next, now, level, line);
            next++;
        }
    }

    /** Logs at {@link Level#INFO}. */
    public void info(String text) {
        printk(Level.INFO, text);
    }

    /** Logs at {@link Level#WARNING}. */
    public void warn(String text) {
        printk(Level.WARNING, text);
    }

    /** Logs at {@link Level#ERR}. */
    public void err(String text) {
        printk(Level.ERR, text);
    }

    /** Returns the lines still in the ring, oldest first. */
    public synchronized List<Entry> entries() {
        long first = Math.max(0, next - ring.length);
        List<Entry> lines = new ArrayList<>((int) (next - first));
        for (long s = first; s < next; s++) {
            lines.add(ring[(int) (s % ring.length)]);
        }
        return lines;
    }

    /** Returns the lines logged after sequence number {@code sequence} (exclusive) that are still kept. */
    public synchronized List<Entry> entriesAfter(long sequence) {
        List<Entry> lines = new ArrayList<>();
        for (Entry e : entries()) {
            if (e.sequence() > sequence) {
                lines.add(e);
            }
        }
        return lines;
    }

    /** Returns the sequence number the next line will get. */
    public synchronized long nextSequence() {
        return next;
    }

    /** Returns how many lines were overwritten because the ring was full. */
    public synchronized long dropped() {
        return Math.max(0, next - ring.length);
    }

    /** Returns the number of lines the ring keeps. */
    public int capacity() {
        return ring.length;
    }

    /**
     * Sets whether lines are shown with their time stamps ({@code printk.time}): true for today's kernels,
     * false for Linux 2.0, whose printk had none. The stamps are still recorded.
     */
    public void printkTime(boolean shown) {
        printkTime = shown;
    }

    /** Returns true when lines are shown with time stamps (see {@link #printkTime(boolean)}). */
    public boolean printkTime() {
        return printkTime;
    }

    /** Formats one line as this kernel's {@code dmesg} shows it: with its time stamp, or (Linux 2.0) without. */
    public String format(Entry e) {
        return printkTime ? e.format() : e.text();
    }

    /** Returns the whole kept log as {@code dmesg} prints it, one line each ({@link #format(Entry)}). */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries()) {
            out.append(format(e)).append('\n');
        }
        return out.toString();
    }

    /** Returns true when any kept line contains {@code fragment}. */
    public boolean contains(String fragment) {
        for (Entry e : entries()) {
            if (e.text().contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
