package org.kmemlab.dmazone;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.ZoneType;

/**
 * Which zones a request may use and in which order: the kernel's {@code gfp_zone()} and zonelist.
 *
 * <p>The gfp names the highest zone it may use ({@link Gfp#highestZone}); the request may then fall back
 * to every lower zone, highest first, because memory a DMA controller can reach is also fine for anyone
 * else. On x86_64 that gives
 * <pre>
 *   GFP_KERNEL            Normal, DMA32, DMA
 *   GFP_KERNEL|GFP_DMA32  DMA32, DMA
 *   GFP_KERNEL|GFP_DMA    DMA
 * </pre>
 * Zones without free frames (the empty Normal zone of a 1 GiB machine) are left out of the lists. A
 * profile without ZONE_DMA32 (i386) serves {@code GFP_DMA32} from ZONE_DMA, the highest zone below
 * DMA32's limit, as the SPI requires. The "highest zone index" of a request also selects which
 * {@code lowmem_reserve[]} entry a lower zone applies to it.
 *
 * <p>Everything is computed once at boot; lookups allocate nothing.
 */
final class Zonelists {

    /** For each {@link ZoneType} ordinal: the index of the highest machine zone of that type or below. */
    private final int[] highestIndex = new int[ZoneType.values().length];
    /** For each highest zone index: the non-empty zones to try, highest first. */
    private final int[][] lists;

    Zonelists(Zone[] zones) {
        for (ZoneType type : ZoneType.values()) {
            for (Zone z : zones) {
                if (z.type.ordinal() <= type.ordinal()) {
                    highestIndex[type.ordinal()] = z.index;
                }
            }
        }
        lists = new int[zones.length][];
        for (int highest = 0; highest < zones.length; highest++) {
            int count = 0;
            for (int z = highest; z >= 0; z--) {
                count += zones[z].isEmpty() ? 0 : 1;
            }
            int[] list = new int[count];
            int i = 0;
            for (int z = highest; z >= 0; z--) {
                if (!zones[z].isEmpty()) {
                    list[i++] = z;
                }
            }
            lists[highest] = list;
        }
    }

    /** Returns the index (in the machine's zone list) of the highest zone {@code gfp} may use. */
    int highestZone(int gfp) {
        return highestIndex[Gfp.highestZone(gfp).ordinal()];
    }

    /** Returns the zones a request whose highest zone is {@code highest} tries, highest first. */
    int[] zonelist(int highest) {
        return lists[highest];
    }
}
