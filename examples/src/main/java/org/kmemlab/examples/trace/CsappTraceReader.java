package org.kmemlab.examples.trace;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;

/** Reads a CS:APP {@code .rep} trace. */
final class CsappTraceReader {
    private static final String[] HEADER = {"suggested heap size", "number of ids", "number of operations", "weight"};

    private final String name;
    private final List<String> lines;

    CsappTraceReader(String name, List<String> lines) {
        this.name = name;
        this.lines = lines;
    }

    Trace read() throws TraceFormatException {
        long[] header = new long[HEADER.length];
        int fields = 0;
        int lastLine = 0;
        List<TraceOp> ops = new ArrayList<>();
        boolean[] live = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            lastLine = lineNo;
            if (fields < HEADER.length) {
                if (!TraceParser.isInteger(text)) {
                    throw error(lineNo, "expected the header's " + HEADER[fields]
                            + " (a non-negative integer), found " + TraceParser.quote(text));
                }
                header[fields++] = parseNumber(text, lineNo, HEADER[fields - 1]);
                if (fields == 2) {
                    if (header[1] > Integer.MAX_VALUE - 8) {
                        throw error(lineNo, "expected a number of ids below 2^31, found " + header[1]);
                    }
                    live = new boolean[(int) header[1]];
                }
                continue;
            }
            ops.add(operation(text, lineNo, live));
        }
        if (fields < HEADER.length) {
            throw error(lastLine, "expected a header of four integer lines (heap size, ids, operations,"
                    + " weight), found " + fields);
        }
        if (ops.size() != header[2]) {
            throw error(lastLine, "the header declares " + header[2] + " operations but the file has "
                    + ops.size());
        }
        return new Trace(name, Trace.Format.CSAPP, (int) header[1], ops, 0);
    }

    private TraceOp operation(String text, int lineNo, boolean[] live) throws TraceFormatException {
        String[] words = text.split("\\s+");
        String op = words[0];
        int arity = switch (op) {
            case "a", "r" -> 3;
            case "f" -> 2;
            default -> throw error(lineNo, "expected 'a id size', 'f id' or 'r id size', found " + TraceParser.quote(text));
        };
        String form = op.equals("f") ? "'f id'" : "'" + op + " id size'";
        if (words.length != arity) {
            throw error(lineNo, "expected " + form + " (" + arity + " fields), found " + TraceParser.quote(text));
        }
        long id = parseNumber(words[1], lineNo, "id");
        if (id >= live.length) {
            throw error(lineNo, "expected an id in 0.." + (live.length - 1) + " (the header declares "
                    + live.length + " ids), found " + id);
        }
        int i = (int) id;
        long size = arity == 3 ? parseNumber(words[2], lineNo, "size") : 0;
        switch (op) {
            case "a" -> {
                if (live[i]) {
                    throw error(lineNo, "expected 'f " + i + "' before id " + i + " is allocated again");
                }
                live[i] = true;
                return new TraceOp(TraceOp.Kind.ALLOC, i, size, Gfp.GFP_KERNEL, lineNo);
            }
            case "r" -> {
                if (!live[i]) {
                    throw error(lineNo, "expected 'a " + i + " size' before id " + i + " is resized");
                }
                return new TraceOp(TraceOp.Kind.REALLOC, i, size, Gfp.GFP_KERNEL, lineNo);
            }
            default -> {
                if (!live[i]) {
                    throw error(lineNo, "expected 'a " + i + " size' before id " + i + " is freed");
                }
                live[i] = false;
                return new TraceOp(TraceOp.Kind.FREE, i, 0, 0, lineNo);
            }
        }
    }

    private long parseNumber(String word, int lineNo, String what) throws TraceFormatException {
        if (!TraceParser.isInteger(word)) {
            throw error(lineNo, "expected the " + what + " as a non-negative integer, found " + TraceParser.quote(word));
        }
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw error(lineNo, "expected the " + what + " to fit in 63 bits, found " + TraceParser.quote(word));
        }
    }

    private TraceFormatException error(int line, String problem) {
        return new TraceFormatException(name, line, problem);
    }
}
