package org.kmemlab.kmalloc;

import java.util.Properties;
import org.junit.jupiter.api.Nested;
import org.kmemlab.api.Era;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.ZoneType;
import org.kmemlab.testkit.contract.KernelContract;

/**
 * The kernel contract for the reference assembly (buddy-reference, bucket-reference, dma-zone-reference,
 * found by {@code ServiceLoader}) in both eras: Linux 2.0 on a 16 MiB i386 and the modern kernel on a
 * small x86_64, without per-CPU caches (exact accounting) and with them.
 */
class ReferenceKernelContractTests {

    static KernelBuilder reference(MachineProfile profile, long ram, Era era, boolean cpuCaches) {
        return Kernel.builder().systemProperties(new Properties()).profile(profile)
                .ram(ram).era(era).cpuCaches(cpuCaches);
    }

    /** Linux 2.0 buckets and the 128 KiB limit on the i386 of the seed: every frame below 16 MiB. */
    @Nested
    class Linux20OnI386 extends KernelContract {
        @Override
        protected KernelMemory boot() {
            return reference(MachineProfile.I386_LINUX_2_0, 16 * Sizes.MiB, Era.LINUX_2_0, false).boot();
        }
    }

    /** SLUB-like classes and the 4 MiB limit on a 64 MiB x86_64: ZONE_DMA and ZONE_DMA32. */
    @Nested
    class ModernOnX8664 extends KernelContract {
        @Override
        protected KernelMemory boot() {
            return reference(MachineProfile.X86_64, 64 * Sizes.MiB, Era.MODERN, false).boot();
        }
    }

    /** The same with per-thread magazines and page lists, which may keep pages once everything is freed. */
    @Nested
    class ModernWithCpuCaches extends KernelContract {
        private static final long RAM = 64 * Sizes.MiB;

        @Override
        protected KernelMemory boot() {
            return reference(MachineProfile.X86_64, RAM, Era.MODERN, true).boot();
        }

        /** Every per-thread list full: {@code high} blocks of each order up to the pcp order, per zone. */
        @Override
        protected long perCpuPages() {
            long high = Math.max(2, Math.min(32, (RAM >>> MachineProfile.PAGE_SHIFT) >>> 12));
            long pages = 0;
            for (int order = 0; order < PagePath.ORDERS; order++) {
                pages += high << order;
            }
            return pages * ZoneType.values().length;
        }
    }
}
