package org.kmemlab.testkit.contract;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.Checks;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.testkit.property.Effort;

/**
 * The contract of {@link KernelMemory}, the kmalloc facade: every property a whole kernel memory system
 * must have, as JUnit tests, whatever page, object and zone allocators it is assembled from.
 *
 * <p>A student or instructor writes one class:
 * <pre>{@code
 * class MyKernelTests extends KernelContract {
 *     @Override
 *     protected KernelMemory boot() {
 *         return Kernel.builder().pages("my-buddy").profile(MachineProfile.I386_LINUX_2_0).boot();
 *     }
 * }
 * }</pre>
 * {@link #boot()} is called once for every chain (and again for every replay while shrinking), so it
 * MUST boot a fresh kernel, the same way each time.
 *
 * <h2>What is checked</h2>
 * At every call: kmalloc memory is a direct-map address with {@code ksize} at least the size, sharing
 * no byte with any live allocation; {@code kmalloc(0)} is {@code ZERO_SIZE_PTR}; a size above the kernel's
 * {@code maxKmallocSize()} (131048 bytes in the Linux 2.0 era, 4 MiB today) gives NULL; {@code getFreePages} blocks are naturally aligned and overlap no kmalloc
 * memory; {@code kfree(NULL)} and {@code kfree(ZERO_SIZE_PTR)} do nothing; kfree of a freed, interior,
 * page-block, never-returned or outside-RAM address raises {@code KernelBug} and changes nothing; a
 * sleeping gfp in atomic context raises {@code SleepInAtomicBug} and allocates nothing, while
 * {@code GFP_ATOMIC} works. Per property, after every step: the bytes of every live allocation (a pattern
 * written through the facade) read back unchanged; {@code ksize} stays put; {@code __GFP_ZERO} memory is
 * zeroed (on memory dirtied by earlier patterns) and {@code GFP_DMA} memory lies below 16 MiB; meminfo,
 * zoneinfo and slabinfo agree, and nothing leaks once everything is freed ({@link KernelAccounting}).
 * {@code kernel.named-caches} checks {@code kmem_cache_*} beside kmalloc when the kernel has named caches
 * ({@link KernelMemory#slabCaches()}).
 */
public abstract class KernelContract {

    /** For subclasses: a test class that boots the kernel under test. */
    protected KernelContract() {
    }

    /** Boots a fresh kernel; called once for every chain. */
    protected abstract KernelMemory boot();

    /**
     * Returns the most pages the kernel may keep in per-CPU page lists once everything is freed (pages
     * neither free nor in slabs). The default, 0, suits a kernel without per-CPU page lists and makes the
     * leak check exact.
     */
    protected long perCpuPages() {
        return 0;
    }

    /** Returns the effort to check with; by default read from {@code -Dkmemlab.*} system properties. */
    protected Effort effort() {
        return Effort.fromSystemProperties();
    }

    /** One dynamic test per contract property. */
    @TestFactory
    List<DynamicTest> kernelContract() {
        return ContractJUnit.dynamicTests(properties(this::boot, getClass().getSimpleName(),
                "mvn test -Dtest=" + testName(getClass()), perCpuPages()), effort());
    }

    /** The {@code -Dtest} pattern of a test class: {@code 'Outer$Inner'} (quoted for the shell) when nested. */
    static String testName(Class<?> test) {
        Class<?> outer = test.getEnclosingClass();
        if (outer == null) {
            return test.getSimpleName();
        }
        return "'" + testName(outer).replace("'", "") + "$" + test.getSimpleName() + "'";
    }

    /**
     * Returns the contract's properties for the kernels {@code kernels} boots, with an exact leak check,
     * replayed with a plain {@code mvn test}. This is what the autograder calls.
     */
    public static List<ContractProperty> properties(Supplier<? extends KernelMemory> kernels) {
        return properties(kernels, "the kernel", "mvn test", 0);
    }

    /**
     * Returns the contract's properties for the kernels {@code kernels} boots.
     *
     * @param kernels boots a fresh kernel each time it is called, the same way each time
     * @param subject what is tested, for the report: e.g. the providers' names
     * @param replayPrefix the replay command without the {@code -Dkmemlab.*} options
     * @param perCpuPages the most pages per-CPU page lists may hold once everything is freed, 0 or more
     */
    public static List<ContractProperty> properties(Supplier<? extends KernelMemory> kernels, String subject,
                                                    String replayPrefix, long perCpuPages) {
        Checks.requireNonNull(kernels, "kernel supplier");
        Checks.requireNonNull(subject, "subject");
        Checks.requireNonNull(replayPrefix, "replay command prefix");
        Checks.requireArgument(perCpuPages >= 0, "per-CPU pages %d must not be negative", perCpuPages);
        Set<KernelCheck> none = EnumSet.noneOf(KernelCheck.class);
        //  kmalloc kfree pages freePages bad atomic null freeAll
        return List.of(
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
                .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
                    list.add(org.kmemlab.testkit.contract.slab.KernelCacheChain.property(kernels, subject,
                            replayPrefix));
                    return java.util.List.copyOf(list);
                }));
    }

    /** A property's definition before it is bound to a kernel supplier. */
    private record Definition(String id, String title, KernelChain.Focus focus) {
        ContractProperty build(Supplier<? extends KernelMemory> kernels, String subject, String replayPrefix,
                               long perCpuPages) {
            return ContractProperty.stateful(id, title, subject, replayPrefix,
                    new KernelChain(kernels, focus, perCpuPages));
        }
    }

    private static Definition property(String id, String title, Set<KernelCheck> checks, int[] weights,
                                       int oddSizePercent, int dmaPercent, int zeroPercent) {
        return new Definition(id, title, new KernelChain.Focus(checks, weights, oddSizePercent, dmaPercent,
                zeroPercent));
    }
}
