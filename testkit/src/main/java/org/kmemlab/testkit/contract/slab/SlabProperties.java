package org.kmemlab.testkit.contract.slab;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.Rule;

/**
 * The properties of the slab cache contract ({@code slab.*}): each is one focus of the shared
 * {@link SlabChain}. The contract class in {@code org.kmemlab.testkit.contract} is the public entry
 * point; this list lives beside the chain it focuses.
 */
public final class SlabProperties {

    private SlabProperties() {
    }

    /**
     * Returns the contract's properties for {@code provider}.
     *
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     */
    public static List<ContractProperty> all(SlabCacheProvider provider, String replayPrefix) {
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        String subject = provider.name();
        Set<SlabCheck> none = EnumSet.noneOf(SlabCheck.class);
        //                     alloc free misuse shrink freeAll fails destroy afterFree overrun exhaust
        int[] churn = {55, 35, 0, 4, 3, 0, 2, 0, 0, 3};
        P p = new P(provider, subject, replayPrefix);
        return List.of(
                p.of("slab.range-alignment", "Objects are aligned as SlabFlags.alignment says and lie inside the"
                        + " cache's slabs", none, churn, 30, 30, 20, 15, 10),
                p.of("slab.no-overlap", "No two live objects (with their red zones) share a byte, and their bytes"
                        + " stay as written", EnumSet.of(SlabCheck.PATTERNS), churn, 30, 30, 30, 15, 10),
                p.of("slab.accounting", "slabinfo matches the live objects and the pages held, after every step",
                        EnumSet.of(SlabCheck.ACCOUNTING), new int[] {50, 35, 0, 6, 4, 2, 2, 0, 0, 3}, 30, 30, 20, 15, 10),
                p.of("slab.failed-allocation", "NULL only when the page source fails, and then nothing changes",
                        EnumSet.of(SlabCheck.FAILED_ALLOCATION, SlabCheck.ACCOUNTING),
                        new int[] {50, 25, 0, 5, 4, 12, 1, 0, 0, 3}, 60, 30, 20, 15, 10),
                p.of("slab.shrink-returns-slabs", "shrink() returns every slab without a live object; destroy()"
                        + " returns all of them", EnumSet.of(SlabCheck.SHRINK, SlabCheck.ACCOUNTING),
                        new int[] {45, 30, 0, 13, 8, 2, 3, 0, 0, 3}, 30, 30, 20, 15, 10),
                p.of("slab.constructor-once", "The constructor runs once per object when its slab is made, never"
                        + " again on a freed object, and freed objects keep their constructed state",
                        EnumSet.of(SlabCheck.CONSTRUCTOR, SlabCheck.PATTERNS),
                        new int[] {50, 35, 0, 6, 5, 2, 1, 0, 0, 3}, 30, 100, 20, 15, 0),
                p.of("slab.misuse", "Double, interior, foreign and wrong-cache frees and destroy with live objects"
                        + " raise KernelBug, change nothing, and the cache keeps working",
                        EnumSet.of(SlabCheck.ACCOUNTING, SlabCheck.SHRINK),
                        new int[] {40, 25, 30, 4, 3, 2, 1, 0, 0, 3}, 30, 40, 20, 15, 10),
                p.of("slab.debug", "SLAB_POISON poisons free objects and reports writes after free; SLAB_RED_ZONE"
                        + " guards every object's end and reports overruns", EnumSet.of(SlabCheck.DEBUG),
                        new int[] {45, 30, 0, 4, 3, 2, 1, 12, 12, 3}, 30, 25, 75, 15, 10),
                p.of("slab.gfp-flags", "__GFP_ZERO gives zeroed objects and SLAB_CACHE_DMA takes DMA pages",
                        EnumSet.of(SlabCheck.GFP), churn, 30, 30, 20, 50, 40),
                p.of("slab.everything", "Roomy and tight page sources, every flag: every invariant at once",
                        EnumSet.allOf(SlabCheck.class), new int[] {45, 30, 8, 5, 4, 4, 1, 4, 4, 3}, 40, 40, 40, 20, 15));
    }

    /** Builds properties for one provider. */
    private record P(SlabCacheProvider provider, String subject, String replayPrefix) {

        ContractProperty of(String id, String title, Set<SlabCheck> checks, int[] weights, int tightPercent,
                            int ctorPercent, int debugPercent, int dmaPercent, int zeroPercent) {
            SlabChain.Focus focus = new SlabChain.Focus(checks, weights, tightPercent, ctorPercent, debugPercent,
                    dmaPercent, zeroPercent);
            // A cache that never hands out an object checks nothing: every property then fails citing the
            // rule that demands objects while the page source serves (slab.object).
            return ContractProperty.stateful(id, title, subject, replayPrefix, new SlabChain(provider, focus),
                    Rule.SLAB_OBJECT);
        }
    }
}
