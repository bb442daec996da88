package org.kmemlab.examples.map;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.kmemlab.api.ZoneSpan;

/**
 * Draws a {@link MemoryMap} as an image: one square of {@code cell} pixels per frame, {@code columns}
 * frames per row, coloured by owner; each free buddy block gets a grey mark on its first frame, and a
 * black line separates the zones. A legend sits below.
 */
public final class MapImage {

    private static final int LEGEND_HEIGHT = 24 * 4;

    private MapImage() {
    }

    /** Renders the map with {@code cell} pixels per frame and {@code columns} frames per row. */
    public static BufferedImage render(MemoryMap map, int cell, int columns) {
        Owner[] owners = map.owners();
        int rows = (owners.length + columns - 1) / columns;
        int width = Math.max(columns * cell, 640);
        int height = rows * cell + LEGEND_HEIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            for (int pfn = 0; pfn < owners.length; pfn++) {
                g.setColor(new Color(owners[pfn].rgb()));
                g.fillRect((pfn % columns) * cell, (pfn / columns) * cell, cell, cell);
            }
            g.setColor(new Color(0xa0a0a0));
            for (MemoryMap.Block b : map.freeBlocks()) {
                int pfn = (int) b.pfn();
                g.fillRect((pfn % columns) * cell, (pfn / columns) * cell, Math.max(1, cell / 3), cell);
            }
            g.setColor(Color.BLACK);
            for (ZoneSpan z : map.machine().zones()) {
                if (!z.isEmpty() && z.startPfn() > 0) {
                    int pfn = (int) z.startPfn();
                    int y = (pfn / columns) * cell;
                    g.fillRect((pfn % columns) * cell, y, width - (pfn % columns) * cell, 2);
                    g.fillRect(0, y + cell, (pfn % columns) * cell, 2);
                }
            }
            legend(g, map, rows * cell + 8);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void legend(Graphics2D g, MemoryMap map, int top) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        Owner[] all = Owner.values();
        for (int i = 0; i < all.length; i++) {
            int x = 8 + (i % 3) * 200;
            int y = top + (i / 3) * 20;
            g.setColor(new Color(all[i].rgb()));
            g.fillRect(x, y, 14, 14);
            g.setColor(Color.BLACK);
            g.drawRect(x, y, 14, 14);
            g.drawString(all[i].label(), x + 20, y + 12);
        }
        g.setColor(new Color(0xa0a0a0));
        g.fillRect(8, top + 44, 5, 14);
        g.setColor(Color.BLACK);
        g.drawString("grey mark: first frame of a free buddy block; black line: zone boundary ("
                + map.machine().profile().displayName() + ")", 20, top + 56);
    }

    /** Renders the map and writes it to {@code file} as PNG. */
    public static void write(MemoryMap map, int cell, int columns, Path file) throws IOException {
        if (!ImageIO.write(render(map, cell, columns), "png", file.toFile())) {
            throw new IOException("no PNG writer is installed in this Java runtime");
        }
    }
}
