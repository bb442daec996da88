package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.testkit.contract.ContractJUnit;
import org.kmemlab.testkit.contract.KernelContract;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.zoo.AlternateZones;
import org.kmemlab.testkit.zoo.Alternates;

/**
 * The kernel contract for every combination of reference and alternate parts: page allocators
 * {buddy-reference, testkit-simple-buddy, list-buddy, bitmap-buddy} × object allocators {bucket-reference,
 * slab-objects, first-fit-objects} × zone allocators {dma-zone-reference, alternate-zones}, each in both
 * eras (Linux 2.0 on a 16 MiB i386, modern on a 64 MiB x86_64), without per-CPU caches so the leak check
 * is exact. The all-reference assembly is {@link ReferenceKernelContractTests}' job at full effort.
 *
 * <p>To keep the run short each combination gets a reduced effort: {@value #TRIES} tries of
 * {@value #STEPS} steps per property ({@code -Dkmemlab.seed} fixes the seed as usual; the tries and steps
 * here are fixed).
 */
class KernelCombinationsTests {

    static final int TRIES = 4;
    static final int STEPS = 40;

    static List<PageAllocatorProvider> pageAllocators() {
        List<PageAllocatorProvider> all = new ArrayList<>();
        all.add(null); // buddy-reference, found by ServiceLoader
        all.add(SimplePageAllocator.provider());
        all.addAll(Alternates.pageAllocators());
        return all;
    }

    static List<ObjectAllocatorProvider> objectAllocators() {
        List<ObjectAllocatorProvider> all = new ArrayList<>();
        all.add(null); // bucket-reference
        all.addAll(Alternates.objectAllocators());
        return all;
    }

    static List<ZoneAllocatorProvider> zoneAllocators() {
        List<ZoneAllocatorProvider> all = new ArrayList<>();
        all.add(null); // dma-zone-reference
        all.add(AlternateZones.provider());
        return all;
    }

    static KernelBuilder builder(PageAllocatorProvider pages, ObjectAllocatorProvider objects,
                                 ZoneAllocatorProvider zones) {
        KernelBuilder b = Kernel.builder().systemProperties(new Properties()).cpuCaches(false);
        if (pages != null) {
            b.pages(pages);
        }
        if (objects != null) {
            b.objects(objects);
        }
        if (zones != null) {
            b.zones(zones);
        }
        return b;
    }

    static String name(PageAllocatorProvider p, ObjectAllocatorProvider o, ZoneAllocatorProvider z) {
        return (p == null ? "buddy-reference" : p.name()) + " + " + (o == null ? "bucket-reference" : o.name())
                + " + " + (z == null ? "dma-zone-reference" : z.name());
    }

    @TestFactory
    List<DynamicContainer> everyCombinationKeepsTheKernelContract() {
        Effort base = Effort.fromSystemProperties();
        Effort effort = new Effort(TRIES, STEPS, base.seed());
        List<DynamicContainer> combinations = new ArrayList<>();
        for (PageAllocatorProvider p : pageAllocators()) {
            for (ObjectAllocatorProvider o : objectAllocators()) {
                for (ZoneAllocatorProvider z : zoneAllocators()) {
                    if (p == null && o == null && z == null) {
                        continue;
                    }
                    String name = name(p, o, z);
                    String replay = "mvn test -Dtest=KernelCombinationsTests";
                    combinations.add(DynamicContainer.dynamicContainer(name + ", Linux 2.0 on i386",
                            ContractJUnit.dynamicTests(KernelContract.properties(() -> builder(p, o, z)
                                    .profile(MachineProfile.I386_LINUX_2_0).ram(16 * Sizes.MiB).era(Era.LINUX_2_0)
                                    .boot(), name + " (Linux 2.0)", replay, 0), effort)));
                    combinations.add(DynamicContainer.dynamicContainer(name + ", modern on x86_64",
                            ContractJUnit.dynamicTests(KernelContract.properties(() -> builder(p, o, z)
                                    .profile(MachineProfile.X86_64).ram(64 * Sizes.MiB).era(Era.MODERN)
                                    .boot(), name + " (modern)", replay, 0), effort)));
                }
            }
        }
        return combinations;
    }
}
