package org.kmemlab.examples.lessons;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;

/**
 * What a lesson gets: where to print, how to boot a kernel with the user's options, and the seed.
 */
public final class LessonContext {

    private final PrintWriter out;
    private final Function<MachineProfile, KernelBuilder> builders;
    private final Function<MachineProfile, Machine> machines;
    private final long seed;
    private final Consumer<String> narration;

    /**
     * Creates a context.
     *
     * @param out where the lesson prints
     * @param builders returns a kernel builder with the user's options applied, on the given profile
     *                 unless the user chose another
     * @param machines boots a bare machine (no allocators yet) the same way
     * @param seed the seed of any random choice
     */
    public LessonContext(PrintWriter out, Function<MachineProfile, KernelBuilder> builders,
                         Function<MachineProfile, Machine> machines, long seed) {
        this(out, builders, machines, seed, line -> { });
    }

    /**
     * Creates a context that also hands every line the lesson prints through {@link #say}, {@link #step}
     * and {@link #show} to {@code narration} (a recording of the lesson follows its narration this way).
     */
    public LessonContext(PrintWriter out, Function<MachineProfile, KernelBuilder> builders,
                         Function<MachineProfile, Machine> machines, long seed, Consumer<String> narration) {
        this.out = out;
        this.builders = builders;
        this.machines = machines;
        this.seed = seed;
        this.narration = narration;
    }

    /** Boots a bare machine, without any allocator but boot memory: {@code profile} unless the user chose. */
    public Machine bareMachine(MachineProfile profile) {
        return machines.apply(profile);
    }

    /** Returns where the lesson prints. */
    public PrintWriter out() {
        return out;
    }

    /** Returns the seed. */
    public long seed() {
        return seed;
    }

    /** Returns a builder for a Linux 2.0 machine (or what the user chose), for a lesson to adjust. */
    public KernelBuilder builder() {
        return builders.apply(MachineProfile.I386_LINUX_2_0);
    }

    /** Returns a builder for {@code profile} (or what the user chose). */
    public KernelBuilder builder(MachineProfile profile) {
        return builders.apply(profile);
    }

    /** Boots a kernel on a Linux 2.0 machine (or what the user chose). */
    public Kernel kernel() {
        return builder().boot();
    }

    /** Prints a line; {@code args} fill {@code %} placeholders as in {@link String#format}. */
    public void say(String format, Object... args) {
        String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        out.println(line);
        narration.accept(line);
    }

    /** Prints a step heading. */
    public void step(String title) {
        out.println();
        out.println("-- " + title);
        narration.accept("-- " + title);
    }

    /** Prints {@code text} (several lines) indented under a caption, e.g. a /proc file. */
    public void show(String caption, String text) {
        narration.accept(caption + ": " + firstLine(text));
        out.println("   " + caption + ":");
        for (String line : text.split("\n")) {
            out.println("     " + line);
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline) + " ...";
    }

    /**
     * Shows the free lists the way the kernel's era let a user see them: today's {@code /proc/buddyinfo},
     * or on the Linux 2.0 era {@code show_free_areas()} (2.0 printed its free lists only on the console).
     */
    public void showFreeLists(Kernel kernel) {
        show(freeListsCaption(kernel), freeLists(kernel));
    }

    /** Returns the caption of {@link #showFreeLists}: which file or report of the era the text is. */
    public static String freeListsCaption(Kernel kernel) {
        return kernel.era() == Era.LINUX_2_0
                ? "show_free_areas() (Linux 2.0 had no /proc/buddyinfo; SysRq-M printed this on the console)"
                : "/proc/buddyinfo";
    }

    /** Returns the text of {@link #showFreeLists}. */
    public static String freeLists(Kernel kernel) {
        return kernel.era() == Era.LINUX_2_0 ? kernel.showFreeAreas() : kernel.procBuddyinfo();
    }

    /**
     * Shows kmemlab's report {@code file} ({@code buddyinfo}, {@code slabinfo}, {@code zoneinfo},
     * {@code vmallocinfo}): captioned as the {@code /proc} file on today's era, and as kmemlab's view on
     * the Linux 2.0 era, which had no such file ({@link Kernel#kmemlabView}).
     */
    public void showView(Kernel kernel, String file) {
        show(viewCaption(kernel.era(), file), kernel.kmemlabView(file));
    }

    /** Returns the caption of a report that today's kernel has as {@code /proc/file}, for {@code era}. */
    public static String viewCaption(Era era, String file) {
        return era == Era.LINUX_2_0 ? "kmemlab's view (today's /proc/" + file + " layout; Linux 2.0 had no such file)"
                : "/proc/" + file;
    }

    /**
     * Prints the report of a kernel bug the lesson provoked and caught: "the kernel's report", or, when the
     * report starts {@code kmemlab found:} (misuse Linux 2.0 met without a word), "kmemlab's report".
     */
    public void report(KernelBug bug) {
        show(bug.headline().startsWith("kmemlab found: ") ? "kmemlab's report (the kernel printed nothing)"
                : "the kernel's report", bug.getMessage());
    }

    /**
     * Returns a page allocation as a driver of {@code era} wrote it. Linux 2.0's {@code __get_free_pages}
     * took the priority, the order and a DMA argument, and DMA pages were asked for with
     * {@code __get_dma_pages(priority, order)} ({@code include/linux/mm.h}, tag 2.0: GFP_DMA was kmalloc's
     * flag only); today {@code GFP_DMA} is part of the gfp mask of {@code __get_free_pages(gfp, order)}.
     */
    public static String getFreePagesCall(Era era, String priority, int order, boolean dma) {
        if (era == Era.LINUX_2_0) {
            return dma ? "__get_dma_pages(" + priority + ", " + order + ")"
                    : "__get_free_pages(" + priority + ", " + order + ", 0)";
        }
        return "__get_free_pages(" + priority + (dma ? " | GFP_DMA" : "") + ", " + order + ")";
    }

    /**
     * Checks that the machine did what the lesson relies on.
     *
     * @throws LessonFailed with {@code expectation} when {@code condition} is false
     */
    public void expect(boolean condition, String expectation) {
        if (!condition) {
            throw new LessonFailed("expected " + expectation);
        }
    }
}
