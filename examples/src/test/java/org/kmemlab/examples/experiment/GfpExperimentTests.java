package org.kmemlab.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.examples.Run;
import org.kmemlab.kmalloc.Kernel;

class GfpExperimentTests {

    private static final long SEED = 7;

    private static GfpTable run(int[] levels) {
        return new GfpExperiment(() -> Kernel.builder().profile(MachineProfile.X86_64).ram(64 * Sizes.MiB)
                .maxWait(Duration.ZERO).boot(), SEED, levels, new int[] {0}).run(done -> { });
    }

    @Test
    void atomicFailsWhereKernelReclaimsDmaFailsFirstAndEveryoneFailsWhenMemoryIsPinned() {
        GfpTable table = run(new int[] {0, 80, 98});
        int atomic = 0;
        int kernel = 1;
        int dma = 2;
        assertTrue(table.failurePercent(0, atomic, 0) > 50, "GFP_ATOMIC cannot reclaim the page cache");
        assertEquals(0, table.failurePercent(0, kernel, 0), "GFP_KERNEL reclaims the page cache");
        assertEquals(0, table.failurePercent(0, dma, 0), "so does GFP_KERNEL|GFP_DMA while ZONE_DMA has cache");
        assertEquals(0, table.failurePercent(1, kernel, 0), "at 80% pinned there is cache left to reclaim");
        assertTrue(table.failurePercent(1, dma, 0) > 0, "but ZONE_DMA is full of pinned DMA buffers");
        assertTrue(table.failurePercent(2, kernel, 0) > 50, "nothing left to reclaim at 98% pinned");
        assertTrue(table.pinnedPercent()[2] >= 95, "the workload pins what it was asked to");
        assertTrue(table.findings().get(1).startsWith("GFP_DMA first failed at 80% pinned; GFP_KERNEL only from 98%"),
                table.findings().get(1));
    }

    @Test
    void theSameSeedGivesTheSameTable() {
        GfpTable first = run(new int[] {90});
        GfpTable second = run(new int[] {90});
        for (int g = 0; g < 3; g++) {
            assertArrayEquals(first.failures()[0][g], second.failures()[0][g]);
        }
    }

    @Test
    void theCommandPrintsTheTableAndDrawsThePlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("gfp.png");
        Run run = Run.small("experiment", "gfp", "--levels", "0,97", "--orders", "0,3", "--png", png.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("| GFP_ATOMIC"), run.out());
        assertTrue(run.out().contains("GFP_ATOMIC fails more often than GFP_KERNEL"), run.out());
        assertTrue(run.out().contains("Plot written to " + png), run.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() > 600 && image.getHeight() > 300, image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void badLevelsAreOneLine() {
        Run run = Run.small("experiment", "gfp", "--levels", "50,20");
        assertEquals(2, run.status());
        assertEquals("kmemlab: --levels must be ascending percentages from 0 to 100, not 20", run.err().strip());
    }
}
