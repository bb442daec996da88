package org.kmemlab.examples.web;

import java.io.IOException;
import java.nio.file.Path;
import org.kmemlab.api.Era;
import org.kmemlab.examples.experiment.GfpTable;
import org.kmemlab.testkit.report.Json;

/**
 * The page of {@code kmemlab experiment gfp --html}: one chart per request order, failure rate against
 * pressure, a line per kind of request; pointing at a point shows its exact figures (failed of requested),
 * and the caption explains why GFP_ATOMIC fails with nothing pinned.
 */
public final class GfpChartPage {

    /**
     * The caption under the charts on today's kernels: what the page cache does to GFP_ATOMIC, and the DMA
     * zone's limit.
     */
    public static final String CAPTION = "Why GFP_ATOMIC fails even with nothing pinned: after the workload the"
            + " page cache has filled almost all free memory, as it does on a real machine. GFP_KERNEL may sleep"
            + " and reclaim page cache, so it succeeds until pinned memory leaves nothing to reclaim; GFP_ATOMIC"
            + " may not sleep, so it gets only the pages still free (and the reserve below the min watermark) and"
            + " most of the burst fails. GFP_DMA must come from ZONE_DMA (the first 16 MiB), which fills with"
            + " pinned DMA buffers long before the rest of memory: reclaiming page cache elsewhere cannot help it.";

    /**
     * The caption on the Linux 2.0 era (the default run), where today's caption would be wrong twice: 2.0's
     * GFP_KERNEL reclaimed only while the machine was at its one reserve, so it fails for blocks while
     * memory is still reclaimable; and 2.0 had no ZONE_DMA (mm/page_alloc.c:195-203 of tag 2.0).
     */
    public static final String CAPTION_LINUX_2_0 = "Why GFP_ATOMIC fails even with nothing pinned: after the workload"
            + " the buffer cache has filled almost all free memory, as it does on a real machine, and GFP_ATOMIC may"
            + " not reclaim it. Linux 2.0's GFP_KERNEL reclaims, but only while the machine is at its one reserve"
            + " (min_free_pages): once reclaim has freed pages anywhere, a request that finds no free block of its"
            + " order gets NULL at once, so larger blocks fail while memory is still reclaimable. GFP_DMA wants"
            + " pages below 16 MiB (2.0 had no ZONE_DMA, only the PG_DMA page flag); the cache holds them, and"
            + " freeing cache elsewhere does not help it.";

    private GfpChartPage() {
    }

    /** Returns the caption that explains the chart of kernels of {@code era}. */
    public static String caption(Era era) {
        return era == Era.LINUX_2_0 ? CAPTION_LINUX_2_0 : CAPTION;
    }

    /** Returns the page's data: the table's counts, the findings and the caption. */
    public static String json(GfpTable table, String machine) {
        Json out = new Json().beginObject().field("title", "kmemlab experiment gfp").field("machine", machine)
                .field("seed", table.seed()).field("burstDivisor", org.kmemlab.examples.experiment.GfpExperiment.BURST_DIVISOR)
                .field("caption", caption(table.era()));
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
