package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * An allocator that refuses every request checks nothing, so it must not pass: every page and object
 * property fails against one (either a check sees a refusal the SPI forbids, or the property notices
 * that it exercised nothing).
 */
class VacuityTests {

    private static final Effort EFFORT = new Effort(10, 30, 20_261_202L);

    @Test
    void anAllocatorThatAlwaysSaysNoPageFailsEveryPageProperty() {
        PageAllocatorProvider refuses = new PageAllocatorProvider() {
            @Override
            public String name() {
                return "always-no-page";
            }

            @Override
            public PageAllocator create(PageAllocatorConfig config) {
                return new PageAllocator() {
                    @Override
                    public long startPfn() {
                        return config.startPfn();
                    }

                    @Override
                    public long frames() {
                        return config.frames();
                    }

                    @Override
                    public int maxOrder() {
                        return config.maxOrder();
                    }

                    @Override
                    public long allocate(int order) {
                        return NO_PAGE;
                    }

                    @Override
                    public void free(long pfn, int order) {
                        throw BadPageStateBug.alreadyFree(pfn, order);
                    }

                    @Override
                    public long freeFrames() {
                        return 0;
                    }

                    @Override
                    public long freeBlocks(int order) {
                        if (order < 0 || order > config.maxOrder()) {
                            throw new IllegalArgumentException("order " + order);
                        }
                        return 0;
                    }
                };
            }
        };
        assertEquals(List.of(), passed(PageAllocatorContract.properties(refuses)));
    }

    @Test
    void anAllocatorThatAlwaysSaysNullFailsEveryObjectProperty() {
        ObjectAllocatorProvider refuses = new ObjectAllocatorProvider() {
            @Override
            public String name() {
                return "always-null";
            }

            @Override
            public ObjectAllocator create(org.kmemlab.api.spi.ObjectAllocatorConfig config) {
                return new ObjectAllocator() {
                    @Override
                    public long allocate(long size, int gfp) {
                        return NULL;
                    }

                    @Override
                    public void free(long addr) {
                        throw InvalidFreeBug.notOwned("always-null", addr);
                    }

                    @Override
                    public long usableSize(long addr) {
                        throw InvalidFreeBug.notOwned("always-null", addr);
                    }

                    @Override
                    public long maxSize() {
                        return 4096;
                    }

                    @Override
                    public long shrink() {
                        return 0;
                    }

                    @Override
                    public List<SlabInfo> slabinfo() {
                        return List.of();
                    }
                };
            }
        };
        assertEquals(List.of(), passed(ObjectAllocatorContract.properties(refuses)));
    }

    /**
     * A slab cache that never hands out an object (the student template's skeleton) passed five of the ten
     * slab properties, each with nothing checked, until the slab contract counted what it exercised.
     */
    @Test
    void aCacheThatAlwaysSaysNullFailsEverySlabPropertyCitingSlabObject() {
        org.kmemlab.api.spi.SlabCacheProvider refuses = new org.kmemlab.api.spi.SlabCacheProvider() {
            @Override
            public String name() {
                return "always-null-cache";
            }

            @Override
            public org.kmemlab.api.spi.SlabCache create(org.kmemlab.api.spi.SlabCacheConfig config) {
                return new org.kmemlab.api.spi.SlabCache() {
                    @Override
                    public String name() {
                        return config.name();
                    }

                    @Override
                    public long allocate(int gfp) {
                        return NULL;
                    }

                    @Override
                    public void free(long addr) {
                        throw InvalidFreeBug.notOwned(config.name(), addr);
                    }

                    @Override
                    public long shrink() {
                        return 0;
                    }

                    @Override
                    public void destroy() {
                    }

                    @Override
                    public SlabInfo slabinfo() {
                        // A slot for the object, its red zone and its alignment, in slabs of 16 pages.
                        long extent = ((config.size() + 7) & -8L) + 8;
                        long slot = (extent + config.alignment() - 1) / config.alignment() * config.alignment();
                        return new SlabInfo(config.name(), 0, 0, slot, 1, 16, 0, 0);
                    }
                };
            }
        };
        List<String> rules = new ArrayList<>();
        for (ContractProperty p : org.kmemlab.testkit.contract.SlabCacheContract.properties(refuses, "")) {
            PropertyResult r = p.check(EFFORT);
            rules.add(r.passed() ? "passed: " + r.report() : r.rule());
        }
        assertEquals(java.util.Collections.nCopies(rules.size(), "slab.object"), rules);
    }

    /** Returns the ids of the properties that passed (each with its report, for the failure message). */
    private static List<String> passed(List<ContractProperty> properties) {
        List<String> passed = new ArrayList<>();
        for (ContractProperty p : properties) {
            PropertyResult r = p.check(EFFORT);
            if (r.passed()) {
                passed.add(r.report());
            }
        }
        return passed;
    }
}
