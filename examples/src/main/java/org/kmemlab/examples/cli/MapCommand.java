package org.kmemlab.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.map.FrameWatch;
import org.kmemlab.examples.map.MapImage;
import org.kmemlab.examples.map.MemoryMap;
import org.kmemlab.examples.map.Owner;
import org.kmemlab.examples.map.TextMap;
import org.kmemlab.examples.web.Film;
import org.kmemlab.examples.web.Recording;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.ResolvedSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kmemlab map}: a picture of physical memory after a seeded workload. */
@Command(name = "map", mixinStandardHelpOptions = true,
        // One element per paragraph: picocli wraps each at the terminal's width, so none is broken by hand.
        description = {"Draws physical memory: zones, the owner of every frame, free buddy blocks.",
            "Boots a machine, runs a seeded workload (page cache, small and large kmallocs, __get_free_pages,"
                    + " then frees a random part of it), and draws physical memory: zones, the owner of every"
                    + " frame, and the free buddy blocks. Text on the terminal; --png also writes an image."})
final class MapCommand implements Callable<Integer> {

    @Mixin
    CommonOptions options;

    @Option(names = "--png", paramLabel = "FILE", description = "also write the map to FILE (PNG)")
    Path png;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write FILE, a page that replays the workload step by step in a browser")
    Path html;

    @Option(names = "--columns", paramLabel = "N", defaultValue = "64",
            description = "characters per row of the text map (default: ${DEFAULT-VALUE})")
    int columns;

    @Option(names = "--frames-per-char", paramLabel = "N",
            description = "frames per character, a power of two (default: 1 up to 16 MiB, more above)")
    Integer framesPerChar;

    @Option(names = "--load", paramLabel = "PERCENT", defaultValue = "40",
            description = "how much of memory the workload takes before it frees part of it"
                    + " (default: ${DEFAULT-VALUE})")
    int load;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (columns < 8 || columns > 1024) {
            throw new UserError("--columns must lie in 8..1024, not " + columns);
        }
        if (framesPerChar != null && (framesPerChar < 1 || Integer.bitCount(framesPerChar) != 1)) {
            throw new UserError("--frames-per-char must be a power of two, not " + framesPerChar);
        }
        if (load < 0 || load > 95) {
            throw new UserError("--load must lie in 0..95, not " + load);
        }
        if (png != null) {
            Commands.requireOutputFile(png, "--png");
        }
        if (html != null) {
            Commands.requireOutputFile(html, "--html");
        }
        Recording recording = new Recording("kmemlab map: a workload of " + load + "% (seed " + options.seed() + ")");
        Film film = recording.film("map workload");
        // The watcher is sized from the settings the kernel will boot with, resolved once by its builder.
        ResolvedSettings settings = options.resolve(MachineProfile.I386_LINUX_2_0);
        // Per-thread caches off: a page parked in a per-thread list would look allocated to the map.
        Kernel kernel = film.watching(options.builder(MachineProfile.I386_LINUX_2_0), settings.pages(),
                settings.objects()).cpuCaches(false).boot();
        FrameWatch watch = film.watch();
        workload(kernel, watch, load, options.seed(), html != null ? film::step : label -> { });
        MemoryMap map = MemoryMap.of(kernel.machine(), watch, kernel.zoneinfo());

        PrintWriter out = spec.commandLine().getOut();
        int perChar = framesPerChar != null ? framesPerChar : defaultFramesPerChar(kernel.machine().frames());
        out.printf("Memory map after a workload of %d%% (seed %d); page cache holds %d pages%n", load, options.seed(),
                kernel.pageCache().pages());
        out.print(TextMap.render(map, perChar, columns));
        if (png != null) {
            String title = "Physical memory after a workload of " + load + "% (seed " + options.seed() + ")";
            Commands.write(png, file -> MapImage.write(map, title, file));
            out.println();
            out.println("Image written to " + png);
        }
        if (html != null) {
            Commands.write(html, recording::write);
            out.println();
            out.println("Page written to " + html + " (open it in a browser)");
        }
        return 0;
    }

    private static int defaultFramesPerChar(long frames) {
        int perChar = 1;
        while (frames / perChar > 4096) {
            perChar <<= 1;
        }
        return perChar;
    }

    /**
     * Fills {@code percent} of memory with a seeded mix (a quarter of it page cache, then small kmallocs,
     * large kmallocs and blocks of 1–4 pages), frees a random half of the allocations, and labels the
     * frames of what it keeps in {@code watch}. After each operation it hands {@code steps} a line saying
     * what it did (a recording makes a step of it).
     */
    static void workload(Kernel kernel, FrameWatch watch, int percent, long seed, Consumer<String> steps) {
        SplittableRandom random = new SplittableRandom(seed);
        long total = kernel.meminfo().memTotal();
        long target = total * percent / 100;
        long cached = kernel.machine().frames() * percent / 400;
        kernel.pageCache().fill(cached);
        steps.accept("page cache: read " + cached + " pages of files");
        long[] addr = new long[8192];
        int[] order = new int[addr.length];     // the page order, or -1 for kmalloc
        int n = 0;
        while (n < addr.length && total - kernel.meminfo().memFree() < target) {
            int kind = random.nextInt(4);
            long a;
            if (kind == 0) {
                order[n] = random.nextInt(3);
                a = kernel.getFreePages(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, order[n]);
            } else {
                order[n] = -1;
                long size = kind == 1 ? 8192 + random.nextInt(24 * 1024) : 16 + random.nextInt(2000);
                a = kernel.kmalloc(size, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
            }
            if (a == KernelMemory.NULL) {
                steps.accept("allocation failed: the workload stops allocating");
                break;
            }
            addr[n++] = a;
            steps.accept(order[n - 1] >= 0 ? "__get_free_pages(GFP_KERNEL, " + order[n - 1] + ") = 0x" + Long.toHexString(a)
                    : "kmalloc(" + kernel.ksize(a) + " usable bytes, GFP_KERNEL) = 0x" + Long.toHexString(a));
        }
        for (int i = 0; i < n; i++) {
            if (random.nextBoolean()) {
                if (order[i] >= 0) {
                    kernel.freePages(addr[i], order[i]);
                    steps.accept("free_pages(0x" + Long.toHexString(addr[i]) + ", " + order[i] + ")");
                } else {
                    kernel.kfree(addr[i]);
                    steps.accept("kfree(0x" + Long.toHexString(addr[i]) + ")");
                }
            } else {
                label(kernel, watch, addr[i], order[i]);
                steps.accept("keep 0x" + Long.toHexString(addr[i]) + (order[i] >= 0 ? " (page block)" : " (kmalloc)"));
            }
        }
    }

    /** Labels a kept allocation: page blocks as such, a kmalloc that did not land in a slab page as large. */
    private static void label(Kernel kernel, FrameWatch watch, long addr, int order) {
        if (order >= 0) {
            watch.mark(kernel.machine().virtToPfn(addr), 1L << order, Owner.PAGES);
        } else {
            watch.labelKmalloc(kernel, addr);
        }
    }
}
