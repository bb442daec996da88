package org.kmemlab.testkit.contract.zone;

import java.util.List;
import java.util.function.Consumer;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * The steps of the fixed scenarios that time an allocation: allocations that must not wait, a
 * {@code __GFP_NOFAIL} allocation that another thread rescues, and an allocation that must sleep, not spin,
 * while it waits. The scenarios of reclaim through a shrinker are in {@link ReclaimActions}.
 */
final class WaitingActions {

    /**
     * How long {@code __GFP_NOFAIL} may take once the other thread has freed every block. Generous: in the
     * grader each free is a round trip into the submission's JVM, and a loaded machine delays the wake-up.
     */
    static final long NOFAIL_PATIENCE_MILLIS = 5000;
    /** How long the rescuing thread's frees may take in all before {@code freePages} counts as hanging. */
    static final long RESCUE_PATIENCE_MILLIS = 60_000;
    /** How long after the NOFAIL call starts the helper thread frees memory. */
    static final long RESCUE_DELAY_MILLIS = 30;

    private WaitingActions() {
    }

    /**
     * An allocation that must return (block or NO_PAGE) within {@code limitMillis}. A loaded machine (or a
     * garbage collection in the submission's JVM) can stall any one call past the limit, while an allocator
     * that waits for memory is slow every time; so a slow NO_PAGE, which changed nothing, is asked again,
     * up to {@link Allocation#TIMING_ATTEMPTS} calls, and the fastest answer is judged, as
     * {@link Allocation} does for the requests that cannot block.
     */
    record Quick(String label, int gfp, int order, long limitMillis) implements Action<ZoneState> {

        @Override
        public String describe() {
            return Allocation.describe(label, gfp, order, Allocation.Context.PROCESS) + " within " + limitMillis
                    + " ms";
        }

        @Override
        public String run(ZoneState s) {
            return run(s, block -> { });
        }

        /**
         * Runs the call as {@link #run(ZoneState)} does; {@code afterEachCall} gets the answer of every call
         * it makes (null for NO_PAGE) right after it.
         */
        String run(ZoneState s, Consumer<ZoneModel.Block> afterEachCall) {
            ZoneModel.Block block = Allocation.run(s, label, gfp, order, Allocation.Context.PROCESS);
            afterEachCall.accept(block);
            long millis = s.lastCallMillis;
            for (int call = 1; block == null && millis > limitMillis && call < Allocation.TIMING_ATTEMPTS; call++) {
                block = Allocation.run(s, label, gfp, order, Allocation.Context.PROCESS);
                afterEachCall.accept(block);
                millis = Math.min(millis, s.lastCallMillis);
            }
            if (millis > limitMillis) {
                throw (Gfp.allowsBlocking(gfp) ? Rule.ZONE_NORETRY : Rule.ZONE_NO_WAIT).violation("allocPages("
                        + Gfp.toString(gfp) + ", order " + order + ") took " + millis + " ms with maxWait "
                        + s.maxWait.toMillis() + " ms" + (block == null ? " (the fastest of "
                        + Allocation.TIMING_ATTEMPTS + " calls)" : "") + ": a request that"
                        + (Gfp.allowsBlocking(gfp) ? " gives up after one reclaim pass" : " cannot block")
                        + " must not wait for memory", "an answer within " + limitMillis + " ms",
                        millis + " ms, then " + (block == null ? "NO_PAGE" : "pfn " + block.pfn()));
            }
            return (block == null ? "NO_PAGE" : "pfn " + block.pfn()) + " after " + (millis < 1 ? "<1" : millis)
                    + " ms";
        }
    }

    /**
     * {@code allocPages(GFP_KERNEL|__GFP_NOFAIL, 0)} while memory is exhausted; another thread frees every
     * live block {@value #RESCUE_DELAY_MILLIS} ms later. The call MUST then succeed, however short maxWait
     * is.
     */
    record NoFail(String label) implements Action<ZoneState> {

        @Override
        public String describe() {
            return label + " = allocPages(GFP_KERNEL|__GFP_NOFAIL, order 0) while another thread frees every block"
                    + " after " + RESCUE_DELAY_MILLIS + " ms";
        }

