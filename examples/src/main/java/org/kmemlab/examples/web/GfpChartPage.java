package org.kmemlab.examples.web;

import java.io.IOException;
import java.nio.file.Path;
import org.kmemlab.examples.experiment.GfpTable;
import org.kmemlab.testkit.report.Json;

/**
 * The page of {@code kmemlab experiment gfp --html}: one chart per request order, failure rate against
 * pressure, a line per kind of request; pointing at a point shows its exact figures (failed of requested),
 * and the caption explains why GFP_ATOMIC fails with nothing pinned.
 */
public final class GfpChartPage {

    /** The caption under the charts: what the page cache does to GFP_ATOMIC, and the DMA zone's limit. */
    public static final String CAPTION = "Why GFP_ATOMIC fails even with nothing pinned: after the workload the"
            + " page cache has filled almost all free memory, as it does on a real machine. GFP_KERNEL may sleep"
            + " and reclaim page cache, so it succeeds until pinned memory leaves nothing to reclaim; GFP_ATOMIC"
            + " may not sleep, so it gets only the pages still free (and the reserve below the min watermark) and"
            + " most of the burst fails. GFP_DMA must come from ZONE_DMA (the first 16 MiB), which fills with"
            + " pinned DMA buffers long before the rest of memory: reclaiming page cache elsewhere cannot help it.";

    private GfpChartPage() {
    }

    /** Returns the page's data: the table's counts, the findings and the caption. */
    public static String json(GfpTable table, String machine) {
        Json out = new Json().beginObject().field("title", "kmemlab experiment gfp").field("machine", machine)
                .field("seed", table.seed()).field("burstDivisor", org.kmemlab.examples.experiment.GfpExperiment.BURST_DIVISOR)
                .field("caption", CAPTION);
        out.key("gfp").beginArray();
        for (String name : table.gfpNames()) {
            out.string(name);
        }
        out.endArray();
        out.key("levels").numbers(table.levels()).key("orders").numbers(table.orders())
                .key("pinned").numbers(table.pinnedPercent()).key("cache").numbers(table.cachePercent());
        counts(out.key("requests"), table.requests());
        counts(out.key("failures"), table.failures());
        out.key("findings").beginArray();
        for (String finding : table.findings()) {
            out.string(finding);
        }
        return out.endArray().endObject().toString();
    }

    /** Writes counts indexed [level][gfp][order] as nested arrays. */
    private static void counts(Json out, int[][][] counts) {
        out.beginArray();
        for (int[][] level : counts) {
            out.beginArray();
            for (int[] gfp : level) {
                out.numbers(gfp);
            }
            out.endArray();
        }
        out.endArray();
    }

    /** Writes the page for {@code table}, measured on {@code machine} (a description), to {@code file}. */
    public static void write(GfpTable table, String machine, Path file) throws IOException {
        Pages.write(file, "kmemlab experiment gfp", "gfp", json(table, machine));
    }
}
