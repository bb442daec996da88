package org.kmemlab.grader.child;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.kmemlab.api.Checks;

/**
 * The grader's channel between the child JVM and the parent: one line per record, authenticated with
 * HMAC-SHA256 under a key only the two of them know.
 *
 * <h2>Why records are signed</h2>
 * The child runs the submission's code in the same JVM as the runner, and the submission can write to
 * the same standard output the runner reports on. A forged {@code result ... passed} line would be
 * worth full marks. So the parent makes a fresh random key for every child it starts and hands it over
 * on the child's standard input, which the runner reads before any submission class is loaded. The key
 * then lives only inside this class, in a package the testkit module does not export or open, so the
 * submission (in another module) can neither name it nor reach it by reflection. Every line carries a
 * sequence number, so a record cannot be replayed or dropped unnoticed either.
 *
 * <h2>Line format</h2>
 * <pre>
 * KMEMLAB &lt;seq&gt; &lt;type&gt; &lt;field,field,...&gt; &lt;hmac&gt;
 * </pre>
 * Each field is Base64 (UTF-8 text, so any character can travel); the HMAC covers
 * {@code seq type fields} and is written in lower-case hex. A line may carry junk in front of the
 * {@code KMEMLAB} marker (a submission that printed without a newline); the parent searches for it.
 */
public final class SignedRecords {

    /** The marker that starts a record. */
    public static final String MARKER = "KMEMLAB ";

    private static final String ALGORITHM = "HmacSHA256";
    private static final int KEY_BYTES = 32;

    private final Mac mac;

    private SignedRecords(byte[] key) {
        try {
            this.mac = Mac.getInstance(ALGORITHM);
            this.mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /**
     * Returns a signer and verifier for the key written as hex.
     *
     * @throws IllegalArgumentException when the text is not 64 hex digits
     */
    public static SignedRecords withKey(String hexKey) {
        Checks.requireNonNull(hexKey, "key");
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hexKey.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the channel key is not hex", e);
        }
        Checks.requireArgument(key.length == KEY_BYTES, "the channel key has %d bytes, not 32", key.length);
        return new SignedRecords(key);
    }

    /** Returns the line for record number {@code seq} (without the newline). */
    public synchronized String sign(long seq, String type, List<String> fields) {
        Checks.requireArgument(type.matches("[a-z-]+"), "record type %s is not lower-case words", type);
        List<String> encoded = new ArrayList<>(fields.size());
        for (String field : fields) {
            encoded.add(Base64.getEncoder().encodeToString(field.getBytes(StandardCharsets.UTF_8)));
        }
        String body = seq + " " + type + " " + (encoded.isEmpty() ? "-" : String.join(",", encoded));
        return MARKER + body + " " + hmac(body);
    }

    /**
     * Returns the record in {@code line} when it carries a valid HMAC, or empty for anything else (junk
     * a submission printed, a record signed with another key, a truncated line).
     */
    public synchronized Optional<Record> verify(String line) {
        int at = line.lastIndexOf(MARKER);
        if (at < 0) {
            return Optional.empty();
        }
        String[] parts = line.substring(at + MARKER.length()).split(" ", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        String body = parts[0] + " " + parts[1] + " " + parts[2];
        byte[] expected = hmacBytes(body);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(parts[3].trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return Optional.empty();
        }
        try {
            long seq = Long.parseLong(parts[0]);
            List<String> fields = new ArrayList<>();
            if (!parts[2].equals("-")) {
                for (String f : parts[2].split(",", -1)) {
                    fields.add(new String(Base64.getDecoder().decode(f), StandardCharsets.UTF_8));
                }
            }
            return Optional.of(new Record(seq, parts[1], fields));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String hmac(String body) {
        return HexFormat.of().formatHex(hmacBytes(body));
    }

    private byte[] hmacBytes(String body) {
        return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One authenticated record.
     *
     * @param seq its sequence number, counting from 0 in each child
     * @param type what it reports: {@code ready}, {@code provider}, {@code start}, {@code result}, …
     * @param fields its fields, decoded
     */
    public record Record(long seq, String type, List<String> fields) {

        /** Copies the fields. */
        public Record {
            fields = List.copyOf(fields);
        }

        /** Returns field {@code i}, or the empty string when the record has fewer fields. */
        public String field(int i) {
            return i < fields.size() ? fields.get(i) : "";
        }
    }
}
