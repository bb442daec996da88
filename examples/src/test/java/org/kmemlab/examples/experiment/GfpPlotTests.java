package org.kmemlab.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedRangeCategoryPlot;
import org.jfree.chart.title.TextTitle;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Era;

class GfpPlotTests {

    /** Two orders, three levels; GFP_DMA first fails at 50%, GFP_ATOMIC always, GFP_KERNEL at 98%. */
    private static final GfpTable TABLE = new GfpTable(List.of("GFP_ATOMIC", "GFP_KERNEL", "GFP_DMA"),
            new int[] {0, 50, 98}, new int[] {0, 3}, new int[] {0, 50, 97}, new int[] {95, 45, 1},
            new int[][][] {{{16, 2}, {16, 2}, {16, 2}}, {{16, 2}, {16, 2}, {16, 2}}, {{16, 2}, {16, 2}, {16, 2}}},
            new int[][][] {{{14, 2}, {0, 0}, {0, 0}}, {{14, 2}, {0, 0}, {3, 1}}, {{15, 2}, {12, 1}, {16, 2}}}, 7,
            Era.MODERN);

    @Test
    void everyPressureLevelIsALabelledTickOfEveryPanel() {
        CombinedRangeCategoryPlot plot = (CombinedRangeCategoryPlot) GfpPlot.chart(TABLE).getPlot();
        assertEquals(2, plot.getSubplots().size());
        for (Object sub : plot.getSubplots()) {
            assertEquals(List.of("0%", "50%", "98%"), ((CategoryPlot) sub).getCategories());
        }
        assertEquals("order 3 (32 KiB blocks): memory pinned",
                ((CategoryPlot) plot.getSubplots().get(1)).getDomainAxis().getLabel());
        assertEquals(0, plot.getRangeAxis().getLowerBound(), 0);
        assertEquals(100, plot.getRangeAxis().getUpperBound(), 0);
    }

    @Test
    void pointsAreTheExactFailureRates() {
        CategoryPlot order0 = (CategoryPlot) ((CombinedRangeCategoryPlot) GfpPlot.chart(TABLE).getPlot())
                .getSubplots().get(0);
        assertEquals(87.5, order0.getDataset().getValue("GFP_ATOMIC", "0%").doubleValue(), 1e-9);
        assertEquals(75.0, order0.getDataset().getValue("GFP_KERNEL", "98%").doubleValue(), 1e-9);
        assertEquals(18.75, order0.getDataset().getValue("GFP_DMA", "50%").doubleValue(), 1e-9);
    }

    @Test
    void theDmaJumpIsLabelledAndTheCaptionExplainsThePageCache() {
        JFreeChart chart = GfpPlot.chart(TABLE);
        CategoryPlot order0 = (CategoryPlot) ((CombinedRangeCategoryPlot) chart.getPlot()).getSubplots().get(0);
        CategoryTextAnnotation note = (CategoryTextAnnotation) order0.getAnnotations().get(0);
        assertEquals("GFP_DMA fails from 50%", note.getText());
        assertEquals("50%", note.getCategory());
        boolean caption = false;
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle t && t.getText().contains("page cache")
                    && t.getText().contains("GFP_ATOMIC may not sleep")) {
                caption = true;
            }
        }
        assertTrue(caption, "the caption explains why GFP_ATOMIC fails with nothing pinned");
        assertTrue(captionOf(chart).contains("ZONE_DMA (the first 16 MiB)"), captionOf(chart));
        assertEquals(3, chart.getPlot().getLegendItems().getItemCount(), "one legend entry per kind of request");
    }

    /**
     * The default run is Linux 2.0, where today's caption contradicted the chart above it: it said
     * GFP_KERNEL succeeds while there is cache to reclaim (2.0's fails for blocks at 50% pinned) and
     * named ZONE_DMA, which 2.0 did not have.
     */
    @Test
    void onLinux20TheCaptionExplainsTwoPointZerosRulesNotTodays() {
        GfpTable linux20 = new GfpTable(TABLE.gfpNames(), TABLE.levels(), TABLE.orders(), TABLE.pinnedPercent(),
                TABLE.cachePercent(), TABLE.requests(), TABLE.failures(), TABLE.seed(), Era.LINUX_2_0);
        String caption = captionOf(GfpPlot.chart(linux20));
        assertTrue(caption.contains("only while the machine is at its one reserve (min_free_pages)"), caption);
        assertTrue(caption.contains("2.0 had no ZONE_DMA, only the PG_DMA page flag"), caption);
        assertTrue(!caption.contains("so it succeeds until pinned memory leaves nothing"), caption);
    }

    private static String captionOf(JFreeChart chart) {
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle t && t.getText().startsWith("Why GFP_ATOMIC")) {
                return t.getText();
            }
        }
        return "";
    }
}
