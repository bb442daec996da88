package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoundedOutputTests {

    @Test
    void outputWithinTheLimitIsKeptWhole() {
        BoundedOutput out = new BoundedOutput(16);
        out.appendLine("hello");
        out.appendLine("world");
        assertEquals("hello\nworld\n", out.toString());
        assertFalse(out.truncated());
    }

    @Test
    void outputBeyondTheLimitIsCutWithAMarkerCountingTheRest() {
        BoundedOutput out = new BoundedOutput(10);
        out.appendLine("0123456789abcdef");
        out.appendLine("more");
        out.drop(100);
        assertEquals("0123456789\n[output truncated: 112 more bytes not shown]", out.toString());
        assertEquals(112, out.droppedBytes());
        assertTrue(out.truncated());
    }

    @Test
    void aCutNeverSplitsACharacter() {
        BoundedOutput out = new BoundedOutput(2);
        out.append("aé€");
        assertEquals("a\n[output truncated: 5 more bytes not shown]", out.toString());
    }
}
