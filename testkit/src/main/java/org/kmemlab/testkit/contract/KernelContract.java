package org.kmemlab.testkit.contract;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.testkit.contract.kernel.KernelProperties;
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
 * zoneinfo and slabinfo agree, and nothing leaks once everything is freed (see {@code contract.kernel.KernelAccounting}).
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
        return KernelProperties.all(kernels, subject, replayPrefix, perCpuPages);
    }
}
