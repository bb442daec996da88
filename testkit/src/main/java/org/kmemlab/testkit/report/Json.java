package org.kmemlab.testkit.report;

/**
 * A small JSON writer for the data kmemlab's HTML pages carry: objects, arrays, strings, integers and
 * booleans, written in order into one {@link StringBuilder}, with commas placed for the caller.
 *
 * <p>Strings are escaped for JSON and, since the text ends up inside a {@code <script>} element, every
 * {@code <} is written as {@code \u003c}: a dmesg line containing {@code </script>} cannot end the
 * script early. Misuse (a value where a key is due, unbalanced ends) throws {@link IllegalStateException}.
 */
public final class Json {

    private final StringBuilder out = new StringBuilder();
    /** For each open object or array: whether something was written in it yet; 'k' after a key. */
    private final StringBuilder open = new StringBuilder();

    /** Starts an empty text; write one value (usually an object) into it. */
    public Json() {
    }

    /** Starts an object. */
    public Json beginObject() {
        value();
        out.append('{');
        open.append('o');
        return this;
    }

    /** Ends the innermost object. */
    public Json endObject() {
        close('{', '}');
        return this;
    }

    /** Starts an array. */
    public Json beginArray() {
        value();
        out.append('[');
        open.append('a');
        return this;
    }

    /** Ends the innermost array. */
    public Json endArray() {
        close('[', ']');
        return this;
    }

    /** Writes the key of the next member of the innermost object. */
    public Json key(String name) {
        int top = open.length() - 1;
        if (top < 0 || Character.toLowerCase(open.charAt(top)) != 'o') {
            throw new IllegalStateException("a key belongs inside an object, not here: " + name);
        }
        if (open.charAt(top) == 'O') {
            out.append(',');
        }
        quote(name);
        out.append(':');
        open.setCharAt(top, 'k');
        return this;
    }

    /** Writes a string (null writes {@code null}). */
    public Json string(String text) {
        value();
        if (text == null) {
            out.append("null");
        } else {
            quote(text);
        }
        return this;
    }

    /** Writes an integer. */
    public Json number(long n) {
        value();
        out.append(n);
        return this;
    }

    /** Writes a boolean. */
    public Json bool(boolean b) {
        value();
        out.append(b);
        return this;
    }

    /** Writes a value that is already JSON text (from another {@code Json}), as it is. */
    public Json raw(String json) {
        value();
        out.append(json);
        return this;
    }

    /** Writes an array of the first {@code length} integers of {@code values}. */
    public Json numbers(long[] values, int length) {
        beginArray();
        for (int i = 0; i < length; i++) {
            number(values[i]);
        }
        return endArray();
    }

    /** Writes an array of integers. */
    public Json numbers(int[] values) {
        beginArray();
        for (int v : values) {
            number(v);
        }
        return endArray();
    }

    /** Writes a key and a string. */
    public Json field(String name, String text) {
        return key(name).string(text);
    }

    /** Writes a key and an integer. */
    public Json field(String name, long n) {
        return key(name).number(n);
    }

    /**
     * Returns the JSON text.
     *
     * @throws IllegalStateException when an object or array is still open
     */
    @Override
    public String toString() {
        if (open.length() > 0) {
            throw new IllegalStateException(open.length() + " object(s) or array(s) left open");
        }
        return out.toString();
    }

    private void value() {
        int top = open.length() - 1;
        if (top < 0) {
            if (out.length() > 0) {
                throw new IllegalStateException("a JSON text holds one value; wrap several in an array");
            }
            return;
        }
        switch (open.charAt(top)) {
            case 'k' -> open.setCharAt(top, 'O');
            case 'a' -> open.setCharAt(top, 'A');
            case 'A' -> out.append(',');
            default -> throw new IllegalStateException("a value inside an object needs a key first");
        }
    }

    private void close(char opening, char closing) {
        int top = open.length() - 1;
        char kind = opening == '{' ? 'o' : 'a';
        if (top < 0 || Character.toLowerCase(open.charAt(top)) != kind) {
            throw new IllegalStateException("'" + closing + "' does not close what is open");
        }
        open.setLength(top);
        out.append(closing);
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<' -> out.append("\\u003c");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
