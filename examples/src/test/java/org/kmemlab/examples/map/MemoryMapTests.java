package org.kmemlab.examples.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.examples.Run;

class MemoryMapTests {

    @Test
    void freeBlocksAreTheLargestAlignedRuns() {
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        FrameWatch watch = new FrameWatch(machine.frames());
        watch.managed(new PageAllocatorConfig(machine, "DMA", 4, 12, 3));   // frames 4..15
        watch.mark(9, 1, Owner.SLAB);
        MemoryMap map = MemoryMap.of(machine, watch, List.of());
        // 4..7 is one order-2 block; 8 is alone (9 is used); 10..11 order 1; 12..15 order 2.
        assertEquals(List.of(new MemoryMap.Block(4, 2), new MemoryMap.Block(8, 0), new MemoryMap.Block(10, 1),
                new MemoryMap.Block(12, 2)), map.freeBlocks());
        String text = TextMap.render(map, 1, 16);
        assertTrue(text.contains("      0 0x00000000 ####2...0s1.2...\n"), text);
    }

    @Test
    void theCommandDrawsEveryFrameAndAgreesWithBuddyinfo(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("map.png");
        Run run = Run.small("map", "--png", png.toString());
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("[zone DMA]") && out.contains("[zone DMA32]"), out);
        assertTrue(out.contains("free blocks derived from the frames match the page allocator's /proc/buddyinfo"), out);
        Matcher counts = Pattern.compile("(?m)^  \\S (.+?)\\s+(\\d+) frames$").matcher(out);
        long frames = 0;
        int owners = 0;
        while (counts.find()) {
            frames += Long.parseLong(counts.group(2));
            owners++;
        }
        assertEquals(Owner.values().length, owners, out);
        assertEquals(16384, frames, "every frame of 64 MiB has one owner");
        for (Owner o : new Owner[] {Owner.SLAB, Owner.PAGES, Owner.KMALLOC_LARGE, Owner.PAGE_CACHE}) {
            assertFalse(out.contains(String.format("  %c %-34s %7d frames", o.symbol(), o.label(), 0)),
                    "the workload leaves some " + o + ":\n" + out);
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertTrue(image.getHeight() >= 128 * 3, "128 rows of at least 3 pixels: " + image.getHeight());
    }

    @Test
    void oneFramePerCharacterShowsBlockOrders() {
        Run run = Run.small("map", "--frames-per-char", "1", "--columns", "128", "--load", "0");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("A......."), "an idle machine has free order-10 blocks:\n" + run.out());
    }

    @Test
    void badOptionsAreOneLine() {
        Run run = Run.small("map", "--frames-per-char", "3");
        assertEquals(2, run.status());
        assertEquals("kmemlab: --frames-per-char must be a power of two, not 3", run.err().strip());
    }
}
