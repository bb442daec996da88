package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.SlabCacheContract;

/**
 * The slab contract must pass correct caches built differently from the reference: the SLUB-like
 * {@link AlternateSlabCache} (free pointers in memory, empty slabs kept until shrink) and the
 * {@link LazySlabCache} (bitmaps, constructor at first allocation, slabs given back at once) and the
 * {@link ColouredSlabCache} (coloured slabs of two pages or more, off-slab free stacks, highest address
 * first, page requests with {@code __GFP_NOWARN | __GFP_NORETRY} added). A contract
 * that fails them assumes the reference's layout rather than the SPI.
 */
class SlabAlternatesContractTests {

    @Test
    void correctAlternatesPassEveryProperty() {
        List<String> failures = new ArrayList<>();
        for (SlabCacheProvider provider : List.of(AlternateSlabCache.provider(AlternateSlabCache.Flaw.NONE),
                LazySlabCache.provider(), ColouredSlabCache.provider())) {
            for (ContractProperty p : SlabCacheContract.properties(provider, "mvn test -Dtest=SlabAlternatesContractTests")) {
                PropertyResult r = p.check(Zoo.effort());
                if (!r.passed()) {
                    failures.add(r.report());
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
