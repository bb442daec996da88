package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.grader.child.SignedRecords;

class SignedRecordsTests {

    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String OTHER = "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void aSignedRecordVerifiesWithItsFieldsIntact() {
        SignedRecords records = SignedRecords.withKey(KEY);
        String line = records.sign(3, "result", List.of("page.no-overlap", "true", "line one\nline two, with commas"));
        SignedRecords.Record r = records.verify(line).orElseThrow();
        assertEquals(3, r.seq());
        assertEquals("result", r.type());
        assertEquals(List.of("page.no-overlap", "true", "line one\nline two, with commas"), r.fields());
    }

    @Test
    void junkInFrontOfTheMarkerIsTolerated() {
        SignedRecords records = SignedRecords.withKey(KEY);
        String line = records.sign(0, "done", List.of());
        assertTrue(records.verify("xxxx printed without newline" + line).isPresent());
    }

    @Test
    void aRecordSignedWithAnotherKeyOrChangedIsRejected() {
        String forged = SignedRecords.withKey(OTHER).sign(0, "result", List.of("page.no-overlap", "true"));
        assertTrue(SignedRecords.withKey(KEY).verify(forged).isEmpty());
        String genuine = SignedRecords.withKey(KEY).sign(0, "result", List.of("page.no-overlap", "false"));
        String flipped = genuine.replace("ZmFsc2U=", "dHJ1ZQ==");
        assertTrue(SignedRecords.withKey(KEY).verify(flipped).isEmpty(), "false changed to true");
        assertTrue(SignedRecords.withKey(KEY).verify("KMEMLAB 0 result x " + "00".repeat(32)).isEmpty());
        assertTrue(SignedRecords.withKey(KEY).verify("plain output").isEmpty());
    }

    @Test
    void aKeyMustBe32HexBytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignedRecords.withKey("abcd"));
        assertEquals("the channel key has 2 bytes, not 32", e.getMessage());
    }
}
