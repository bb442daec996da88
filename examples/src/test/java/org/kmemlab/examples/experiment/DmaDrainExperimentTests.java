package org.kmemlab.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Sizes;
import org.kmemlab.examples.Run;
import org.kmemlab.examples.experiment.DmaDrainExperiment.Row;
import org.kmemlab.examples.experiment.DmaDrainExperiment.Setup;

/**
 * The DMA drain experiment on 64 MiB machines. Linux 2.0 (tag 2.0 of schwabe/davej-history):
 * {@code min_free_pages} = 16384 pages >> 7 = 128 ({@code mm/page_alloc.c:253-256}), one check for the
 * whole machine ({@code page_alloc.c:195}), GFP_DMA served from PG_DMA pages only ({@code :146}),
 * {@code PG_DMA} cleared at 16 MiB ({@code arch/i386/mm/init.c:247-248}).
 */
class DmaDrainExperimentTests {

    private static final long RAM = 64 * Sizes.MiB;
    /** The command's defaults: 64 MiB, levels 50, 75, 90, 95, 100, seed 1996 (the README's table). */
    private static final List<Row> ROWS = new DmaDrainExperiment(RAM, new int[] {50, 75, 90, 95, 100}, 1996).run();

    private static Row row(List<Row> rows, Setup setup, int level) {
        return rows.stream().filter(r -> r.setup() == setup && r.level() == level).findFirst().orElseThrow();
    }

    @Test
    void ordinaryAllocationsDrainDmaMemoryOnLinux20AndZonesKeepSomeToday() {
        List<Row> rows = ROWS;
        assertEquals(15, rows.size());

        // add_mem_queue (mm/page_alloc.c:52-60) put a freed block at the head of its list: the buffer cache gave
        // the DMA-capable pages back last, so ordinary use took them first.
        Row half = row(rows, Setup.LINUX_2_0, 50);
        assertTrue(half.ordinaryBelowDma() > 3000, "2.0's ordinary pages took the DMA-capable memory: " + half);
        assertTrue(half.freePages() > 7000, "with half the machine free: " + half);
        assertTrue(half.driverKib() <= 1024, "the driver finds almost nothing: " + half);
        Row zonedHalf = row(rows, Setup.MODERN_I386, 50);
        assertEquals(0, zonedHalf.ordinaryBelowDma(), "today ordinary requests use the memory above 16 MiB");
        assertTrue(zonedHalf.buffers() > 200, "and the driver gets its buffers: " + zonedHalf);

        Row full = row(rows, Setup.LINUX_2_0, 100);
        assertEquals(128, full.freePages(), "ordinary requests stop at min_free_pages for the whole machine");
        assertEquals(128, full.freeDmaPages(), "and the pages left are DMA-capable ones, by chance of order");
        assertTrue(full.ordinaryBelowDma() > 3000, "ordinary pages took the DMA-capable memory: " + full);
        assertEquals(0, full.driverKib(), "GFP_KERNEL|GFP_DMA fails the machine-wide check: nothing for the driver");

        for (Setup today : List.of(Setup.MODERN_I386, Setup.MODERN_X86_64)) {
            Row zoned = row(rows, today, 100);
            assertTrue(zoned.driverKib() > 0, "ZONE_DMA keeps its min mark and lowmem_reserve: " + zoned);
            assertTrue(zoned.freeDmaPages() > 0, zoned.toString());
        }
    }

    @Test
    void theReadmeShowsTheTableTheCommandPrints() throws IOException {
        String table = DmaDrainExperiment.format(ROWS);
        String body = table.substring(0, table.indexOf("\nordinary:")).stripTrailing();
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(body), "examples/README.md must carry the table of 'kmemlab experiment"
                + " dma-drain':\n" + body);
    }

    @Test
    void theCommandPrintsTheTable() {
        Run run = Run.kmemlab("experiment", "dma-drain", "--levels", "100");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("i386, Linux 2.0 (PG_DMA flag)"), run.out());
        assertTrue(run.out().contains("x86_64, today's zones"), run.out());
        assertTrue(run.out().contains("Linux 2.0 guards one reserve (min_free_pages)"), run.out());
    }

    @Test
    void aMachineWithoutMemoryAboveSixteenMebibytesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DmaDrainExperiment(16 * Sizes.MiB, new int[] {50}, 1996));
        assertEquals("the DMA drain needs more than 16 MiB of RAM (memory above the DMA limit), not 16 MiB",
                e.getMessage());
        Run run = Run.kmemlab("experiment", "dma-drain", "--levels", "0");
        assertEquals(2, run.status());
        assertEquals("kmemlab: level 0% is not between 1 and 100", run.err().strip());
    }
}
