package org.kmemlab.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.lessons.LessonContext;
import org.kmemlab.kmalloc.Kernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kmemlab info}: the /proc files and the kernel log of a booted machine. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Prints /proc/buddyinfo, slabinfo, zoneinfo, meminfo and dmesg of a booted machine.",
            "A small seeded workload runs first so that the caches have something in them.",
            "On the Linux 2.0 era only meminfo is a /proc file, as in 2.0: the free lists come as 2.0's"
                    + " show_free_areas() and the other reports are labelled as kmemlab's view."})
final class InfoCommand implements Callable<Integer> {

    /** The reports, in the order they are printed. */
    static final List<String> REPORTS = List.of("buddyinfo", "slabinfo", "zoneinfo", "meminfo", "dmesg");

    @Mixin
    CommonOptions options;

    @Option(names = "--show", split = ",", paramLabel = "REPORT",
            description = "which reports, comma-separated: buddyinfo, slabinfo, zoneinfo, meminfo, dmesg"
                    + " (default: all)")
    List<String> show;

    @Option(names = "--workload", paramLabel = "N", defaultValue = "256",
            description = "objects of seeded random sizes kmalloc'd (and kept) before the reports"
                    + " (default: ${DEFAULT-VALUE})")
    int objects;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> wanted = show == null ? REPORTS : show;
        for (String report : wanted) {
            if (!REPORTS.contains(report)) {
                throw new UserError("no report '" + report + "'; choose from " + String.join(", ", REPORTS));
            }
        }
        if (objects < 0) {
            throw new UserError("--workload " + objects + " is negative");
        }
        Kernel kernel = options.boot(MachineProfile.I386_LINUX_2_0);
        int failed = workload(kernel, objects, options.seed());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("# %s, %d objects kmalloc'd and kept (seed %d)%s%n", kernel, objects, options.seed(),
                failed == 0 ? "" : ", " + failed + " of them failed");
        for (String report : REPORTS) {
            if (!wanted.contains(report)) {
                continue;
            }
            out.println();
            if (report.equals("dmesg")) {
                out.println("==> dmesg <==");
                out.print(kernel.machine().dmesg().text());
            } else if (kernel.era() != Era.LINUX_2_0 || report.equals("meminfo")) {
                out.println("==> /proc/" + report + " <==");
                out.print(kernel.proc(report));
            } else {
                if (report.equals("buddyinfo")) {
                    out.println("==> " + LessonContext.freeListsCaption(kernel) + " <==");
                    out.print(LessonContext.freeLists(kernel));
                    out.println();
                }
                out.println("==> " + report + ": kmemlab's view <==");
                out.print(kernel.kmemlabView(report));
            }
        }
        return 0;
    }

    /**
     * Allocates {@code n} objects of seeded random sizes (mostly small, some up to 16 KiB, one in eight
     * from ZONE_DMA) and keeps them; returns how many allocations failed.
     */
    static int workload(Kernel kernel, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int failed = 0;
        for (int i = 0; i < n; i++) {
            long size = random.nextInt(8) == 0 ? 1 + random.nextInt(16 * 1024) : 8 + random.nextInt(1000);
            int gfp = random.nextInt(8) == 0 ? Gfp.GFP_KERNEL | Gfp.GFP_DMA : Gfp.GFP_KERNEL;
            if (kernel.kmalloc(size, gfp) == KernelMemory.NULL) {
                failed++;
            }
        }
        return failed;
    }
}
