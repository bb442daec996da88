package org.kmemlab.examples.trace;

import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code key=value} fields of one trace event, as the kernel's {@code TP_printk} writes them:
 * {@code call_site=seq_open+0x3c/0xa0 ptr=0xffff888004a3c200 bytes_req=120 ...}.
 */
final class FtraceFields {

    private final Map<String, String> values;

    private FtraceFields(Map<String, String> values) {
        this.values = values;
    }

    /** Splits {@code text} at white space into fields; words without {@code =} are ignored. */
    static FtraceFields parse(String text) {
        Map<String, String> values = new TreeMap<>();
        for (String word : text.strip().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                values.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return new FtraceFields(values);
    }

    /**
     * Returns the value of {@code key}.
     *
     * @throws TraceFormatException naming the missing field when there is none
     */
    String require(String key, String file, int line, String event) throws TraceFormatException {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new TraceFormatException(file, line, "expected a " + key + "= field in the kmem:" + event
                    + " event, found "
                    + (values.isEmpty() ? "no fields" : "only " + String.join(", ", values.keySet())));
        }
        return value;
    }
}
