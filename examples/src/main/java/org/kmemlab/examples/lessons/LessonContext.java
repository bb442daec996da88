package org.kmemlab.examples.lessons;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
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

    /** Prints the report of a kernel bug the lesson provoked and caught. */
    public void report(KernelBug bug) {
        show("the kernel's report", bug.getMessage());
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
