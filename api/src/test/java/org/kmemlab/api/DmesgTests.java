package org.kmemlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DmesgTests {

    @Test
    void linesCarryTimeStampsAndLevels() {
        AtomicLong clock = new AtomicLong(1_000);
        Dmesg dmesg = new Dmesg(8, clock::get);
        clock.set(1_000 + 1_234_567_000L);
        dmesg.warn("page allocation failure: order:3, mode:0x820(GFP_ATOMIC)");
        Dmesg.Entry e = dmesg.entries().get(0);
        assertEquals(Dmesg.Level.WARNING, e.level());
        assertEquals("<4>", e.level().prefix());
        assertEquals("[    1.234567] page allocation failure: order:3, mode:0x820(GFP_ATOMIC)", e.format());
    }

    /* Linux 2.0's printk stored "<level>" and the text, no time (kernel/printk.c, tag 2.0, lines 150-190). */
    @Test
    void aLinux20KernelShowsNoTimeStamps() {
        AtomicLong clock = new AtomicLong(0);
        Dmesg dmesg = new Dmesg(8, clock::get);
        clock.set(2_500_000_000L);
        dmesg.warn("Couldn't get a free page.....");
        assertTrue(dmesg.printkTime(), "today's kernels show them");
        assertEquals("[    2.500000] Couldn't get a free page.....\n", dmesg.text());
        dmesg.printkTime(false);
        assertEquals("Couldn't get a free page.....\n", dmesg.text());
        assertEquals("Couldn't get a free page.....", dmesg.format(dmesg.entries().get(0)));
        assertEquals(2_500_000_000L, dmesg.entries().get(0).nanosSinceBoot(), "the stamp is still recorded");
    }

    @Test
    void multiLineMessagesBecomeSeveralLines() {
        Dmesg dmesg = new Dmesg(8, () -> 0);
        dmesg.err("BUG kmalloc-64 (Not tainted): Object already free\nHint: free once");
        assertEquals(2, dmesg.entries().size());
        assertTrue(dmesg.contains("Hint: free once"));
    }

    @Test
    void theRingKeepsTheNewestLinesAndCountsTheDropped() {
        Dmesg dmesg = new Dmesg(3, () -> 0);
        for (int i = 0; i < 5; i++) {
            dmesg.info("line " + i);
        }
        assertEquals(2, dmesg.dropped());
        assertEquals("line 2", dmesg.entries().get(0).text());
        assertEquals(1, dmesg.entriesAfter(3).size());
        assertEquals(5, dmesg.nextSequence());
    }
}
