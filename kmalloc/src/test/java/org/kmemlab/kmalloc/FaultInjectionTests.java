package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemlab.api.Gfp.GFP_ATOMIC;
import static org.kmemlab.api.Gfp.GFP_KERNEL;
import static org.kmemlab.api.Gfp.__GFP_NOFAIL;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.KernelMemory;

class FaultInjectionTests {

    private final Kernel kernel = TestProviders.builder().boot();

    /** Runs {@code n} atomic kmallocs of {@code size}; returns a string of 'o' (success) and 'x' (NULL). */
    private String pattern(Kernel k, int n, long size, int gfp) {
        StringBuilder out = new StringBuilder();
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long p = k.kmalloc(size, gfp);
            out.append(p == KernelMemory.NULL ? 'x' : 'o');
            live.add(p);
        }
        live.forEach(k::kfree);
        return out.toString();
    }

    @Test
    void intervalAndTimesFailEveryNthCallAtMostTimesTimes() {
        kernel.faultInjection().failslab(FaultAttr.probability(100).withInterval(3).withTimes(2));
        assertEquals("ooxooxooo", pattern(kernel, 9, 64, GFP_ATOMIC));
        assertEquals(2, kernel.faultInjection().slabFailures());
    }

    @Test
    void sleepingAllocationsAreIgnoredUnlessIgnoreGfpWaitIsOff() {
        kernel.faultInjection().failslab(FaultAttr.probability(100));
        assertEquals("ooo", pattern(kernel, 3, 64, GFP_KERNEL), "ignore-gfp-wait is on by default");
        assertEquals("xxx", pattern(kernel, 3, 64, GFP_ATOMIC));
        kernel.faultInjection().failslab(FaultAttr.probability(100).withIgnoreGfpWait(false));
        assertEquals("xx", pattern(kernel, 2, 64, GFP_KERNEL));
        assertEquals("o", pattern(kernel, 1, 64, GFP_KERNEL | __GFP_NOFAIL), "__GFP_NOFAIL is never failed");
        assertEquals("o", pattern(kernel, 1, 8192, GFP_ATOMIC), "failslab leaves the page path alone");
    }

    @Test
    void spaceIsABudgetOfBytesUsedUpBeforeFailuresStart() {
        kernel.faultInjection().failslab(FaultAttr.probability(100).withSpace(256).withTimes(1));
        assertEquals("oooxo", pattern(kernel, 5, 64, GFP_ATOMIC), "256 > 64, 192 > 64, 128 > 64, then 64 is not");
    }

    @Test
    void aSeedReplaysTheSameFailuresAndTheRateIsRoughlyTheProbability() {
        FaultAttr attr = FaultAttr.probability(30).withSeed(2026);
        kernel.faultInjection().failslab(attr);
        String first = pattern(kernel, 400, 32, GFP_ATOMIC);
        Kernel other = TestProviders.builder().failslab(attr).boot();
        assertEquals(first, pattern(other, 400, 32, GFP_ATOMIC), "the same seed fails the same calls");
        long failures = first.chars().filter(c -> c == 'x').count();
        assertTrue(failures > 80 && failures < 160, failures + " of 400 calls failed at 30%");
        kernel.faultInjection().failslab(attr);
        assertEquals(first, pattern(kernel, 400, 32, GFP_ATOMIC), "setting the knobs restarts the sequence");
    }

    @Test
    void verboseLogsEachInjectedFailure() {
        kernel.faultInjection().failslab(FaultAttr.parse("1,100,0,2").withVerbose(1));
        pattern(kernel, 1, 64, GFP_ATOMIC);
        assertTrue(kernel.machine().dmesg().contains("FAULT_INJECTION: forcing a failure."), kernel.dmesg());
        assertTrue(kernel.machine().dmesg().contains("name failslab, interval 1, probability 100, space 0, times 1"),
                kernel.dmesg());
        kernel.faultInjection().failslab(FaultAttr.probability(100).withVerbose(2));
        pattern(kernel, 1, 64, GFP_ATOMIC);
        assertTrue(kernel.machine().dmesg().contains("Call Trace: 64 bytes, mode:0x820(GFP_ATOMIC)"), kernel.dmesg());
        assertTrue(kernel.machine().dmesg().contains(" FaultInjectionTests.pattern(FaultInjectionTests.java:"),
                kernel.dmesg());
    }

    private long probe(int size) {
        return kernel.kmalloc(size, GFP_ATOMIC);
    }

    @Test
    void aCallSiteFilterFailsOnlyCallsFromTheNamedMethod() {
        kernel.faultInjection().failslab(FaultAttr.probability(100).withCallSites("FaultInjectionTests.probe"));
        assertEquals(KernelMemory.NULL, probe(64), "called from probe()");
        long direct = kernel.kmalloc(64, GFP_ATOMIC);
        assertNotEquals(KernelMemory.NULL, direct, "called from elsewhere");
        kernel.kfree(direct);
        kernel.faultInjection().failslab(FaultAttr.probability(100).withCallSites("FaultInjectionTests")
                .withStacktraceDepth(1));
        assertEquals(KernelMemory.NULL, kernel.kmalloc(64, GFP_ATOMIC), "a class name matches all its methods");
    }

    @Test
    void failPageAllocHonoursMinOrderAndCoversEveryPagePath() {
        kernel.faultInjection().failPageAlloc(FaultAttr.probability(100).withMinOrder(2));
        long small = kernel.getFreePages(GFP_ATOMIC, 1);
        assertNotEquals(KernelMemory.NULL, small, "order 1 is below min-order");
        assertEquals(KernelMemory.NULL, kernel.getFreePages(GFP_ATOMIC, 2));
        assertEquals(KernelMemory.NULL, kernel.kmalloc(16_000, GFP_ATOMIC), "a large kmalloc is a page allocation");
        kernel.freePages(small, 1);
        kernel.faultInjection().failPageAlloc(FaultAttr.probability(100).withIgnoreGfpWait(false));
        assertEquals(KernelMemory.NULL, kernel.vmalloc(4096), "vmalloc pages come from the page allocator");
        assertEquals(1, kernel.faultInjection().pageFailures(), "counters restart with new knobs");
        kernel.faultInjection().disable();
        assertNotEquals(KernelMemory.NULL, kernel.getFreePages(GFP_ATOMIC, 2));
        assertEquals(FaultAttr.OFF, kernel.faultInjection().failPageAlloc());
    }

    @Test
    void theBuilderBootsWithInjectionOnAndKnobsAreChecked() {
        Kernel injected = TestProviders.builder().failslab(FaultAttr.parse("2,100,0,-1")).boot();
        assertEquals("oxoxox", pattern(injected, 6, 16, GFP_ATOMIC));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> FaultAttr.probability(101));
        assertEquals("probability 101 is not 0..100 percent", p.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> FaultAttr.parse("1,2"));
        assertEquals("'1,2' is not <interval>,<probability>,<space>,<times>", shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaultAttr.OFF.withTimes(-2));
        assertEquals(false, FaultAttr.probability(50).withTimes(0).enabled());
    }
}