        @Override
        public String run(ZoneState s) {
            List<ZoneModel.Block> live = s.model.liveBlocks();
            RuntimeException[] thrown = new RuntimeException[2];
            long[] result = {PageAllocator.NO_PAGE};
            Thread rescuer = new Thread(() -> {
                try {
                    Thread.sleep(RESCUE_DELAY_MILLIS);
                    for (ZoneModel.Block b : live) {
                        s.sut.freePages(b.pfn(), b.order());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    thrown[0] = e;
                }
            }, "kmemlab-rescuer");
            Thread caller = new Thread(() -> {
                try {
                    result[0] = s.sut.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOFAIL, 0);
                } catch (RuntimeException e) {
                    thrown[1] = e;
                }
            }, "kmemlab-nofail");
            rescuer.setDaemon(true);
            caller.setDaemon(true);
            caller.start();
            rescuer.start();
            // The patience counts from the end of the frees, not from the start: how long the frees take
            // is the machine's business (thousands of round trips when graded), the wake-up the allocator's.
            join(rescuer, RESCUE_PATIENCE_MILLIS);
            if (rescuer.isAlive()) {
                throw Rule.ZONE_FREE.violation("freePages of " + live.size() + " live blocks from another thread did not"
                        + " return within " + RESCUE_PATIENCE_MILLIS + " ms while a __GFP_NOFAIL allocation waited: a"
                        + " free must not wait for the waiting allocation", "the frees to return", "still freeing");
            }
            join(caller, NOFAIL_PATIENCE_MILLIS);
            for (ZoneModel.Block b : live) {
                s.model.remove(b);
            }
            if (thrown[0] != null || thrown[1] != null) {
                RuntimeException e = thrown[0] != null ? thrown[0] : thrown[1];
                // freePages of a live block that throws breaks zone.free; the NOFAIL call throwing breaks nofail.
                Rule rule = thrown[0] != null ? Rule.ZONE_FREE : Rule.ZONE_NOFAIL;
                throw rule.violation((thrown[0] != null ? "freePages of a live block from another thread"
                        : "the __GFP_NOFAIL allocation") + " threw " + e.getClass().getSimpleName(), "no exception",
                        String.valueOf(e.getMessage()), e);
            }
            if (caller.isAlive()) {
                throw Rule.ZONE_NOFAIL.violation("allocPages(GFP_KERNEL|__GFP_NOFAIL, order 0) did not return within "
                        + NOFAIL_PATIENCE_MILLIS + " ms although another thread freed " + live.size() + " blocks: a"
                        + " waiting allocation must be woken when memory is freed", "a block soon after the frees",
                        "still waiting");
            }
            if (result[0] == PageAllocator.NO_PAGE) {
                throw Rule.ZONE_NOFAIL.violation("allocPages(GFP_KERNEL|__GFP_NOFAIL, order 0) returned NO_PAGE:"
                        + " __GFP_NOFAIL never fails, it waits (longer than maxWait " + s.maxWait.toMillis()
                        + " ms) until memory is freed", "a block", "NO_PAGE");
            }
            ZoneModel.Block block = Allocation.checkBlock(s, "allocPages(GFP_KERNEL|__GFP_NOFAIL, order 0)", label,
                    result[0], 0);
            s.model.add(block);
            return live.size() + " blocks freed by the other thread; pfn " + block.pfn();
        }

        private static void join(Thread thread, long millis) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code GFP_KERNEL|__GFP_NOWARN} when memory is exhausted and nothing can be reclaimed: the request
     * MAY wait up to maxWait for memory, but while it waits it MUST sleep on a condition. The waiting
     * thread's CPU time (not the wall time) tells: a thread that spins burns CPU the whole time.
     */
    record WaitsOnCondition(String label) implements Action<ZoneState> {

        /**
         * The least CPU time the measured call may use in any case. Beyond it the allowance is 30% of what
         * a thread that spun all along would have got: the share of CPU time this thread gets now is
         * measured first, by spinning for {@link #CALIBRATION_MILLIS}, so that a loaded machine (where a
         * spinning thread gets little CPU) and an idle one are judged alike. A thread asleep on a condition
         * uses well under a millisecond.
         */
        static final long CPU_ALLOWANCE_MILLIS = 2;
        /** How long the calibration spins to measure this thread's share of the CPU. */
        static final long CALIBRATION_MILLIS = 50;

        @Override
        public String describe() {
            return label + " = allocPages(GFP_KERNEL|__GFP_NOWARN, order 0)   // memory is exhausted; measure"
                    + " its thread's CPU time";
        }

        @Override
        public String run(ZoneState s) {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            boolean measurable = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
            // A first call warms the path (classes loaded, failure report formatted once), so that the
            // measured second call spends its CPU time on waiting, or on nothing.
            ZoneModel.Block first = Allocation.run(s, label + ".warm", Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 0,
                    Allocation.Context.PROCESS);
            if (first != null) {
                return "pfn " + first.pfn() + " (memory was not exhausted: nothing to wait for)";
            }
            double share = measurable ? cpuShare(threads) : 1;
            long cpuBefore = measurable ? threads.getCurrentThreadCpuTime() : 0;
            long start = System.nanoTime();
            // Only the allocator's call is measured: the contract's own checks run after the clock stops.
            long pfn = s.sut.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 0);
            long wallMillis = (System.nanoTime() - start) / 1_000_000;
            long cpuAfter = measurable ? threads.getCurrentThreadCpuTime() : 0;
            ZoneModel.Block block = null;
            if (pfn != PageAllocator.NO_PAGE) {
                block = Allocation.checkBlock(s, "allocPages(GFP_KERNEL|__GFP_NOWARN, order 0)", label, pfn, 0);
                s.model.add(block);
                s.writePattern(block);
            }
            if (!measurable) {
                return (block == null ? "NO_PAGE" : "pfn " + block.pfn()) + " (this JVM cannot measure thread CPU"
                        + " time)";
            }
            long cpuMillis = (cpuAfter - cpuBefore) / 1_000_000;
            long allowance = Math.max(CPU_ALLOWANCE_MILLIS, (long) (0.3 * share * wallMillis));
            if (cpuMillis > allowance) {
                throw Rule.ZONE_WAIT_ON_CONDITION.violation("allocPages(GFP_KERNEL|__GFP_NOWARN, order 0) used "
                        + cpuMillis + " ms of CPU time in " + wallMillis + " ms: a waiting allocation must sleep on a"
                        + " condition (Condition.await), not spin", "at most " + allowance + " ms of CPU time (30%"
                        + " of the " + Math.round(share * 100) + "% of a CPU a spinning thread gets now)",
                        cpuMillis + " ms of CPU time");
            }
            return (block == null ? "NO_PAGE" : "pfn " + block.pfn()) + " after " + wallMillis + " ms, "
                    + cpuMillis + " ms of CPU";
        }
    }

    /** Spins for {@link WaitsOnCondition#CALIBRATION_MILLIS} and returns the share of CPU time it got. */
    private static double cpuShare(java.lang.management.ThreadMXBean threads) {
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + WaitsOnCondition.CALIBRATION_MILLIS * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return Math.min(1.0, (double) (threads.getCurrentThreadCpuTime() - cpu) / (System.nanoTime() - start));
    }
}
