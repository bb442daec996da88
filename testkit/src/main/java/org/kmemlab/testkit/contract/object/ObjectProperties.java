package org.kmemlab.testkit.contract.object;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.Rule;

/**
 * The properties of the object allocator contract ({@code object.*}): each is one focus of the shared {@link ObjectChain}
 * (which checks run, how often each kind of step comes up). The contract class in
 * {@code org.kmemlab.testkit.contract} is the public entry point; this list lives beside the chain it
 * focuses.
 */
public final class ObjectProperties {

    private ObjectProperties() {
    }

    /**
     * Returns the contract's properties for {@code provider}.
     *
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     */
    public static List<ContractProperty> all(ObjectAllocatorProvider provider, String replayPrefix) {
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        String subject = provider.name();
        Set<ObjectCheck> none = EnumSet.noneOf(ObjectCheck.class);
        //                     alloc free misuse exhaust freeAll shrink fails
        int[] churn = {55, 35, 0, 2, 4, 4, 0};
        return List.of(
                property("object.range-alignment", "Objects are aligned (8 bytes; 4 in Linux 2.0), inside the allocator's pages, and"
                        + " at least as large as asked", subject, replayPrefix, provider, none, churn, 0, 30, 10, 10),
                property("object.no-overlap", "No two live objects share a byte, and their bytes stay as written",
                        subject, replayPrefix, provider, EnumSet.of(ObjectCheck.PATTERNS), churn, 0, 30, 10, 10),
                property("object.accounting", "slabinfo matches the live objects and the pages held, after every"
                        + " step", subject, replayPrefix, provider, EnumSet.of(ObjectCheck.ACCOUNTING),
                        new int[] {50, 35, 0, 2, 5, 6, 2}, 3, 30, 15, 10),
                property("object.failed-allocation", "NULL only when the page source fails, and then nothing"
                                + " changes", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.FAILED_ALLOCATION, ObjectCheck.ACCOUNTING),
                        new int[] {50, 25, 0, 4, 4, 5, 12}, 8, 60, 15, 10),
                property("object.shrink-returns-pages", "shrink() returns every page without a live object; all of"
                                + " them once everything is freed", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.SHRINK), new int[] {45, 30, 0, 2, 10, 13, 0}, 0, 30, 15, 10),
                property("object.misuse", "Double, interior and foreign frees raise KernelBug, change nothing, and"
                                + " the allocator keeps working", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.ACCOUNTING, ObjectCheck.SHRINK, ObjectCheck.USABLE_SIZE),
                        new int[] {40, 25, 30, 3, 3, 4, 0}, 0, 30, 10, 10),
                property("object.exhaustion", "Exhausting the page source gives NULL, never an exception, and"
                                + " every page comes back", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.FAILED_ALLOCATION, ObjectCheck.SHRINK),
                        new int[] {25, 20, 0, 25, 15, 15, 0}, 0, 80, 10, 5),
                property("object.size-boundaries", "Sizes 1, powers of two and their neighbours, and maxSize work;"
                                + " 0 and above maxSize give NULL", subject, replayPrefix, provider,
                        EnumSet.of(ObjectCheck.USABLE_SIZE, ObjectCheck.ACCOUNTING),
                        new int[] {60, 30, 0, 3, 4, 4, 0}, 15, 20, 10, 10),
                property("object.gfp-flags", "__GFP_ZERO gives zeroed bytes and __GFP_DMA gives DMA pages",
                        subject, replayPrefix, provider, EnumSet.of(ObjectCheck.GFP),
                        new int[] {55, 35, 0, 2, 4, 4, 0}, 0, 30, 35, 40),
                property("object.everything", "Both eras, roomy and tight page sources: every invariant at once",
                        subject, replayPrefix, provider, EnumSet.allOf(ObjectCheck.class),
                        new int[] {45, 30, 8, 3, 5, 5, 4}, 4, 50, 15, 15));
    }

    private static ContractProperty property(String id, String title, String subject, String replayPrefix,
                                             ObjectAllocatorProvider provider, Set<ObjectCheck> checks,
                                             int[] weights, int badSizePercent, int tightPercent, int dmaPercent,
                                             int zeroPercent) {
        ObjectChain.Focus focus = new ObjectChain.Focus(checks, weights, badSizePercent, tightPercent, dmaPercent,
                zeroPercent);
        return ContractProperty.stateful(id, title, subject, replayPrefix, new ObjectChain(provider, focus),
                Rule.OBJECT_NO_FALSE_FAILURE);
    }
}
