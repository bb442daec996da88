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
        return allocatedAtPeakPayload == 0 ? 0 : 100.0 * (allocatedAtPeakPayload - peakPayload) / allocatedAtPeakPayload;
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
        out.append(String.format(Locale.ROOT, "trace                   %s (%s, %d ids, %d operations%s)%n", trace.name(),
                trace.format() == Trace.Format.CSAPP ? "CS:APP" : "ftrace", trace.ids(), operations,
                trace.skipped() == 0 ? "" : ", " + trace.skipped() + " lines skipped"));
        out.append(String.format(Locale.ROOT, "operations              %d kmalloc, %d krealloc, %d kfree%n", allocs, reallocs, frees));
        out.append(String.format(Locale.ROOT, "failures                %d allocations returned NULL%s%n", failures,
                skippedFrees == 0 ? "" : " (" + skippedFrees + " later frees or resizes of them skipped)"));
        out.append(String.format(Locale.ROOT, "throughput              %,d ops/s (best of %d runs)%n", opsPerSecond(),
                Replayer.TIMED_RUNS));
        out.append(String.format(Locale.ROOT, "peak payload            %,d bytes%n", peakPayload));
        out.append(String.format(Locale.ROOT, "peak footprint          %,d bytes (%d pages)%n", peakFootprint, peakFootprint / page));
        out.append(String.format(Locale.ROOT, "peak utilisation        %.1f%% (peak payload / peak footprint)%n", utilisationPercent()));
        out.append(String.format(Locale.ROOT, "internal fragmentation  %.1f%% of the allocated bytes at peak payload were not"
                + " requested (%,d of %,d)%n", internalFragmentationPercent(), allocatedAtPeakPayload - peakPayload,
                allocatedAtPeakPayload));
        out.append(String.format(Locale.ROOT, "external fragmentation  %.1f%% of free memory at peak footprint lay in blocks too"
                + " small for the largest request, order %d (%d of %d free pages)%n",
                externalFragmentationPercent(), largestOrder, freePagesAtPeakFootprint - usableFreeAtPeakFootprint,
                freePagesAtPeakFootprint));
        out.append(String.format(Locale.ROOT, "integrity               %s%n", integrityErrors == 0
                ? "every allocation kept its bytes"
                : integrityErrors + " allocations were overwritten while live: two allocations overlapped"));
        return out.toString();
    }
}
