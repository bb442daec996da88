package org.kmemlab.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.examples.experiment.DmaDrainExperiment;
import org.kmemlab.examples.experiment.GfpExperiment;
import org.kmemlab.examples.experiment.GfpPlot;
import org.kmemlab.examples.experiment.GfpTable;
import org.kmemlab.examples.web.GfpChartPage;
import org.kmemlab.kmalloc.Kernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kmemlab experiment ...}: measured experiments. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Measured experiments on the simulated machine.",
        subcommands = {ExperimentCommand.Gfp.class, ExperimentCommand.DmaDrain.class})
final class ExperimentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new UserError("name an experiment: kmemlab experiment gfp, or kmemlab experiment dma-drain"
                + " (see 'kmemlab experiment --help')");
    }

    /** {@code kmemlab experiment gfp}. */
    @Command(name = "gfp", mixinStandardHelpOptions = true,
            description = {"Measures failure rates of GFP_ATOMIC, GFP_KERNEL and GFP_DMA under pressure.",
                "At each pressure level a seeded fragmenting workload pins part of memory, the page cache fills"
                        + " the rest, then a burst of RAM/16 is requested in blocks of each order. Prints the table"
                        + " and what it shows; --png also draws it.",
                "Default machine: i386 (Linux 2.0) with 64 MiB (16 MiB of ZONE_DMA)."})
    static final class Gfp implements Callable<Integer> {

        @Mixin
        CommonOptions options;

        @Option(names = "--levels", split = ",", paramLabel = "PERCENT",
                defaultValue = "0,50,80,90,95,98",
                description = "pressure levels: percent of memory the workload pins (default: ${DEFAULT-VALUE})")
        int[] levels;

        @Option(names = "--orders", split = ",", paramLabel = "ORDER", defaultValue = "0,3,5",
                description = "request orders (default: ${DEFAULT-VALUE})")
        int[] orders;

        @Option(names = "--png", paramLabel = "FILE", description = "also write the plot to FILE (PNG)")
        Path png;

        @Option(names = "--html", paramLabel = "FILE",
                description = "also write FILE, an interactive chart (point at a point for its exact rate)")
        Path html;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            checkArguments();
            Kernel probe = kernel();
            for (int order : orders) {
                if (order > probe.era().maxOrder()) {
                    // Every request would fail for a reason the table would not show: no such block exists.
                    throw new UserError("--orders " + order + " is above the largest block of this machine's era ("
                            + probe.era() + ": order " + probe.era().maxOrder() + ", "
                            + (probe.machine().pageSize() << probe.era().maxOrder() >> 10) + " KiB); choose orders"
                            + " 0.." + probe.era().maxOrder());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("GFP experiment on %s%n", probe);
            out.println("Kernels boot with maxWait 0: nothing frees memory during a burst, so waiting could not help.");
            out.println();
            GfpExperiment experiment = new GfpExperiment(this::kernel, options.seed(), levels, orders);
            Progress progress = Commands.progress(spec, options);
            progress.start("measuring", experiment.cells());
            GfpTable table = experiment.run(progress::update);
            progress.done();
            out.print(table.format());
            if (png != null) {
                Commands.write(png, file -> GfpPlot.write(table, file));
                out.println();
                out.println("Plot written to " + png);
            }
            if (html != null) {
                String machine = probe.machine().profile().displayName() + ", " + (probe.machine().ramBytes() >> 20)
                        + " MiB";
                Commands.write(html, file -> GfpChartPage.write(table, machine, file));
                out.println();
                out.println("Page written to " + html + " (open it in a browser)");
            }
            return 0;
        }

        private Kernel kernel() {
            return options.builder(MachineProfile.I386_LINUX_2_0)
                    .commandDefault("ram", "64M")
                    .maxWait(Duration.ZERO)
                    .boot();
        }

        private void checkArguments() {
            int previous = -1;
            for (int level : levels) {
                if (level < 0 || level > 100 || level <= previous) {
                    throw new UserError("--levels must be ascending percentages from 0 to 100, not " + level);
                }
                previous = level;
            }
            for (int order : orders) {
                if (order < 0 || order > 10) {
                    throw new UserError("--orders must lie in 0..10, not " + order);
                }
            }
            if (png != null) {
                Commands.requireOutputFile(png, "--png");
            }
            if (html != null) {
                Commands.requireOutputFile(html, "--html");
            }
        }
    }

    /** {@code kmemlab experiment dma-drain}. */
    @Command(name = "dma-drain", mixinStandardHelpOptions = true,
            description = {"Shows ordinary allocations draining DMA memory on Linux 2.0, and today's zones keeping some.",
                "With the same workload on every machine: GFP_KERNEL pages are kept until a share of memory is in"
                        + " use, a random third of them is freed and allocated again four times (seeded), then a"
                        + " driver asks GFP_KERNEL|GFP_DMA for 64 KiB buffers and single pages.",
                "Machines: i386 with Linux 2.0 (DMA a page flag), the same i386 machine with today's zones, and"
                        + " x86_64 with today's zones, all with the same RAM (default 64 MiB); so --profile and the"
                        + " provider options are not taken here."})
    static final class DmaDrain implements Callable<Integer> {

        @Option(names = "--ram", paramLabel = "SIZE", defaultValue = "64M",
                description = "RAM of every machine, more than 16M and at least 64M for x86_64"
                        + " (default: ${DEFAULT-VALUE})")
        String ram;

        @Option(names = "--levels", split = ",", paramLabel = "PERCENT", defaultValue = "50,75,90,95,100",
                description = "ordinary use in percent of managed memory (default: ${DEFAULT-VALUE})")
        int[] levels;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1996",
                description = "seed of the churn: which pages are freed (default: ${DEFAULT-VALUE})")
        long seed;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            long bytes;
            try {
                bytes = Sizes.parse(ram);
            } catch (IllegalArgumentException e) {
                throw new UserError("--ram " + ram + ": " + e.getMessage());
            }
            if (bytes < MachineProfile.X86_64.minRam() || bytes > MachineProfile.I386_LINUX_2_0.maxRam()) {
                throw new UserError("--ram " + ram + " must lie between " + Sizes.human(MachineProfile.X86_64.minRam())
                        + " (the x86_64 machine's least) and " + Sizes.human(MachineProfile.I386_LINUX_2_0.maxRam())
                        + " (the i386 machine's most)");
            }
            DmaDrainExperiment experiment;
            try {
                experiment = new DmaDrainExperiment(bytes, levels, seed);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("DMA drain experiment, %s of RAM on every machine (pages of 4 KiB; DMA-capable: below 16 MiB),"
                    + " churn seed %d%n%n", Sizes.human(bytes), seed);
            List<DmaDrainExperiment.Row> rows = experiment.run();
            out.print(DmaDrainExperiment.format(rows));
            return 0;
        }
    }
}
