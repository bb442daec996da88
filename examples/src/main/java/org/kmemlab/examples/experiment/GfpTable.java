package org.kmemlab.examples.experiment;

import java.util.List;
import java.util.Locale;
import org.kmemlab.api.Era;

/**
 * The measured results of a {@link GfpExperiment}: requests and failures per pressure level, kind of
 * request and order, and the findings drawn from them.
 *
 * @param gfpNames the kinds of request, in column order
 * @param levels the pressure levels (percent of managed memory the workload aimed to pin)
 * @param orders the request orders
 * @param pinnedPercent per level: the share of managed memory in use after the workload, measured
 * @param cachePercent per level: the share of managed memory the page cache then held, measured
 * @param requests [level][gfp][order]: requests made
 * @param failures [level][gfp][order]: requests that returned NULL
 * @param seed the workload's seed
 * @param era the era of the kernels measured, whose rules the caption explains
 */
public record GfpTable(List<String> gfpNames, int[] levels, int[] orders, int[] pinnedPercent, int[] cachePercent,
                       int[][][] requests, int[][][] failures, long seed, Era era) {

    /** Returns the failure rate of one cell in percent (integer, rounded down). */
    public int failurePercent(int level, int gfp, int order) {
        return 100 * failures[level][gfp][order] / requests[level][gfp][order];
    }

    /** Returns the failure rate of one cell in per mille, for comparisons finer than a percent. */
    public int failurePerMille(int level, int gfp, int order) {
        return 1000 * failures[level][gfp][order] / requests[level][gfp][order];
    }

    /** Formats the table and the findings. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("Failure rate (%) of a burst of RAM/").append(GfpExperiment.BURST_DIVISOR)
                .append(" in blocks of 2^order pages, per pressure level (seed ").append(seed).append(")\n\n");
        StringBuilder head1 = new StringBuilder(String.format(Locale.ROOT, "%-8s %6s %6s ", "pinned", "", "cache"));
        StringBuilder head2 = new StringBuilder(String.format(Locale.ROOT, "%-8s %6s %6s ", "target", "actual", ""));
        for (String name : gfpNames) {
            head1.append("| ").append(String.format(Locale.ROOT, "%-" + (orders.length * 6) + "s", name));
            head2.append("| ");
            for (int order : orders) {
                head2.append(String.format(Locale.ROOT, "%-6s", "o" + order));
            }
        }
        out.append(head1.toString().stripTrailing()).append('\n').append(head2.toString().stripTrailing()).append('\n');
        for (int l = 0; l < levels.length; l++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s %5d%% %5d%% ", levels[l] + "%",
                    pinnedPercent[l], cachePercent[l]));
            for (int g = 0; g < gfpNames.size(); g++) {
                row.append("| ");
                for (int o = 0; o < orders.length; o++) {
                    row.append(String.format(Locale.ROOT, "%-6d", failurePercent(l, g, o)));
                }
            }
            out.append(row.toString().stripTrailing()).append('\n');
        }
        out.append('\n');
        for (String finding : findings()) {
            out.append(finding).append('\n');
        }
        return out.toString();
    }

    /** Returns the conclusions the numbers support, each a sentence with the figures behind it. */
    public List<String> findings() {
        int atomic = gfpNames.indexOf("GFP_ATOMIC");
        int kernel = gfpNames.indexOf("GFP_KERNEL");
        int dma = gfpNames.indexOf("GFP_DMA");
        int more = 0;
        int same = 0;
        int less = 0;
        long atomicFailures = 0;
        long kernelFailures = 0;
        long atomicRequests = 0;
        long kernelRequests = 0;
        for (int l = 0; l < levels.length; l++) {
            for (int o = 0; o < orders.length; o++) {
                int a = failurePerMille(l, atomic, o);
                int k = failurePerMille(l, kernel, o);
                if (a > k) {
                    more++;
                } else if (a == k) {
                    same++;
                } else {
                    less++;
                }
                atomicFailures += failures[l][atomic][o];
                kernelFailures += failures[l][kernel][o];
                atomicRequests += requests[l][atomic][o];
                kernelRequests += requests[l][kernel][o];
            }
        }
        long atomicPercent = 100 * atomicFailures / Math.max(1, atomicRequests);
        long kernelPercent = 100 * kernelFailures / Math.max(1, kernelRequests);
        String verdict = atomicFailures * kernelRequests > kernelFailures * atomicRequests
                ? "GFP_ATOMIC fails more often than GFP_KERNEL"
                : atomicFailures * kernelRequests == kernelFailures * atomicRequests
                ? "GFP_ATOMIC and GFP_KERNEL fail equally often"
                : "GFP_ATOMIC fails less often than GFP_KERNEL";
        StringBuilder lessWhere = new StringBuilder();
        for (int l = 0; l < levels.length; l++) {
            for (int o = 0; o < orders.length; o++) {
                if (failurePerMille(l, atomic, o) < failurePerMille(l, kernel, o)) {
                    lessWhere.append(lessWhere.length() == 0 ? "" : "; ")
                            .append(String.format(Locale.ROOT, "order %d at %d%% pinned with %d%% page cache",
                                    orders[o], levels[l], cachePercent[l]));
                }
            }
        }
        String first = String.format(Locale.ROOT, "%s: %d of %d GFP_ATOMIC requests failed (%d%%) against %d of %d"
                + " GFP_KERNEL (%d%%). Cell by cell it failed more in %d of %d, as often in %d, less in %d%s.",
                verdict, atomicFailures, atomicRequests, atomicPercent, kernelFailures, kernelRequests, kernelPercent,
                more, more + same + less, same, less, lessWhere.length() == 0 ? "" : ": " + lessWhere);
        return List.of(first, dmaFinding(dma, kernel));
    }

    private String dmaFinding(int dma, int kernel) {
        int dmaLevel = firstFailure(dma);
        if (dmaLevel < 0) {
            return "GFP_DMA never failed at these pressure levels.";
        }
        int kernelLevel = firstFailure(kernel);
        String comparison = kernelLevel < 0 ? "GFP_KERNEL never failed"
                : kernelLevel == dmaLevel ? "GFP_KERNEL first failed at the same level"
                : kernelLevel > dmaLevel ? "GFP_KERNEL only from " + levels[kernelLevel] + "%"
                : "GFP_KERNEL already from " + levels[kernelLevel] + "%";
        StringBuilder rates = new StringBuilder();
        for (int o = 0; o < orders.length; o++) {
            rates.append(o == 0 ? "" : ", ").append("order ").append(orders[o]).append(' ')
                    .append(failurePercent(dmaLevel, dma, o)).append("% (GFP_KERNEL ")
                    .append(failurePercent(dmaLevel, kernel, o)).append("%)");
        }
        return String.format(Locale.ROOT, "GFP_DMA first failed at %d%% pinned; %s. Failure rates there: %s.",
                levels[dmaLevel], comparison, rates);
    }

    /** Returns the index of the first level at which requests of kind {@code gfp} failed, or -1. */
    private int firstFailure(int gfp) {
        for (int l = 0; l < levels.length; l++) {
            for (int o = 0; o < orders.length; o++) {
                if (failures[l][gfp][o] > 0) {
                    return l;
                }
            }
        }
        return -1;
    }
}
