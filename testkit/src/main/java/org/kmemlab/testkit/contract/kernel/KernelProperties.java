package org.kmemlab.testkit.contract.kernel;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.kmemlab.api.Checks;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.slab.KernelCacheChain;

/**
 * The properties of the kernel contract ({@code kernel.*}): each is one focus of the shared {@link KernelChain}
 * (which checks run, how often each kind of step comes up). The contract class in
 * {@code org.kmemlab.testkit.contract} is the public entry point; this list lives beside the chain it
 * focuses.
 */
public final class KernelProperties {

    private KernelProperties() {
    }

    /**
     * Returns the contract's properties for the kernels {@code kernels} boots.
     *
     * @param kernels boots a fresh kernel each time it is called, the same way each time
     * @param subject what is tested, for the report: e.g. the providers' names
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     * @param perCpuPages the most pages per-CPU page lists may hold once everything is freed, 0 or more
     */
    public static List<ContractProperty> all(Supplier<? extends KernelMemory> kernels, String subject,
                                             String replayPrefix, long perCpuPages) {
        Checks.requireNonNull(kernels, "kernel supplier");
        Checks.requireNonNull(subject, "subject");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        Checks.requireArgument(perCpuPages >= 0, "per-CPU pages %d must not be negative", perCpuPages);
        Set<KernelCheck> none = EnumSet.noneOf(KernelCheck.class);
        //  kmalloc kfree pages freePages bad atomic null freeAll
        List<ContractProperty> all = List.of(
                property("kernel.live-bytes", "Every live allocation's bytes stay as written; no two share a byte",
                        EnumSet.of(KernelCheck.PATTERNS), new int[] {50, 30, 8, 6, 0, 0, 0, 3}, 0, 10, 10),
                property("kernel.ksize", "ksize is at least the size asked and stays put; kmalloc(0) is ZERO_SIZE_PTR,"
                        + " above maxKmallocSize() is NULL", EnumSet.of(KernelCheck.KSIZE),
                        new int[] {55, 30, 0, 0, 0, 0, 4, 3}, 12, 10, 10),
                property("kernel.gfp-zero", "__GFP_ZERO memory is zeroed, even where freed memory was dirty",
                        EnumSet.of(KernelCheck.GFP), new int[] {50, 35, 8, 8, 0, 0, 0, 3}, 0, 10, 50),
                property("kernel.gfp-dma", "GFP_DMA memory lies below 16 MiB", EnumSet.of(KernelCheck.GFP),
                        new int[] {50, 30, 10, 8, 0, 0, 0, 3}, 0, 50, 10),
                property("kernel.bad-kfree", "kfree of a freed, interior, page-block or foreign address raises"
                                + " KernelBug and changes nothing; kfree(NULL) does nothing",
                        EnumSet.of(KernelCheck.PATTERNS), new int[] {40, 20, 6, 4, 30, 0, 5, 2}, 0, 10, 10),
                property("kernel.pages", "getFreePages blocks are naturally aligned and overlap no kmalloc memory",
                        EnumSet.of(KernelCheck.PATTERNS), new int[] {35, 20, 30, 20, 0, 0, 0, 3}, 0, 15, 10),
                property("kernel.atomic", "A sleeping gfp in atomic context raises SleepInAtomicBug and allocates"
                        + " nothing; GFP_ATOMIC works", none, new int[] {40, 25, 5, 5, 0, 25, 0, 2}, 0, 10, 10),
                property("kernel.accounting", "meminfo, zoneinfo and slabinfo agree with each other and the live"
                                + " allocations; nothing leaks once all is freed", EnumSet.of(KernelCheck.ACCOUNTING),
                        new int[] {45, 30, 8, 8, 0, 3, 0, 8}, 3, 15, 10),
                property("kernel.everything", "Every call and every invariant at once",
                        EnumSet.allOf(KernelCheck.class), new int[] {45, 25, 8, 6, 8, 4, 2, 4}, 4, 15, 15))
                .stream().map(p -> p.build(kernels, subject, replayPrefix, perCpuPages))
                .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        all.add(concurrent(kernels, subject, replayPrefix));
        all.add(KernelCacheChain.property(kernels, subject, replayPrefix));
        return List.copyOf(all);
    }

    /** {@code kernel.concurrent}, run with at most two tries: each try is one storm of threads. */
    private static ContractProperty concurrent(Supplier<? extends KernelMemory> kernels, String subject,
                                               String replayPrefix) {
        return ContractProperty.capped(ContractProperty.stateful("kernel.concurrent", "Threads calling kmalloc and"
                + " kfree at once never share memory or break each other's bytes", subject, replayPrefix,
                new ConcurrentKernel(kernels), Rule.KERNEL_KMALLOC), 2);
    }

    /** A property's definition before it is bound to a kernel supplier. */
    private record Definition(String id, String title, KernelChain.Focus focus) {
        ContractProperty build(Supplier<? extends KernelMemory> kernels, String subject, String replayPrefix,
                               long perCpuPages) {
            return ContractProperty.stateful(id, title, subject, replayPrefix,
                    new KernelChain(kernels, focus, perCpuPages), Rule.KERNEL_KMALLOC);
        }
    }

    private static Definition property(String id, String title, Set<KernelCheck> checks, int[] weights,
                                       int oddSizePercent, int dmaPercent, int zeroPercent) {
        return new Definition(id, title, new KernelChain.Focus(checks, weights, oddSizePercent, dmaPercent,
                zeroPercent));
    }
}
