package org.kmemlab.examples.map;

import java.util.Locale;
import org.kmemlab.api.ZoneSpan;

/**
 * Draws a {@link MemoryMap} as text: one character per frame (or per group of frames on a large
 * machine), a row per {@code columns} characters, each row headed by its first pfn and physical address.
 *
 * <p>At one frame per character, a free frame that starts a free buddy block shows the block's order
 * ({@code 0}–{@code A}) and the block's other frames show {@code .}: {@code 3.......} is a free block
 * of 8 frames. With several frames per character a character shows the owner most of its frames have.
 */
public final class TextMap {

    private TextMap() {
    }

    /**
     * Renders the map.
     *
     * @param framesPerCell frames per character, a power of two
     * @param columns characters per row
     */
    public static String render(MemoryMap map, int framesPerCell, int columns) {
        StringBuilder out = new StringBuilder(map.summary());
        char[] cells = cells(map, framesPerCell);
        long rowFrames = (long) framesPerCell * columns;
        out.append(String.format(Locale.ROOT, "%n%d frame%s per character, %d per row%n", framesPerCell,
                framesPerCell == 1 ? "" : "s", rowFrames));
        for (ZoneSpan zone : map.machine().zones()) {
            if (zone.isEmpty()) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%n[zone %s]%n", zone.type().procName()));
            long first = zone.startPfn() / rowFrames * rowFrames;
            for (long rowStart = first; rowStart < zone.endPfn(); rowStart += rowFrames) {
                out.append(String.format(Locale.ROOT, "%7d 0x%08x ", rowStart, map.machine().pfnToPhys(rowStart)));
                for (int c = 0; c < columns; c++) {
                    long pfn = rowStart + (long) c * framesPerCell;
                    boolean inZone = pfn >= zone.startPfn() && pfn < zone.endPfn();
                    out.append(inZone ? cells[(int) (pfn / framesPerCell)] : ' ');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static char[] cells(MemoryMap map, int framesPerCell) {
        Owner[] owners = map.owners();
        char[] cells = new char[(owners.length + framesPerCell - 1) / framesPerCell];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = map.majorityOwner((long) c * framesPerCell, framesPerCell).symbol();
        }
        if (framesPerCell == 1) {
            for (MemoryMap.Block b : map.freeBlocks()) {
                cells[(int) b.pfn()] = MemoryMap.orderSymbol(b.order());
            }
        }
        return cells;
    }
}
