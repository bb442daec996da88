package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.SlabCaches;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.KernelContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * A correct design of the named caches that differs from the reference ({@link PageBackedCaches}: slabs
 * from the kernel's page API, one free list per cache, every empty slab kept until shrink) passes the
 * kernel contract, as the reference does: the contract demands what {@code SlabCaches} says, not how the
 * reference does it.
 */
class AlternateKernelCachesTests {

    private static final Effort EFFORT = new Effort(40, 50, 20261203L);

    /** The reference kernel with its named caches replaced by {@link PageBackedCaches}. */
    static final class PageBackedKernel extends KernelMutantsTests.Forwarding {
        private final PageBackedCaches caches = new PageBackedCaches(this);

        @Override
        public SlabCaches slabCaches() {
            return caches;
        }

        @Override
        public List<SlabInfo> slabinfo() {
            List<SlabInfo> rows = new ArrayList<>(kernel.slabinfo());
            rows.addAll(caches.rows());
            return rows;
        }
    }

    @TestFactory
    List<DynamicTest> pageBackedCachesPassEveryKernelProperty() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ContractProperty p : KernelContract.properties(PageBackedKernel::new, "page-backed caches", "mvn test",
                0)) {
            tests.add(DynamicTest.dynamicTest(p.id(), () -> {
                PropertyResult result = p.check(p.id().equals("kernel.named-caches") ? EFFORT : EFFORT.withTries(4));
                assertTrue(result.passed(), result.report());
            }));
        }
        return tests;
    }

    @Test
    void theDesignReallyDiffers() {
        PageBackedKernel kernel = new PageBackedKernel();
        SlabCaches caches = kernel.slabCaches();
        SlabCaches.Cache cache = caches.create("probe", 1000, 0, 0, null);
        long a = caches.alloc(cache, Gfp.GFP_KERNEL);
        long b = caches.alloc(cache, Gfp.GFP_KERNEL);
        caches.free(cache, a);
        caches.free(cache, b);
        assertEquals(b, caches.alloc(cache, Gfp.GFP_KERNEL), "one LIFO free list: the object freed last comes first");
        caches.free(cache, b);
        long c = caches.alloc(cache, Gfp.GFP_KERNEL);
        long d = caches.alloc(cache, Gfp.GFP_KERNEL);
        long e = caches.alloc(cache, Gfp.GFP_KERNEL);
        long f = caches.alloc(cache, Gfp.GFP_KERNEL);
        long g = caches.alloc(cache, Gfp.GFP_KERNEL);
        for (long x : new long[] {c, d, e, f, g}) {
            caches.free(cache, x);
        }
        SlabInfo row = kernel.slabinfo().stream().filter(r -> r.name().equals("probe")).findFirst().orElseThrow();
        assertEquals(2, row.totalSlabs(), "both empty slabs kept until shrink (the reference keeps one)");
        assertEquals(2 * row.pagesPerSlab(), caches.shrink(cache));
        caches.destroy(cache);
    }
}
