package org.kmemlab.testkit.contract.chain;

import java.util.List;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.Snapshot;

/**
 * Pieces the chains' failure-page pictures ({@code snapshot}) share: the frames an allocator holds from its
 * page source, and a cap on the lines a picture spends on one list.
 */
public final class Pictures {

    /** The most items a picture lists one a line (live objects, blocks); the rest are counted. */
    public static final int MAX_ITEMS = 24;

    private Pictures() {
    }

    /**
     * Describes the blocks {@code source} handed out and did not get back, lowest first:
     * {@code pfn 1024-1025 (order 1, DMA), pfn 8192 (order 0)}, or {@code none}.
     */
    public static String heldFrames(ContractPageSource source) {
        List<ContractPageSource.Block> held = source.outstanding();
        if (held.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < held.size(); i++) {
            ContractPageSource.Block b = held.get(i);
            if (i == MAX_ITEMS) {
                return out.append(", and ").append(held.size() - i).append(" more blocks").toString();
            }
            out.append(i == 0 ? "" : ", ").append("pfn ").append(b.pfn());
            if (b.order() > 0) {
                out.append('-').append(b.endPfn() - 1);
            }
            out.append(" (order ").append(b.order()).append(b.dma() ? ", DMA)" : ")");
        }
        return out.toString();
    }

    /**
     * Adds the line {@code and N more ...} to both sides when {@code count} items exceed the
     * cap, and returns true when item {@code index} is past it (the caller stops listing).
     */
    public static boolean pastCap(Snapshot.Sides sides, int index, int count, String what) {
        if (index < MAX_ITEMS) {
            return false;
        }
        sides.both("  and " + (count - MAX_ITEMS) + " more " + what);
        return true;
    }
}
