package org.kmemlab.grader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.kmemlab.api.Checks;

/**
 * Where graded runs get their seeds.
 *
 * <p>Visible groups use the rubric's fixed seed, so every student's run is the same and a student can
 * replay it locally with {@code -Dkmemlab.seed}. Hidden groups derive a seed per submission and property:
 * the first 8 bytes of {@code SHA-256("kmemlab hidden seed" · salt · submission SHA-256 · group · property)}.
 * The same submission always gets the same seeds (a regrade gives the same grade), a changed submission
 * gets new ones (answers cannot be tuned to a known chain), and without the instructor's salt nobody can
 * compute them in advance.
 */
public final class Seeds {

    private Seeds() {
    }

    /** Returns the seed of {@code propertyId} in {@code group} for the submission with hash {@code sha256}. */
    public static long derived(String salt, String sha256, String group, String propertyId) {
        Checks.requireNonNull(salt, "salt");
        Checks.requireNonNull(sha256, "submission hash");
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        for (String part : new String[] {"kmemlab hidden seed", salt, sha256, group, propertyId}) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    /** Returns the seed a group gives {@code propertyId}. */
    public static long forProperty(Rubric rubric, Rubric.Group group, String sha256, String propertyId) {
        return group.seeds() == Rubric.SeedMode.FIXED ? group.seed()
                : derived(rubric.hiddenSalt(), sha256, group.name(), propertyId);
    }
}
