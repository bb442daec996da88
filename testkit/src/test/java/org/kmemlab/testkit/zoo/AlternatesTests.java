package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * The correct allocators of the test tree must pass every property of their contract: proof that the
 * contracts do not reject a correct implementation for choosing other blocks, slots, size classes or
 * moments to give pages back. Runs with a fresh seed each time (printed), like a student's run.
 */
class AlternatesTests {

    static List<ZooPageProvider> pageAllocators() {
        return List.of(
                new ZooPageProvider("list-buddy", "LIFO free lists", ListBuddy::new),
                new ZooPageProvider("bitmap-buddy", "bitmaps, lowest address of any order", BitmapBuddy::new),
                new ZooPageProvider("tree-buddy", "a binary tree of largest free orders per superblock",
                        TreeBuddy::new));
    }

    static List<ZooObjectProvider> objectAllocators() {
        return List.of(
                new ZooObjectProvider("slab-objects", "power-of-two slabs", SlabObjects::new),
                new ZooObjectProvider("first-fit-objects", "odd classes, address-ordered first fit",
                        FirstFitObjects::new),
                new ZooObjectProvider("mixed-classes-objects", "kmalloc's classes with 96 and 192, slabs of 1, 2"
                        + " and 4 pages", MixedClassesObjects::new));
    }

    /**
     * A legal but wasteful variant of {@code slab-objects}: every request that cannot sleep is served from
     * the DMA caches (as if "atomic" meant "low memory"). The SPI only says other requests SHOULD NOT use
     * DMA pages, so the contract must pass it and only warn. Not in {@link #objectAllocators()}, which the
     * kernel's combinations use too.
     */
    static ZooObjectProvider dmaForAtomicObjects() {
        return new ZooObjectProvider("dma-for-atomic-objects", "slab-objects, with GFP_ATOMIC served from DMA pages",
                c -> new SlabObjects(c) {
                    @Override
                    protected boolean useDmaCaches(int gfp) {
                        return super.useDmaCaches(gfp) || !org.kmemlab.api.Gfp.allowsBlocking(gfp);
                    }
                });
    }

    @Test
    void aShouldBrokenOnPurposeOnlyWarns() {
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (ContractProperty property : ObjectAllocatorContract.properties(dmaForAtomicObjects())) {
            PropertyResult result = property.check(Effort.fromSystemProperties());
            if (!result.passed()) {
                failures.add(result.report());
            }
            warnings.addAll(result.warnings());
        }
        assertEquals(List.of(), failures);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("object.dma-only-when-asked")),
                () -> "no warning cites object.dma-only-when-asked: " + warnings);
    }

    @TestFactory
    List<DynamicTest> correctPageAllocatorsPassEveryProperty() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ZooPageProvider provider : pageAllocators()) {
            tests.addAll(mustPass(provider.name(), PageAllocatorContract.properties(provider)));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> correctObjectAllocatorsPassEveryProperty() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ZooObjectProvider provider : objectAllocators()) {
            tests.addAll(mustPass(provider.name(), ObjectAllocatorContract.properties(provider)));
        }
        return tests;
    }

    private static List<DynamicTest> mustPass(String name, List<ContractProperty> properties) {
        Effort effort = Effort.fromSystemProperties();
        List<DynamicTest> tests = new ArrayList<>();
        for (ContractProperty property : properties) {
            tests.add(DynamicTest.dynamicTest(name + " " + property.id(), () -> {
                long start = System.nanoTime();
                PropertyResult result = property.check(effort);
                System.out.printf("[kmemlab] %s %s %s in %d ms (seed %d)%n", name, property.id(),
                        result.passed() ? "passed" : "FAILED", (System.nanoTime() - start) / 1_000_000, result.seed());
                for (String warning : result.warnings()) {
                    System.out.println("[kmemlab]   warning: " + warning);
                }
                assertTrue(result.passed(), result::report);
            }));
        }
        return tests;
    }
}
