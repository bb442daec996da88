package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTests {

    @Test
    void anEnabledBarRedrawsItsLineWithThePercentage() {
        StringWriter text = new StringWriter();
        Progress bar = new Progress(new PrintWriter(text), true);
        bar.start("replaying", 4);
        bar.update(1);
        bar.update(1);
        bar.update(2);
        String drawn = text.toString();
        assertTrue(drawn.startsWith("\rreplaying  [------------------------------]   0%  (0/4)"), drawn);
        assertTrue(drawn.contains("\rreplaying  [#######-----------------------]  25%  (1/4)"), drawn);
        assertEquals(3, drawn.split("\r", -1).length - 1, "one redraw per new percentage:\n" + drawn);
        bar.done();
        assertTrue(text.toString().endsWith("\r\033[K"), "done() clears the line");
    }

    @Test
    void aDisabledBarDrawsNothing() {
        StringWriter text = new StringWriter();
        Progress bar = new Progress(new PrintWriter(text), false);
        bar.start("x", 10);
        bar.update(5);
        bar.done();
        assertEquals("", text.toString());
    }
}
