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

class GfpPlotTests {

    /** Two orders, three levels; GFP_DMA first fails at 50%, GFP_ATOMIC always, GFP_KERNEL at 98%. */
    private static final GfpTable TABLE = new GfpTable(List.of("GFP_ATOMIC", "GFP_KERNEL", "GFP_DMA"),
            new int[] {0, 50, 98}, new int[] {0, 3}, new int[] {0, 50, 97}, new int[] {95, 45, 1},
            new int[][][] {{{16, 2}, {16, 2}, {16, 2}}, {{16, 2}, {16, 2}, {16, 2}}, {{16, 2}, {16, 2}, {16, 2}}},
            new int[][][] {{{14, 2}, {0, 0}, {0, 0}}, {{14, 2}, {0, 0}, {3, 1}}, {{15, 2}, {12, 1}, {16, 2}}}, 7);

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
        assertEquals(3, chart.getPlot().getLegendItems().getItemCount(), "one legend entry per kind of request");
    }
}
