package org.kmemlab.testkit.contract.page;

import static org.kmemlab.testkit.contract.page.PageGeometry.Kind.ALIGNED;
import static org.kmemlab.testkit.contract.page.PageGeometry.Kind.LARGE;
import static org.kmemlab.testkit.contract.page.PageGeometry.Kind.TINY;
import static org.kmemlab.testkit.contract.page.PageGeometry.Kind.UNEVEN;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.Rule;

/**
 * The properties of the page allocator contract ({@code page.*}): each is one focus of the shared {@link PageChain}
 * (which checks run, how often each kind of step comes up). The contract class in
 * {@code org.kmemlab.testkit.contract} is the public entry point; this list lives beside the chain it
 * focuses.
 */
public final class PageProperties {

    private PageProperties() {
    }

    /**
     * Returns the contract's properties for {@code provider}.
     *
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     */
    public static List<ContractProperty> all(PageAllocatorProvider provider, String replayPrefix) {
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        String subject = provider.name();
        List<PageGeometry.Kind> all = List.of(TINY, ALIGNED, UNEVEN, UNEVEN, ALIGNED, LARGE);
        List<PageGeometry.Kind> small = List.of(TINY, ALIGNED, UNEVEN);
        Set<PageCheck> none = EnumSet.noneOf(PageCheck.class);
        //                     alloc free misuse exhaust freeAll query
        int[] churn = {55, 35, 0, 3, 5, 0};
        return List.of(
                property("page.range-alignment", "Every block is inside the zone and naturally aligned",
                        subject, replayPrefix, provider, none, all, churn, 0),
                property("page.no-overlap", "No two live blocks share a frame, and their bytes stay as written",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.PATTERNS), all,
                        churn, 0),
                property("page.accounting", "freeFrames() and buddyinfo match the model after every step",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.ACCOUNTING), all, churn, 0),
                property("page.failed-allocation", "NO_PAGE only when no block fits, and it changes nothing",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.FAILED_ALLOCATION), all,
                        new int[] {60, 25, 0, 8, 3, 0}, 8),
                property("page.free-all-restores", "Freeing every block restores the initial buddyinfo",
                        subject, replayPrefix, provider, EnumSet.of(PageCheck.RESTORE), all,
                        new int[] {50, 35, 0, 3, 12, 0}, 0),
                property("page.misuse", "Every bad free raises KernelBug, changes nothing, and the allocator"
                                + " keeps working", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.ACCOUNTING, PageCheck.RESTORE), small,
                        new int[] {40, 25, 30, 2, 3, 0}, 0),
                property("page.exhaustion", "Exhausting the zone gives NO_PAGE, never an exception, and"
                                + " everything comes back", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.FAILED_ALLOCATION, PageCheck.RESTORE), all,
                        new int[] {20, 25, 0, 30, 25, 0}, 0),
                property("page.order-boundaries", "Orders 0 and maxOrder work; orders outside 0..maxOrder are"
                                + " refused", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.ACCOUNTING, PageCheck.FAILED_ALLOCATION), small,
                        new int[] {60, 25, 0, 5, 5, 5}, 25),
                property("page.geometries", "Tiny, uneven and large zones: every invariant at once",
                        subject, replayPrefix, provider, EnumSet.allOf(PageCheck.class),
                        List.of(TINY, UNEVEN, LARGE), new int[] {50, 30, 8, 4, 6, 2}, 3),
                property("page.linux20-expand", "On the 2.0 era a split hands out the top of the block and keeps"
                                + " the lower part free", subject, replayPrefix, provider,
                        EnumSet.of(PageCheck.ACCOUNTING), all, churn, 0, Era.LINUX_2_0));
    }

    private static ContractProperty property(String id, String title, String subject, String replayPrefix,
                                             PageAllocatorProvider provider, Set<PageCheck> checks,
                                             List<PageGeometry.Kind> kinds, int[] weights, int badOrderPercent) {
        return property(id, title, subject, replayPrefix, provider, checks, kinds, weights, badOrderPercent,
                Era.MODERN);
    }

    private static ContractProperty property(String id, String title, String subject, String replayPrefix,
                                             PageAllocatorProvider provider, Set<PageCheck> checks,
                                             List<PageGeometry.Kind> kinds, int[] weights, int badOrderPercent,
                                             Era era) {
        PageChain.Focus focus = new PageChain.Focus(checks, kinds, weights, badOrderPercent, era);
        return ContractProperty.stateful(id, title, subject, replayPrefix, new PageChain(provider, focus),
                Rule.PAGE_NO_FALSE_FAILURE);
    }
}
