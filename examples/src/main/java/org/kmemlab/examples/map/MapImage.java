package org.kmemlab.examples.map;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;

/**
 * Draws a {@link MemoryMap} as a PNG with JFreeChart: physical memory as rows of frames, the first frame
 * of each row on the left axis as a pfn and on the right axis as a physical address, each frame (or
 * group of frames on a large machine, shown in the owner most of them have) coloured by owner, a black
 * line and a label where each zone starts, a title, and a legend under the map that wraps to fit.
 * The free blocks' orders are in the text map and the {@code --html} page, where there is room for them.
 */
public final class MapImage {

    /** Frames per row of the picture. */
    public static final int COLUMNS = 128;
    /** The most rows drawn; larger machines get several frames per cell. */
    static final int MAX_ROWS = 256;

    private MapImage() {
    }

    /** Returns how many frames one cell shows for a machine of {@code frames} frames (a power of two). */
    static int framesPerCell(long frames) {
        int perCell = 1;
        while ((frames + (long) perCell * COLUMNS - 1) / ((long) perCell * COLUMNS) > MAX_ROWS) {
            perCell <<= 1;
        }
        return perCell;
    }

    /** Returns the chart of {@code map} titled {@code title} (what {@link #write} draws). */
    public static JFreeChart chart(MemoryMap map, String title) {
        Machine machine = map.machine();
        long frames = machine.frames();
        int perCell = framesPerCell(frames);
        long rowFrames = (long) perCell * COLUMNS;
        int cells = (int) ((frames + perCell - 1) / perCell);
        double[][] xyz = new double[3][cells];
        for (int c = 0; c < cells; c++) {
            long pfn = (long) c * perCell;
            xyz[0][c] = pfn % rowFrames;
            xyz[1][c] = pfn - pfn % rowFrames;
            xyz[2][c] = map.majorityOwner(pfn, perCell).ordinal();
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("frames", xyz);

        LookupPaintScale colours = new LookupPaintScale(0, Owner.values().length, Color.WHITE);
        for (Owner o : Owner.values()) {
            colours.add(o.ordinal(), new Color(o.rgb()));
        }
        XYBlockRenderer cellsDrawn = new XYBlockRenderer();
        cellsDrawn.setPaintScale(colours);
        cellsDrawn.setBlockWidth(perCell);
        cellsDrawn.setBlockHeight(rowFrames);
        cellsDrawn.setBlockAnchor(RectangleAnchor.BOTTOM_LEFT);

        NumberAxis within = new NumberAxis(perCell == 1 ? "frame within the row (pfn - row's first pfn)"
                : "frames within the row (one cell: " + perCell + " frames, coloured as most of them are)");
        within.setRange(0, rowFrames);
        within.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(rowFrames / 8));
        NumberAxis pfnAxis = rowAxis("pfn of the row's first frame", frames, rowFrames, new DecimalFormatPfn());
        XYPlot plot = new XYPlot(data, within, pfnAxis, cellsDrawn);
        NumberAxis physical = rowAxis("physical address", frames, rowFrames, new HexAddress(machine.pageSize()));
        plot.setRangeAxis(1, physical);
        plot.setRangeAxisLocation(1, AxisLocation.BOTTOM_OR_RIGHT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        for (ZoneSpan z : machine.zones()) {
            if (z.isEmpty()) {
                continue;
            }
            ValueMarker start = new ValueMarker(z.startPfn(), Color.BLACK, new BasicStroke(2f));
            start.setLabel(String.format(Locale.ROOT, "zone %s: pfn %d-%d", z.type().procName(), z.startPfn(),
                    z.endPfn() - 1));
            start.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            start.setLabelPaint(Color.BLACK);
            start.setLabelBackgroundColor(new Color(255, 255, 255, 220));
            start.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
            start.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addRangeMarker(start, Layer.FOREGROUND);
        }
        LegendItemCollection legend = new LegendItemCollection();
        for (Owner o : Owner.values()) {
            legend.add(new LegendItem(o.symbol() + "  " + o.label(), null, null, null,
                    new java.awt.geom.Rectangle2D.Double(-6, -6, 12, 12), new Color(o.rgb()), new BasicStroke(1f),
                    Color.DARK_GRAY));
        }
        plot.setFixedLegendItems(legend);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%s, %d frames of %d bytes%s",
                machine.profile().displayName(), frames, machine.pageSize(),
                perCell == 1 ? "" : ", " + perCell + " frames per cell"), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        return chart;
    }

    private static NumberAxis rowAxis(String label, long frames, long rowFrames, NumberFormat format) {
        NumberAxis axis = new NumberAxis(label);
        axis.setInverted(true);                 // pfn 0 at the top, as in the text map
        axis.setRange(0, (frames + rowFrames - 1) / rowFrames * rowFrames);
        long rows = (frames + rowFrames - 1) / rowFrames;
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(rowFrames * Math.max(1, Integer.highestOneBit(
                (int) Math.max(1, rows / 8))), format));
        return axis;
    }

    /** Returns the height of the image for {@code map}: the rows at 3 pixels or more, and room for the rest. */
    static int height(MemoryMap map) {
        long rows = (map.machine().frames() + (long) framesPerCell(map.machine().frames()) * COLUMNS - 1)
                / ((long) framesPerCell(map.machine().frames()) * COLUMNS);
        return (int) (300 + Math.max(rows * 3, 256));
    }

    /** Draws the chart of {@code map} into {@code file} as PNG, 1000 pixels wide. */
    public static void write(MemoryMap map, String title, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart(map, title), 1000, height(map));
    }

    /** A pfn, as a plain integer. */
    private static final class DecimalFormatPfn extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return to.append((long) number);
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append(number);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("an axis label is only ever formatted");
        }
    }

    /** A pfn shown as the physical address of its first byte, in hex. */
    private static final class HexAddress extends NumberFormat {
        private static final long serialVersionUID = 1L;
        private final long pageSize;

        HexAddress(long pageSize) {
            this.pageSize = pageSize;
        }

        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return format((long) number, to, pos);
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append(String.format(Locale.ROOT, "0x%08x", number * pageSize));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("an axis label is only ever formatted");
        }
    }
}
