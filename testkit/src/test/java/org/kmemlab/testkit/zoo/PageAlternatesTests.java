package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * The correct page allocators of the test tree must pass every property of the page contract: proof
 * that the contract does not reject a correct implementation for choosing other blocks.
 */
class PageAlternatesTests {

    static List<ZooPageProvider> alternates() {
        return List.of(
                new ZooPageProvider("list-buddy", "LIFO free lists", ListBuddy::new),
                new ZooPageProvider("bitmap-buddy", "bitmaps, lowest address of any order", BitmapBuddy::new));
    }

    @TestFactory
    List<DynamicTest> correctPageAllocatorsPassEveryProperty() {
        Effort effort = Effort.fromSystemProperties();
        List<DynamicTest> tests = new ArrayList<>();
        for (ZooPageProvider provider : alternates()) {
            for (ContractProperty property : PageAllocatorContract.properties(provider)) {
                tests.add(DynamicTest.dynamicTest(provider.name() + " " + property.id(), () -> {
                    long t0 = System.nanoTime();
                    PropertyResult result = property.check(effort);
                    System.out.println("[time] " + (System.nanoTime() - t0) / 1000000 + " ms");
                    System.out.println("[kmemlab] " + provider.name() + " " + property.id() + " seed " + result.seed());
                    assertTrue(result.passed(), result::report);
                }));
            }
        }
        return tests;
    }
}
