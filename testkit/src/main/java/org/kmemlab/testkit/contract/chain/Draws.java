package org.kmemlab.testkit.contract.chain;

import org.kmemlab.api.Gfp;
import org.kmemlab.testkit.property.Randomness;

/** Random draws the object and kernel chains share: a GFP mask for kmalloc-like calls, an interior offset. */
public final class Draws {

    private Draws() {
    }

    /** Draws GFP_KERNEL or (one in five) GFP_ATOMIC, with GFP_DMA and __GFP_ZERO as often as asked. */
    public static int gfp(Randomness random, int dmaPercent, int zeroPercent) {
        int gfp = random.percent(20) ? Gfp.GFP_ATOMIC : Gfp.GFP_KERNEL;
        if (random.percent(dmaPercent)) {
            gfp |= Gfp.GFP_DMA;
        }
        if (random.percent(zeroPercent)) {
            gfp |= Gfp.__GFP_ZERO;
        }
        return gfp;
    }

    /** Draws an offset into an object of {@code size >= 2} bytes: half the time a small multiple of 8. */
    public static long interiorOffset(Randomness random, long size) {
        return random.percent(50) ? Math.min(size - 1, 8L * random.between(1, 4)) : random.longBetween(1, size - 1);
    }
}
