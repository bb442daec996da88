package org.kmemlab.examples.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedRangeCategoryPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.kmemlab.examples.web.GfpChartPage;

/**
 * Draws a {@link GfpTable} as a PNG with JFreeChart: one panel per request order side by side, sharing a
 * failure-rate axis from 0 to 100%; each panel's categories are the pressure levels, every one labelled
 * ({@code 0%}, {@code 50%}, … evenly spaced, so 95% and 98% stay readable); a line per kind of request
 * (GFP_ATOMIC red, GFP_KERNEL blue, GFP_DMA green); a note where GFP_DMA first fails; and under the
 * legend the caption that explains the page-cache effect on GFP_ATOMIC ({@link GfpChartPage#caption}, in the words of the era measured).
 */
public final class GfpPlot {

    /** Pixels per panel across, and the height of the image. */
    static final int PANEL_WIDTH = 380;
    static final int HEIGHT = 560;
    private static final Color[] COLOURS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c)};

    private GfpPlot() {
    }

    /** Returns the chart of {@code table} (what {@link #write} draws). */
    public static JFreeChart chart(GfpTable table) {
        NumberAxis rate = new NumberAxis("requests failed");
        rate.setRange(0, 100);
        rate.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(25, new DecimalFormat("0'%'")));
        CombinedRangeCategoryPlot plot = new CombinedRangeCategoryPlot(rate);
        plot.setGap(18);
        for (int o = 0; o < table.orders().length; o++) {
            plot.add(panel(table, o), 1);
        }
        // One legend entry per kind of request, not one per panel.
        plot.setFixedLegendItems(((CategoryPlot) plot.getSubplots().get(0)).getLegendItems());
        JFreeChart chart = new JFreeChart("Failure rate of a burst of RAM/" + GfpExperiment.BURST_DIVISOR
                + " against memory pinned (seed " + table.seed() + ")", new Font(Font.SANS_SERIF, Font.BOLD, 15), plot,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        TextTitle caption = new TextTitle(GfpChartPage.caption(table.era()), new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        caption.setPosition(RectangleEdge.BOTTOM);
        caption.setHorizontalAlignment(HorizontalAlignment.LEFT);
        caption.setTextAlignment(HorizontalAlignment.LEFT);
        caption.setMargin(new RectangleInsets(8, 12, 4, 12));
        caption.setMaximumLinesToDisplay(8);
        chart.addSubtitle(caption);
        return chart;
    }

    private static CategoryPlot panel(GfpTable table, int o) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int g = 0; g < table.gfpNames().size(); g++) {
            for (int l = 0; l < table.levels().length; l++) {
                data.addValue(100.0 * table.failures()[l][g][o] / table.requests()[l][g][o], table.gfpNames().get(g),
                        table.levels()[l] + "%");
            }
        }
        int order = table.orders()[o];
        CategoryAxis pinned = new CategoryAxis("order " + order + " (" + (4 << order) + " KiB blocks): memory pinned");
        pinned.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        pinned.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        pinned.setLowerMargin(0.04);
        pinned.setUpperMargin(0.04);
        LineAndShapeRenderer lines = new LineAndShapeRenderer(true, true);
        for (int g = 0; g < table.gfpNames().size(); g++) {
            lines.setSeriesPaint(g, COLOURS[g % COLOURS.length]);
            lines.setSeriesStroke(g, new BasicStroke(2.2f));
            lines.setSeriesShape(g, new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8));
        }
        CategoryPlot plot = new CategoryPlot(data, pinned, null, lines);
        plot.setBackgroundPaint(new Color(0xf7f7f7));
        plot.setRangeGridlinePaint(new Color(0xc8c8c8));
        int dma = table.gfpNames().indexOf("GFP_DMA");
        for (int l = 0; dma >= 0 && l < table.levels().length; l++) {
            if (table.failures()[l][dma][o] > 0) {
                CategoryTextAnnotation note = new CategoryTextAnnotation("GFP_DMA fails from " + table.levels()[l] + "%",
                        table.levels()[l] + "%", Math.min(92, 100.0 * table.failures()[l][dma][o]
                        / table.requests()[l][dma][o] + 8));
                note.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
                note.setPaint(COLOURS[2]);
                note.setTextAnchor(l == table.levels().length - 1 ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
                plot.addAnnotation(note);
                break;
            }
        }
        return plot;
    }

    /** Draws the chart of {@code table} into {@code file} as PNG. */
    public static void write(GfpTable table, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart(table), Math.max(700, 80 + PANEL_WIDTH * table.orders().length),
                HEIGHT);
    }
}
