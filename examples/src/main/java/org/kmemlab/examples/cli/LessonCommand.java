package org.kmemlab.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kmemlab.examples.lessons.Lesson;
import org.kmemlab.examples.lessons.LessonContext;
import org.kmemlab.examples.lessons.LessonFailed;
import org.kmemlab.examples.lessons.Lessons;
import org.kmemlab.examples.web.Film;
import org.kmemlab.examples.web.LessonFilms;
import org.kmemlab.examples.web.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kmemlab lesson NAME}: runs one lesson, or lists them. */
@Command(name = "lesson", mixinStandardHelpOptions = true,
        description = {"Runs one lesson (without a name, lists them).",
            "Each lesson is a small Java program under org.kmemlab.examples.lessons to read and change.",
            "",
            "  1 check-returns  check every allocation's return value",
            "  2 unwind         allocate at the top of the function and unwind cleanly on failure",
            "  3 pools          allocate an easy amount and parcel it out",
            "  4 wait           a GFP_KERNEL caller sleeps until another thread frees memory",
            "  5 atomic         GFP_ATOMIC from an interrupt handler",
            "  6 dma            GFP_DMA for an ISA DMA controller: a bounce buffer",
            "  7 vmalloc        kmalloc vs vmalloc vs get_free_pages",
            "  8 boot           boot-time allocation, and why it is gone",
            "  9 carry-on       a double kfree on Linux 2.0, which warned and carried on"})
final class LessonCommand implements Callable<Integer> {

    @Mixin
    CommonOptions options;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the lesson's name or number")
    String name;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write FILE, a page that replays the lesson's kernels step by step in a browser")
    Path html;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Lessons lessons = new Lessons();
        if (name == null) {
            for (Lesson lesson : lessons.all()) {
                out.printf("  %d %-14s %s%n", lesson.number(), lesson.name(), lesson.title());
            }
            out.println();
            out.println("Run one with: kmemlab lesson NAME   (the sources are in examples/src/main/java/"
                    + "org/kmemlab/examples/lessons)");
            return 0;
        }
        Lesson lesson = lessons.find(name);
        if (html == null) {
            return run(lesson, context(options, out), out, spec.commandLine().getErr());
        }
        Commands.requireDirectoryOf(html, "--html");
        int status = runRecorded(lesson, options, out, spec.commandLine().getErr(), html);
        return status;
    }

    /**
     * Runs {@code lesson} as {@link #run} does while recording its kernels, and writes the page to
     * {@code html} (or says why there is none: a lesson that boots no kernel has nothing to draw).
     */
    static int runRecorded(Lesson lesson, CommonOptions options, PrintWriter out, PrintWriter err, Path html)
            throws IOException {
        Recording recording = new Recording("kmemlab lesson " + lesson.number() + ": " + lesson.title());
        LessonFilms films = new LessonFilms(recording, lesson.name(), options::builder, options.pagesProvider(),
                options.objectsProvider());
        LessonContext ctx = new LessonContext(out, films::builder, options::bareMachine, options.seed(),
                films::narrate);
        int status = run(lesson, ctx, out, err);
        films.narrate("end of lesson " + lesson.number());
        boolean recorded = false;
        for (Film film : recording.films()) {
            recorded |= film.kernel() != null;
        }
        if (recorded) {
            recording.write(html);
            out.println("Page written to " + html + " (open it in a browser)");
        } else {
            out.println("No page written to " + html + ": lesson " + lesson.name()
                    + " boots no kernel whose frames could be drawn");
        }
        return status;
    }

    /** Returns the context lessons run in, built from the common options. */
    static LessonContext context(CommonOptions options, PrintWriter out) {
        return new LessonContext(out, options::builder, options::bareMachine, options.seed());
    }

    /** Runs {@code lesson} under a heading; returns 0, or 1 when it could not show what it should. */
    static int run(Lesson lesson, LessonContext ctx, PrintWriter out, PrintWriter err) {
        out.println("== Lesson " + lesson.number() + ": " + lesson.title());
        try {
            lesson.run(ctx);
            out.flush();
            return 0;
        } catch (LessonFailed failed) {
            out.flush();
            err.println("kmemlab: lesson " + lesson.number() + " (" + lesson.name() + ") did not go as expected: "
                    + failed.getMessage());
            return KmemlabCommand.FAILED;
        }
    }
}
