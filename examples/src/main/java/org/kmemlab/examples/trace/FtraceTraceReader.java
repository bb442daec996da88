package org.kmemlab.examples.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code kmem:kmalloc} / {@code kmem:kfree} event lines. */
final class FtraceTraceReader {
    private static final Pattern EVENT = Pattern.compile("(?:^|\\s)(?:kmem:)?(kmalloc|kmalloc_node|kfree):\\s+(.*)$");
    /** Any other ftrace event line: "... 123.456789: some_event: ..." or "kmem:mm_page_alloc: ...". */
    private static final Pattern OTHER_EVENT = Pattern.compile("(\\d+\\.\\d+:\\s+\\S+:)|(^\\s*\\w+:\\w+:\\s)");

    private final String name;
    private final List<String> lines;
    private final Map<Long, Integer> liveIds = new HashMap<>();
    private final List<TraceOp> ops = new ArrayList<>();
    private int nextId;
    private int skipped;

    FtraceTraceReader(String name, List<String> lines) {
        this.name = name;
        this.lines = lines;
    }

    Trace read() throws TraceFormatException {
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            Matcher m = EVENT.matcher(text);
            if (m.find()) {
                FtraceFields fields = FtraceFields.parse(m.group(2));
                if (m.group(1).equals("kfree")) {
                    kfree(fields, lineNo);
                } else {
                    kmalloc(fields, lineNo);
                }
            } else if (OTHER_EVENT.matcher(text).find()) {
                skipped++;
            } else {
                throw new TraceFormatException(name, lineNo, "expected a kmem:kmalloc or kmem:kfree event"
                        + " (\"kmem:kmalloc: call_site=... ptr=0x... bytes_req=N bytes_alloc=N gfp_flags=...\"),"
                        + " found " + TraceParser.quote(text));
            }
        }
        if (ops.isEmpty()) {
            throw new TraceFormatException(name, 0, "expected at least one kmem:kmalloc event; found none in "
                    + lines.size() + " lines");
        }
        return new Trace(name, Trace.Format.FTRACE, nextId, ops, skipped);
    }

    private void kmalloc(FtraceFields fields, int lineNo) throws TraceFormatException {
        long ptr = pointer(fields, lineNo, "kmalloc");
        long bytes = number(fields, "bytes_req", lineNo);
        int gfp = FtraceGfp.parse(fields.require("gfp_flags", name, lineNo, "kmalloc"), name, lineNo);
        if (ptr == 0) {
            skipped++;
            return;
        }
        Integer stale = liveIds.remove(ptr);
        if (stale != null) {
            // The pointer came back without a kfree we saw (an event the ring buffer dropped, or a
            // path that frees without the kfree event): the old object must be gone.
            ops.add(new TraceOp(TraceOp.Kind.FREE, stale, 0, 0, lineNo));
        }
        int id = nextId++;
        liveIds.put(ptr, id);
        ops.add(new TraceOp(TraceOp.Kind.ALLOC, id, bytes, gfp, lineNo));
    }

    private void kfree(FtraceFields fields, int lineNo) throws TraceFormatException {
        long ptr = pointer(fields, lineNo, "kfree");
        Integer id = liveIds.remove(ptr);
        if (id == null) {
            skipped++;
            return;
        }
        ops.add(new TraceOp(TraceOp.Kind.FREE, id, 0, 0, lineNo));
    }

    private long pointer(FtraceFields fields, int lineNo, String event) throws TraceFormatException {
        String text = fields.require("ptr", name, lineNo, event);
        if (text.equals("(null)") || text.equals("0000000000000000")) {
            return 0;
        }
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        try {
            long ptr = Long.parseUnsignedLong(digits, 16);
            return ptr == 16 ? 0 : ptr; // ZERO_SIZE_PTR: nothing to free
        } catch (NumberFormatException e) {
            throw new TraceFormatException(name, lineNo, "expected ptr= as a hex pointer (0xffff888004a3c200),"
                    + " found " + TraceParser.quote(text));
        }
    }

    private long number(FtraceFields fields, String key, int lineNo) throws TraceFormatException {
        String text = fields.require(key, name, lineNo, "kmalloc");
        if (!TraceParser.isInteger(text)) {
            throw new TraceFormatException(name, lineNo, "expected " + key + "= as a non-negative integer,"
                    + " found " + TraceParser.quote(text));
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(name, lineNo, "expected " + key + "= to fit in 63 bits, found "
                    + TraceParser.quote(text));
        }
    }
}
