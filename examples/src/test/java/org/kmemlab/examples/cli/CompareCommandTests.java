package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmemlab.examples.Run;

class CompareCommandTests {

    /** Returns the row {@code what}: its two answers, Linux 2.0's first. */
    private static String[] row(String out, String what) {
        for (String line : out.split("\n")) {
            String[] cells = line.split(" \\| ");
            if (cells.length == 3 && cells[0].strip().equals(what)) {
                return new String[] {cells[1].strip(), cells[2].strip()};
            }
        }
        throw new AssertionError("no row '" + what + "' in:\n" + out);
    }

    @Test
    void bothErasAnswerEveryQuestionInTheirOwnWords() {
        Run run = Run.kmemlab("compare", "--workload", "64");
        assertEquals(0, run.status(), run.out() + run.err());
        String out = run.out();
        assertTrue(row(out, "machine")[0].startsWith("i386 (Linux 2.0), 16 MiB"), out);
        assertTrue(row(out, "machine")[1].startsWith("x86_64"), out);
        // arch/i386/mm/init.c:266 and mm/kmalloc.c:243 of Linux 2.0
        assertTrue(Pattern.matches("Memory: \\d+k/16384k available \\(\\d+k kernel code, 384k reserved, \\d+k data\\)",
                row(out, "boot: mem_init")[0]), out);
        assertEquals("a real block, ksize 24", row(out, "kmalloc(0)")[0]);
        assertEquals("ZERO_SIZE_PTR (0x10), no memory", row(out, "kmalloc(0)")[1]);
        assertEquals("120", row(out, "kmalloc(100): ksize")[0], "the 128-byte bucket less its 8-byte header");
        assertEquals("128", row(out, "kmalloc(100): ksize")[1]);
        assertEquals("131048 bytes", row(out, "largest kmalloc")[0]);
        assertEquals("off", row(out, "per-thread caches")[0]);
        // mm/page_alloc.c:161-172 of Linux 2.0: EXPAND hands out the top half of a split block
        assertTrue(row(out, "buddy split")[0].endsWith("(downwards: the top half first)"), out);
        assertTrue(row(out, "buddy split")[1].endsWith("(upwards: the lower half first)"), out);
        assertTrue(row(out, "free lists")[0].startsWith("show_free_areas(): Free pages:"), out);
        assertTrue(row(out, "free lists")[1].startsWith("/proc/buddyinfo: Node 0, zone      DMA"), out);
        assertEquals("total:    used:    free:  shared: buffers:  cached:", row(out, "/proc/meminfo, line 1")[0]);
        // In full below the table, every zone of today's buddyinfo, and the same MemFree as the table's row.
        String full = out.substring(out.indexOf("# the free lists and /proc/meminfo in full"));
        assertTrue(full.contains("Node 0, zone      DMA ") && full.contains("Node 0, zone    DMA32 "), full);
        assertTrue(full.contains("Free pages:"), full);
        for (int era = 0; era < 2; era++) {
            String memFree = row(out, "workload: MemFree")[era].replace(" kB", "");
            assertTrue(Pattern.compile("MemFree:\\s+" + memFree + " kB").matcher(full).find(),
                    "MemFree " + memFree + " kB of the table is not in the full /proc/meminfo:\n" + full);
        }
        assertTrue(row(out, "/proc/slabinfo")[0].startsWith("none (Linux 2.0 has no /proc/slabinfo"), out);
        assertTrue(row(out, "double kfree")[0].startsWith("kfree of non-kmalloced memory: "), out);
        assertTrue(row(out, "double kfree")[1].startsWith("BUG kmalloc-128"), out);
        assertEquals("Unable to handle kernel NULL pointer dereference at virtual address c0000000",
                row(out, "write through NULL")[0]);
        assertEquals("BUG: kernel NULL pointer dereference, address: 0000000000000000", row(out, "write through NULL")[1]);
        assertTrue(row(out, "GFP_KERNEL in an irq")[0].startsWith("kmalloc called nonatomically from interrupt "), out);
        assertTrue(row(out, "GFP_KERNEL in an irq")[1].startsWith("BUG: sleeping function called from invalid context"),
                out);
    }

    @Test
    void aNegativeWorkloadIsRefused() {
        Run run = Run.kmemlab("compare", "--workload", "-1");
        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("--workload -1 is negative"), run.err());
    }
}
