package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackTests {

    @Test
    void aPlainPathIsItsOwnShellWord() {
        assertEquals("/home/alice/buddy-1.0.jar", Feedback.shellWord("/home/alice/buddy-1.0.jar"));
    }

    @Test
    void aPathWithSpacesQuotesOrBackticksIsQuoted() {
        assertEquals("'/tmp/my labs/a.jar'", Feedback.shellWord("/tmp/my labs/a.jar"));
        assertEquals("'/tmp/it'\\''s/a.jar'", Feedback.shellWord("/tmp/it's/a.jar"));
        assertEquals("'/tmp/`id`$HOME'", Feedback.shellWord("/tmp/`id`$HOME"));
    }

    /** The replay line is pasted into a shell: the word must come back as the path, nothing run or expanded. */
    @Test
    void aShellReadsEveryWordBackAsThePath() throws IOException, InterruptedException {
        for (String path : List.of("/srv/sub/a.jar", "/tmp/my labs/a.jar", "/tmp/it's/$(touch x)`id`;*?.jar",
                "/tmp/new\nline", "")) {
            Process sh = new ProcessBuilder("sh", "-c", "printf '%s' " + Feedback.shellWord(path))
                    .redirectErrorStream(true).start();
            String back = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, sh.waitFor(), back);
            assertEquals(path, back, "the shell's reading of " + Feedback.shellWord(path));
        }
    }
}
