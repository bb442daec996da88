package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Terminal escape codes never reach a results file. */
class TerminalTests {

    @Test
    void coloursCursorMovesAndTitlesAreStripped() {
        String maven = "\u001B[1;31m[ERROR]\u001B[m COMPILATION ERROR : \u001B[0K\n\u001B]0;mvn\u0007Buddy.java:[3,30]";
        assertEquals("[ERROR] COMPILATION ERROR : \nBuddy.java:[3,30]", Terminal.stripEscapes(maven));
        assertEquals("plain text", Terminal.stripEscapes("plain text"));
    }

    @Test
    void buildResultsNeverCarryEscapeCodes() {
        SubmissionBuilder.Result r = new SubmissionBuilder.Result(false, java.util.List.of(),
                "\u001B[1m[INFO]\u001B[m BUILD FAILURE");
        assertEquals("[INFO] BUILD FAILURE", r.output());
    }
}
