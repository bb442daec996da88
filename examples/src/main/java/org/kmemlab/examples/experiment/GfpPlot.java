package org.kmemlab.examples.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws a {@link GfpTable} as a PNG: one panel per order, failure rate (0–100%) against pressure, one
 * line per kind of request (GFP_ATOMIC red, GFP_KERNEL blue, GFP_DMA green).
 */
public final class GfpPlot {

    private static final int PANEL_W = 320;
    private static final int PANEL_H = 260;
    private static final int MARGIN = 60;
    private static final Color[] COLORS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c)};

    private GfpPlot() {
    }

    /** Renders the table. */
    public static BufferedImage render(GfpTable table) {
        int panels = table.orders().length;
        int width = panels * (PANEL_W + MARGIN) + MARGIN;
        int height = PANEL_H + 2 * MARGIN + 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int o = 0; o < panels; o++) {
                drawPanel(g, table, o, MARGIN + o * (PANEL_W + MARGIN), MARGIN);
            }
            drawLegend(g, table, MARGIN, PANEL_H + MARGIN + 62);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders the table and writes it to {@code file} as PNG. */
    public static void write(GfpTable table, Path file) throws IOException {
        if (!ImageIO.write(render(table), "png", file.toFile())) {
            throw new IOException("no PNG writer is installed in this Java runtime");
        }
    }

    private static void drawPanel(Graphics2D g, GfpTable table, int o, int x0, int y0) {
        int[] levels = table.levels();
        int maxLevel = Math.max(1, levels[levels.length - 1]);
        g.setColor(new Color(0xf4f4f4));
        g.fillRect(x0, y0, PANEL_W, PANEL_H);
        g.setColor(Color.LIGHT_GRAY);
        for (int p = 0; p <= 100; p += 25) {
            int y = y0 + PANEL_H - p * PANEL_H / 100;
            g.drawLine(x0, y, x0 + PANEL_W, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, y0, PANEL_W, PANEL_H);
        g.drawString("order " + table.orders()[o] + " (" + (4 << table.orders()[o]) + " KiB)", x0 + 4, y0 - 8);
        for (int p = 0; p <= 100; p += 25) {
            g.drawString(p + "%", x0 - 36, y0 + PANEL_H - p * PANEL_H / 100 + 4);
        }
        int lastLabel = Integer.MIN_VALUE;
        for (int level : levels) {
            int x = x0 + level * PANEL_W / maxLevel;
            if (x - lastLabel >= 20) {
                g.drawString(level + "", x - 6, y0 + PANEL_H + 16);
                lastLabel = x;
            }
        }
        g.drawString("% of memory pinned", x0 + PANEL_W / 2 - 50, y0 + PANEL_H + 30);
        g.setStroke(new BasicStroke(2f));
        for (int gfp = 0; gfp < table.gfpNames().size(); gfp++) {
            g.setColor(COLORS[gfp % COLORS.length]);
            int px = -1;
            int py = -1;
            for (int l = 0; l < levels.length; l++) {
                int x = x0 + levels[l] * PANEL_W / maxLevel;
                int y = y0 + PANEL_H - table.failurePerMille(l, gfp, o) * PANEL_H / 1000 - gfp;
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void drawLegend(Graphics2D g, GfpTable table, int x, int y) {
        for (int gfp = 0; gfp < table.gfpNames().size(); gfp++) {
            g.setColor(COLORS[gfp % COLORS.length]);
            g.fillRect(x + gfp * 140, y - 10, 24, 10);
            g.setColor(Color.BLACK);
            g.drawString(table.gfpNames().get(gfp), x + gfp * 140 + 30, y);
        }
        g.drawString("failure rate of a burst of RAM/" + GfpExperiment.BURST_DIVISOR + ", seed " + table.seed(),
                x + 3 * 140 + 20, y);
    }
}
