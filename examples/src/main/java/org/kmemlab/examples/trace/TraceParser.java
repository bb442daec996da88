package org.kmemlab.examples.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads allocation traces in two formats and turns them into {@link TraceOp}s.
 *
 * <h2>CS:APP malloc-lab traces ({@code .rep})</h2>
 * Four header lines, each one integer: the suggested heap size (ignored here), the number of ids, the
 * number of operations and a weight (ignored). Then one operation per line:
 * <pre>
 * a 0 512     allocate 512 bytes as id 0
 * r 0 1024    resize id 0 to 1024 bytes, keeping its contents
 * f 0         free id 0
 * </pre>
 * An id must lie below the declared number of ids, may not be allocated twice without a free in between,
 * and must be live when it is freed or resized; the number of operations must match the header. Lines
 * starting with {@code #} and blank lines are ignored (the lab's own traces have none, ours do).
 *
 * <h2>Linux ftrace {@code kmem} events</h2>
 * Lines of the {@code kmem:kmalloc} and {@code kmem:kfree} tracepoints, as {@code perf script},
 * {@code trace-cmd report} or {@code /sys/kernel/tracing/trace} print them:
 * <pre>
 *  bash-1402 [001] .....  81.092318: kmem:kmalloc: call_site=seq_open+0x3c/0xa0 ptr=0xffff888004a3c200
 *      bytes_req=120 bytes_alloc=128 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false
 *  bash-1402 [001] .....  81.092901: kmem:kfree: call_site=seq_release+0x24/0x30 ptr=0xffff888004a3c200
 * </pre>
 * (one line each). The event name may appear without the {@code kmem:} prefix, and {@code kmalloc_node}
 * counts as {@code kmalloc}. Pointers may be written with or without {@code 0x}. Each kmalloc'd pointer
 * becomes a new id; its kfree frees that id. Skipped, and counted in {@link Trace#skipped()}: other
 * events, kmallocs that failed ({@code ptr=0}), and kfrees of NULL, of {@code ZERO_SIZE_PTR} or of
 * pointers allocated before the trace began. GFP modifiers this simulation does not model
 * ({@code __GFP_ACCOUNT}, …) are dropped; user-space bases ({@code GFP_USER}, {@code GFP_HIGHUSER…})
 * and {@code GFP_KERNEL_ACCOUNT} replay as {@code GFP_KERNEL}.
 *
 * <p>A malformed line raises a {@link TraceFormatException} naming the file, the line and what was
 * expected there.
 */
public final class TraceParser {

    private TraceParser() {
    }

    /**
     * Reads and parses the trace in {@code file}.
     *
     * @throws IOException when the file cannot be read
     * @throws TraceFormatException at the first malformed line
     */
    public static Trace parse(Path file) throws IOException, TraceFormatException {
        // Latin-1 decodes every byte, so a binary or mis-encoded file gets a line-numbered error, not a decoding one.
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        return parse(file.toString(), lines);
    }

    /**
     * Parses {@code lines}, reporting errors against {@code name}.
     *
     * @throws TraceFormatException at the first malformed line
     */
    public static Trace parse(String name, List<String> lines) throws TraceFormatException {
        for (String line : lines) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            return isInteger(text)
                    ? new CsappTraceReader(name, lines).read()
                    : new FtraceTraceReader(name, lines).read();
        }
        throw new TraceFormatException(name, 0, "the trace is empty; expected a CS:APP header (four integers)"
                + " or kmem:kmalloc / kmem:kfree lines");
    }

    /**
     * Returns {@code text} for an error message: at most 60 characters, and anything but printable ASCII
     * shown as {@code ?} so that a binary file cannot garble the terminal.
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 60; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return "'" + (text.length() > 60 ? out.substring(0, 57) + "..." : out.toString()) + "'";
    }

    static boolean isInteger(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
