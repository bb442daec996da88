package org.kmemlab.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kmemlab.examples.Run;

class InfoCommandTests {

    @Test
    void buddyinfoCountsAddUpToMemFree() {
        Run run = Run.small("info");
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        long freePages = 0;
        boolean sawDma = false;
        for (String line : section(out, "/proc/buddyinfo").split("\n")) {
            String[] words = line.trim().split("\\s+");
            assertEquals("Node", words[0], line);
            sawDma |= words[3].equals("DMA");
            for (int order = 0; order + 4 < words.length; order++) {
                freePages += Long.parseLong(words[order + 4]) << order;
            }
        }
        assertTrue(sawDma, "no buddyinfo line for zone DMA:\n" + out);
        long memFreeKb = field(section(out, "/proc/meminfo"), "MemFree");
        assertEquals(memFreeKb / 4, freePages, "buddyinfo pages vs MemFree/4 kB:\n" + out);
    }

    /**
     * Linux 2.0 had /proc/meminfo only (fs/proc/array.c:279-302) and showed its free lists through
     * show_free_areas() (mm/page_alloc.c:216-229); kmemlab's buddyinfo comes after it, labelled.
     */
    @Test
    void onTheLinux20MachineOnlyMeminfoIsAProcFileAndTheFreeListsAddUpToMemFree() {
        Run run = Run.kmemlab("info", "--show", "buddyinfo,meminfo,slabinfo");
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(!out.contains("==> /proc/buddyinfo") && !out.contains("==> /proc/slabinfo"), out);
        String meminfo = section(out, "/proc/meminfo");
        assertTrue(out.contains("==> /proc/meminfo <==\n        total:    used:    free:  shared: buffers:  cached:\nMem:  "),
                out);
        long memFreeKb = field(meminfo, "MemFree");
        String free = section(out,
                "show_free_areas() (Linux 2.0 had no /proc/buddyinfo; SysRq-M printed this on the console)");
        assertTrue(free.startsWith(String.format("Free pages:      %6dkB%n ( ", memFreeKb)), free);
        assertTrue(free.trim().endsWith("= " + memFreeKb + "kB)"), "the lists add up to MemFree:\n" + free);
        assertTrue(section(out, "buddyinfo: kmemlab's view").startsWith("# kmemlab's view, not a Linux 2.0 file: "),
                out);
        assertTrue(section(out, "slabinfo: kmemlab's view").contains("slabinfo - version: 2.1"), out);
    }

    @Test
    void dmaBuddyinfoMatchesZoneinfoPagesFree() {
        Run run = Run.small("info", "--show", "buddyinfo,zoneinfo");
        String out = run.out();
        String dmaLine = section(out, "/proc/buddyinfo").lines().filter(l -> l.contains("zone      DMA ")).findFirst()
                .orElseThrow();
        String[] words = dmaLine.trim().split("\\s+");
        long pages = 0;
        for (int order = 0; order + 4 < words.length; order++) {
            pages += Long.parseLong(words[order + 4]) << order;
        }
        Matcher m = Pattern.compile("zone      DMA\\n  pages free\\s+(\\d+)").matcher(section(out, "/proc/zoneinfo"));
        assertTrue(m.find(), out);
        assertEquals(Long.parseLong(m.group(1)), pages);
        assertTrue(!out.contains("/proc/slabinfo"), "--show should leave slabinfo out");
    }

    @Test
    void slabinfoShowsTheWorkloadsObjects() {
        Run run = Run.small("info", "--show", "slabinfo", "--workload", "100");
        String slab = section(run.out(), "/proc/slabinfo");
        assertTrue(slab.startsWith("slabinfo - version: 2.1\n# name"), slab);
        long active = 0;
        for (String line : slab.split("\n")) {
            if (line.startsWith("kmalloc-") || line.startsWith("dma-kmalloc-")) {
                active += Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        assertTrue(active >= 80, "at least the workload's small objects are active: " + active + "\n" + slab);
    }

    @Test
    void dmesgShowsTheAssembly() {
        Run run = Run.small("info", "--show", "dmesg");
        assertTrue(run.out().contains("kmalloc: pages=buddy-reference objects=bucket-reference zones=dma-zone-reference"),
                run.out());
    }

    @Test
    void slabDebugIsSwitchedOnFromTheCommandLine() {
        Run run = Run.small("info", "--show", "dmesg", "--slab-debug", "FZPU");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("slab_debug=FZPU: allocation debugging is on"), run.out());
        Run bad = Run.small("info", "--slab-debug", "XYZ");
        assertEquals(2, bad.status());
        assertEquals("kmemlab: slab_debug letter 'X' in 'XYZ' is not one of F, Z, P, U", bad.err().strip());
    }

    @Test
    void anUnknownReportIsOneLine() {
        Run run = Run.small("info", "--show", "vmstat");
        assertEquals(2, run.status());
        assertEquals("kmemlab: no report 'vmstat'; choose from buddyinfo, slabinfo, zoneinfo, meminfo, dmesg",
                run.err().strip());
    }

    /** Returns the text under {@code ==> name <==} up to the next header. */
    static String section(String out, String name) {
        int start = out.indexOf("==> " + name + " <==\n");
        assertTrue(start >= 0, name + " missing:\n" + out);
        start = out.indexOf('\n', start) + 1;
        int end = out.indexOf("\n==> ", start);
        return (end < 0 ? out.substring(start) : out.substring(start, end)).strip();
    }

    static long field(String meminfo, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+) kB$").matcher(meminfo);
        assertTrue(m.find(), name + " missing:\n" + meminfo);
        return Long.parseLong(m.group(1));
    }
}
