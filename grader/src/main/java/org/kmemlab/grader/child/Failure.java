package org.kmemlab.grader.child;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SleepInAtomicBug;
import org.kmemlab.api.bug.SlabCacheBug;

/**
 * An exception thrown on one side of the channel, written as a {@link Wire#THROW} body and thrown again
 * on the other: a {@link KernelBug} as its own type from the api ({@link BadPageStateBug},
 * {@link DoubleFreeBug}, {@link SlabCacheBug}, {@link CorruptionBug}, {@link InvalidFreeBug},
 * {@link SleepInAtomicBug}) with the same report, so a contract may tell them apart by type as it would
 * in one JVM; or any other throwable by class name and message. The stack trace travels too (its first frames), so a student's report still points at
 * the line of their allocator that threw.
 */
public final class Failure {

    private static final int MAX_FRAMES = 24;
    private static final int MAX_TEXT = 16_000;

    private Failure() {
    }

    /**
     * Writes {@code t}. Its own methods are the submission's code ({@code getMessage}, {@code getStackTrace},
     * a {@code KernelBug}'s {@code headline}, all of which a subclass may override): when one of them throws
     * or returns null, {@code t} is written as a plain failure of its class with a message that says so, so
     * the call still gets an answer (not a silent lane that only a timeout ends).
     */
    public static void write(Throwable t, DataOutputStream out) throws IOException {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        try {
            writeAsItself(t, new DataOutputStream(first));
        } catch (RuntimeException | Error e) {
            out.writeByte(2);
            out.writeUTF(t.getClass().getName());
            out.writeUTF("(its own " + (e instanceof NullPointerException ? "methods returned null" : "methods threw "
                    + e.getClass().getName()) + " while the grader read its message or stack trace)");
            out.writeShort(0);
            return;
        }
        first.writeTo(out);
    }

    private static void writeAsItself(Throwable t, DataOutputStream out) throws IOException {
        if (t instanceof SleepInAtomicBug s) {
            out.writeByte(1);
            out.writeUTF(cut(s.where()));
            writeBug(s, out);
        } else if (t instanceof CorruptionBug c) {
            // The slab contract tells a corruption report (red zone, poison) from other bugs by its type.
            out.writeByte(3);
            out.writeUTF(cut(c.cache()));
            out.writeUTF(cut(c.what()));
            out.writeLong(c.firstBadAddress());
            writeBug(c, out);
        } else if (t instanceof InvalidFreeBug f) {
            out.writeByte(4);
            out.writeLong(f.address());
            writeBug(f, out);
        } else if (t instanceof BadPageStateBug p) {
            out.writeByte(5);
            out.writeLong(p.pfn());
            out.writeInt(p.order());
            writeBug(p, out);
        } else if (t instanceof DoubleFreeBug d) {
            out.writeByte(6);
            out.writeUTF(cut(d.cache()));
            out.writeLong(d.address());
            writeBug(d, out);
        } else if (t instanceof SlabCacheBug c) {
            out.writeByte(7);
            out.writeUTF(cut(c.cache()));
            writeBug(c, out);
        } else if (t instanceof KernelBug b) {
            out.writeByte(0);
            writeBug(b, out);
        } else {
            out.writeByte(2);
            out.writeUTF(t.getClass().getName());
            out.writeUTF(cut(String.valueOf(t.getMessage())));
        }
        StackTraceElement[] frames = t.getStackTrace();
        int n = Math.min(frames.length, MAX_FRAMES);
        out.writeShort(n);
        for (int i = 0; i < n; i++) {
            out.writeUTF(cut(frames[i].getClassName()));
            out.writeUTF(cut(frames[i].getMethodName()));
            out.writeUTF(frames[i].getFileName() == null ? "" : cut(frames[i].getFileName()));
            out.writeInt(frames[i].getLineNumber());
        }
    }

    private static void writeBug(KernelBug b, DataOutputStream out) throws IOException {
        out.writeUTF(cut(b.headline()));
        out.writeUTF(cut(b.details()));
        out.writeUTF(cut(b.advice()));
    }

