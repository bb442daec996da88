package org.kmemlab.examples.trace;

import java.util.Locale;
import org.kmemlab.api.Machine;

/**
 * The figures of one trace replay (see {@link Replayer} for how each is measured).
 *
 * @param trace the trace replayed
 * @param machine the machine of the measuring run
 * @param operations operations in the trace
 * @param allocs kmalloc calls
 * @param reallocs krealloc calls
 * @param frees kfree calls
 * @param failures allocations that returned NULL
 * @param skippedFrees frees and resizes of ids whose allocation had failed
 * @param bestNanos the fastest timed run, in nanoseconds
 * @param peakPayload the largest total of requested bytes live at once
 * @param allocatedAtPeakPayload the usable bytes ({@code ksize}) of the live allocations at that moment
 * @param peakFootprint the most memory the allocators held for the trace, in bytes
 * @param freePagesAtPeakFootprint free pages at that moment
 * @param largestOrder the page order of the trace's largest request
 * @param usableFreeAtPeakFootprint free pages at that moment in blocks of at least {@code largestOrder}
 * @param integrityErrors allocations whose pattern bytes had changed when they were freed
 */
public record ReplayReport(Trace trace, Machine machine, long operations, long allocs, long reallocs, long frees,
                           long failures, long skippedFrees, long bestNanos, long peakPayload,
                           long allocatedAtPeakPayload, long peakFootprint, long freePagesAtPeakFootprint,
                           int largestOrder, long usableFreeAtPeakFootprint, long integrityErrors) {

    /** Returns operations per second in the fastest timed run. */
    public long opsPerSecond() {
        return operations * 1_000_000_000L / Math.max(1, bestNanos);
    }

    /** Returns peak payload / peak footprint in percent, or 0 when nothing was allocated. */
    public double utilisationPercent() {
        return peakFootprint == 0 ? 0 : 100.0 * peakPayload / peakFootprint;
    }

    /** Returns the unrequested share of the allocated bytes at peak payload, in percent. */
    public double internalFragmentationPercent() {
        return allocatedAtPeakPayload == 0 ? 0
                : 100.0 * (allocatedAtPeakPayload - peakPayload) / allocatedAtPeakPayload;
    }

    /** Returns the share of free memory at peak footprint in blocks too small for the largest request. */
    public double externalFragmentationPercent() {
        return freePagesAtPeakFootprint == 0 ? 0
                : 100.0 * (freePagesAtPeakFootprint - usableFreeAtPeakFootprint) / freePagesAtPeakFootprint;
    }

    /** Formats the report for the terminal. */
    public String format() {
        long page = machine.pageSize();
        StringBuilder out = new StringBuilder();
        line(out, "trace", "%s (%s, %d ids, %d operations%s)", trace.name(),
                trace.format() == Trace.Format.CSAPP ? "CS:APP" : "ftrace", trace.ids(), operations,
                trace.skipped() == 0 ? "" : ", " + trace.skipped() + " lines skipped");
        line(out, "operations", "%d kmalloc, %d krealloc, %d kfree", allocs, reallocs, frees);
        line(out, "failures", "%d allocations returned NULL%s", failures,
                skippedFrees == 0 ? "" : " (" + skippedFrees + " later frees or resizes of them skipped)");
        line(out, "throughput", "%,d ops/s (best of %d runs)", opsPerSecond(), Replayer.TIMED_RUNS);
        line(out, "peak payload", "%,d bytes", peakPayload);
        line(out, "peak footprint", "%,d bytes (%d pages)", peakFootprint, peakFootprint / page);
        line(out, "peak utilisation", "%.1f%% (peak payload / peak footprint)", utilisationPercent());
        line(out, "internal fragmentation", "%.1f%% of the allocated bytes at peak payload were not requested"
                + " (%,d of %,d)", internalFragmentationPercent(), allocatedAtPeakPayload - peakPayload,
                allocatedAtPeakPayload);
        line(out, "external fragmentation", "%.1f%% of free memory at peak footprint lay in blocks too small for"
                + " the largest request, order %d (%d of %d free pages)", externalFragmentationPercent(),
                largestOrder, freePagesAtPeakFootprint - usableFreeAtPeakFootprint, freePagesAtPeakFootprint);
        line(out, "integrity", "%s", integrityErrors == 0 ? "every allocation kept its bytes"
                : integrityErrors + " allocations were overwritten while live: two allocations overlapped");
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String format, Object... args) {
        out.append(String.format(Locale.ROOT, "%-23s " + format + "%n", prepend(label, args)));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
