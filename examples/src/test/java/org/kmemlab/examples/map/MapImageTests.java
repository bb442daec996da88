package org.kmemlab.examples.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.kmalloc.Kernel;

class MapImageTests {

    private static MemoryMap map(MachineProfile profile, long ram) {
        FrameWatch watch = new FrameWatch(org.kmemlab.api.Machine.boot(profile, ram).frames());
        Kernel kernel = Kernel.builder().profile(profile).ram(ram).cpuCaches(false)
                .pages(new WatchedPages(org.kmemlab.api.spi.ProviderRegistry.load(
                        org.kmemlab.api.spi.PageAllocatorProvider.class).get("buddy-reference"), watch)).boot();
        long p = kernel.getFreePages(org.kmemlab.api.Gfp.GFP_KERNEL, 4);
        watch.mark(kernel.machine().virtToPfn(p), 16, Owner.PAGES);
        return MemoryMap.of(kernel.machine(), watch, kernel.zoneinfo());
    }

    @Test
    void axesShowPfnsOnTheLeftAndPhysicalAddressesOnTheRight() {
        MemoryMap map = map(MachineProfile.X86_64, 64 * Sizes.MiB);
        XYPlot plot = MapImage.chart(map, "a map").getXYPlot();
        NumberAxis pfn = (NumberAxis) plot.getRangeAxis(0);
        NumberAxis physical = (NumberAxis) plot.getRangeAxis(1);
        assertEquals("pfn of the row's first frame", pfn.getLabel());
        assertEquals("physical address", physical.getLabel());
        assertEquals(16384, pfn.getUpperBound(), 0);
        assertTrue(pfn.isInverted(), "pfn 0 at the top");
        assertEquals("4096", pfn.getTickUnit().valueToString(4096));
        assertEquals("0x01000000", physical.getTickUnit().valueToString(4096), "pfn 4096 starts at 16 MiB");
    }

    @Test
    void everyZoneIsLabelledWhereItStarts() {
        MemoryMap map = map(MachineProfile.X86_64, 64 * Sizes.MiB);
        List<String> labels = new ArrayList<>();
        for (Object m : MapImage.chart(map, "t").getXYPlot().getRangeMarkers(Layer.FOREGROUND)) {
            labels.add(((Marker) m).getLabel());
        }
        assertEquals(List.of("zone DMA: pfn 0-4095", "zone DMA32: pfn 4096-16383"), labels);
    }

    @Test
    void legendNamesEveryOwnerInItsColourAndTheTitleSaysWhatIsShown() {
        JFreeChart chart = MapImage.chart(map(MachineProfile.I386_LINUX_2_0, 16 * Sizes.MiB), "after the workload");
        assertEquals("after the workload", chart.getTitle().getText());
        LegendItemCollection legend = chart.getXYPlot().getLegendItems();
        assertEquals(Owner.values().length, legend.getItemCount());
        for (Owner o : Owner.values()) {
            assertEquals(o.symbol() + "  " + o.label(), legend.get(o.ordinal()).getLabel());
            assertEquals(new Color(o.rgb()), legend.get(o.ordinal()).getFillPaint());
        }
    }

    @Test
    void largeMachinesGetSeveralFramesPerCellAndAtMost256Rows() {
        assertEquals(1, MapImage.framesPerCell(16384));
        assertEquals(2, MapImage.framesPerCell(32769));
        assertEquals(8, MapImage.framesPerCell(262144));
    }

    @Test
    void thePngShowsTheOwnersColours(@TempDir Path dir) throws Exception {
        MemoryMap map = map(MachineProfile.I386_LINUX_2_0, 16 * Sizes.MiB);
        Path png = dir.resolve("map.png");
        MapImage.write(map, "t", png);
        BufferedImage image = ImageIO.read(png.toFile());
        int reserved = 0;
        int pages = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                reserved += rgb == Owner.RESERVED.rgb() ? 1 : 0;
                pages += rgb == Owner.PAGES.rgb() ? 1 : 0;
            }
        }
        assertTrue(reserved > 1000, reserved + " pixels of reserved frames");
        assertTrue(pages > 10, pages + " pixels of the order-4 block (and its legend swatch)");
    }
}