    /**
     * Reads a failure and returns the throwable to throw on this side: an unchecked exception or an
     * error the property engine treats as the implementation's failure.
     */
    public static RuntimeException read(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        Throwable t;
        switch (type) {
            case 0 -> t = new KernelBug(in.readUTF(), in.readUTF(), in.readUTF());
            case 1 -> {
                String where = in.readUTF();
                String headline = in.readUTF();
                in.readUTF();
                in.readUTF();
                t = new SleepInAtomicBug(where, 1, headline.contains("irq"), "the caller's context, forwarded");
            }
            case 2 -> t = rebuild(in.readUTF(), in.readUTF());
            case 3 -> t = corruption(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(),
                    in.readUTF());
            case 4 -> {
                long address = in.readLong();
                t = InvalidFreeBug.of(in.readUTF(), in.readUTF(), in.readUTF(), address);
            }
            case 5 -> {
                long pfn = in.readLong();
                int order = in.readInt();
                in.readUTF();
                t = badPageState(pfn, order, in.readUTF(), in.readUTF());
            }
            case 6 -> {
                String cache = in.readUTF();
                long address = in.readLong();
                in.readUTF();
                String details = in.readUTF();
                in.readUTF();
                int newline = details.indexOf('\n');
                t = new DoubleFreeBug(cache, address, newline < 0 ? "" : details.substring(newline + 1));
            }
            case 7 -> t = slabCacheBug(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
            default -> throw new IOException("a failure of unknown type " + type);
        }
        int n = in.readUnsignedShort();
        StackTraceElement[] frames = new StackTraceElement[Math.min(n, MAX_FRAMES)];
        for (int i = 0; i < n; i++) {
            StackTraceElement e = new StackTraceElement(in.readUTF(), in.readUTF(), nullIfEmpty(in.readUTF()),
                    in.readInt());
            if (i < frames.length) {
                frames[i] = e;
            }
        }
        t.setStackTrace(frames);
        if (t instanceof StackOverflowError e) {
            throw e;
        }
        return (RuntimeException) t;
    }

    /** The JDK's unchecked exceptions come back as themselves; anything else as a RuntimeException. */
    private static Throwable rebuild(String type, String message) {
        Function<String, Throwable> make = switch (type) {
            case "java.lang.IllegalStateException" -> IllegalStateException::new;
            case "java.lang.IllegalArgumentException" -> IllegalArgumentException::new;
            case "java.lang.IndexOutOfBoundsException" -> IndexOutOfBoundsException::new;
            case "java.lang.ArrayIndexOutOfBoundsException" -> ArrayIndexOutOfBoundsException::new;
            case "java.lang.NullPointerException" -> NullPointerException::new;
            case "java.lang.UnsupportedOperationException" -> UnsupportedOperationException::new;
            case "java.lang.ArithmeticException" -> ArithmeticException::new;
            case "java.lang.ClassCastException" -> ClassCastException::new;
            case "java.lang.NegativeArraySizeException" -> NegativeArraySizeException::new;
            case "java.lang.StackOverflowError" -> StackOverflowError::new;
            default -> m -> new RuntimeException(type + ": " + m);
        };
        return make.apply(message);
    }

    /** The first line of a {@link CorruptionBug}'s details, as its constructor formats it. */
    private static final java.util.regex.Pattern CORRUPTION = java.util.regex.Pattern.compile(
            "0x([0-9a-f]+)-0x([0-9a-f]+) @offset=(\\d+)\\. First byte 0x([0-9a-f]{2}) instead of 0x([0-9a-f]{2})");

    /**
     * Rebuilds a corruption report with the same type, cache, what and first bad address. Its details are
     * parsed back into the constructor's values, so headline and details read as they did in the child;
     * details in another form are kept whole after a first line that names only the first bad address.
     */
    private static CorruptionBug corruption(String cache, String what, long firstBad, String headline, String details,
                                            String advice) {
        int newline = details.indexOf('\n');
        String first = newline < 0 ? details : details.substring(0, newline);
        String extra = newline < 0 ? "" : details.substring(newline + 1);
        java.util.regex.Matcher m = CORRUPTION.matcher(first);
        try {
            if (m.matches()) {
                return new CorruptionBug(cache, what, Long.parseUnsignedLong(m.group(1), 16),
                        Long.parseUnsignedLong(m.group(2), 16), Long.parseLong(m.group(3)),
                        (byte) Integer.parseInt(m.group(4), 16), (byte) Integer.parseInt(m.group(5), 16), extra,
                        advice);
            }
        } catch (NumberFormatException e) {
            // Fall through to the plain form.
        }
        return new CorruptionBug(cache, what, firstBad, firstBad, 0, (byte) 0, (byte) 0, details, advice);
    }

    private static final String BAD_PAGE_REASON = "page dumped because: ";

    /**
     * Rebuilds a bad page state report from its pfn, order, reason and advice. Its headline names the
     * process (the thread) it is made in, so here it names the grader's thread that made the call.
     */
    private static BadPageStateBug badPageState(long pfn, int order, String details, String advice) {
        String reason = details.startsWith(BAD_PAGE_REASON) ? details.substring(BAD_PAGE_REASON.length()) : details;
        return new BadPageStateBug(pfn, order, reason, advice);
    }

    private static final Pattern STILL_HAS = Pattern.compile("INFO: (\\d{1,18}) objects? (?:is|are) still allocated");
    private static final Pattern ADDRESS = Pattern.compile("INFO: (?:object )?0x([0-9a-f]{1,16})\\b.*", Pattern.DOTALL);

    /**
     * Rebuilds a slab cache misuse report through the factory that made it. {@link SlabCacheBug} has no
     * public constructor, so the factory's arguments are read back from the report and the rebuilt report
     * must read exactly as the one sent; a report none of the factories makes (its text was cut, say)
     * arrives as a plain {@link KernelBug} with the same text.
     */
    private static KernelBug slabCacheBug(String cache, String headline, String details, String advice) {
        List<SlabCacheBug> candidates = new ArrayList<>();
        Matcher live = STILL_HAS.matcher(details);
        if (live.matches()) {
            candidates.add(SlabCacheBug.stillHasObjects(cache, Long.parseLong(live.group(1))));
        }
        Matcher address = ADDRESS.matcher(details);
        if (address.matches()) {
            long addr = Long.parseUnsignedLong(address.group(1), 16);
            String wrong = "kmem_cache_free: Wrong slab cache. " + cache + " but object is from ";
            if (headline.startsWith(wrong)) {
                candidates.add(SlabCacheBug.wrongCache(cache, headline.substring(wrong.length()), addr));
            }
            candidates.add(SlabCacheBug.notInCache(cache, addr));
        }
        String destroyed = "BUG " + cache + ": ";
        String after = " after kmem_cache_destroy";
        if (headline.startsWith(destroyed) && headline.endsWith(after)
                && headline.length() >= destroyed.length() + after.length()) {
            candidates.add(SlabCacheBug.destroyed(cache, headline.substring(destroyed.length(),
                    headline.length() - after.length())));
        }
        for (SlabCacheBug c : candidates) {
            if (c.headline().equals(headline) && c.details().equals(details) && c.advice().equals(advice)) {
                return c;
            }
        }
        return new KernelBug(headline, details, advice);
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String cut(String s) {
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + " …" : s;
    }
}
