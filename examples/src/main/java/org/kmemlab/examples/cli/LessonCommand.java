package org.kmemlab.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ReferenceProviders;
import org.kmemlab.examples.lessons.Lesson;
import org.kmemlab.examples.lessons.LessonContext;
import org.kmemlab.examples.lessons.LessonFailed;
import org.kmemlab.examples.lessons.Lessons;
import org.kmemlab.examples.web.Film;
import org.kmemlab.examples.web.LessonFilms;
import org.kmemlab.examples.web.Recording;
import org.kmemlab.kmalloc.ResolvedSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kmemlab lesson NAME}: runs one lesson, or lists them. */
@Command(name = "lesson", mixinStandardHelpOptions = true,
        description = {"Runs one lesson, by name or number; without one, lists the lessons in tour order.",
            "Each lesson is a small Java program under org.kmemlab.examples.lessons to read and change;"
                    + " lesson NAME is class NameLesson (vmalloc is VmallocLesson)."})
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
        ResolvedSettings settings = options.resolve(MachineProfile.I386_LINUX_2_0);
        if (name == null) {
            for (Lesson lesson : lessons.all()) {
                out.printf("  %2d %-14s %s%n", lesson.number(), lesson.name(), lesson.title());
            }
            out.println();
            out.println("Run one with: kmemlab lesson NAME   (the sources are in examples/src/main/java/"
                    + "org/kmemlab/examples/lessons)");
            return 0;
        }
        Lesson lesson = lessons.find(name);
        if (html == null) {
            return run(lesson, context(options, out), settings, out, spec.commandLine().getErr());
        }
        Commands.requireOutputFile(html, "--html");
        return runRecorded(lesson, options, settings, out, spec.commandLine().getErr(), html);
    }

    /**
     * Runs {@code lesson} as {@link #run} does while recording its kernels, and writes the page to
     * {@code html} (or says why there is none: a lesson that boots no kernel has nothing to draw).
     */
    static int runRecorded(Lesson lesson, CommonOptions options, ResolvedSettings settings, PrintWriter out,
                           PrintWriter err, Path html)
            throws IOException {
        Recording recording = new Recording("kmemlab lesson " + lesson.number() + ": " + lesson.title());
        LessonFilms films = new LessonFilms(recording, lesson.name(), options::builder, settings.pages(),
                settings.objects());
        LessonContext ctx = new LessonContext(out, films::builder, options::bareMachine, options.seed(),
                films::narrate);
        int status = run(lesson, ctx, settings, out, err);
        films.narrate("end of lesson " + lesson.number());
        boolean recorded = false;
        for (Film film : recording.films()) {
            recorded |= film.kernel() != null;
        }
        if (recorded) {
            Commands.write(html, recording::write);
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

    /**
     * Runs {@code lesson} under a heading; returns 0, or 1 when it could not show what it should. A
     * failure in a kernel assembled with providers other than kmemlab's references names them as the
     * suspects (see {@link #suspects}).
     */
    static int run(Lesson lesson, LessonContext ctx, ResolvedSettings settings, PrintWriter out, PrintWriter err) {
        out.println("== Lesson " + lesson.number() + ": " + lesson.title());
        try {
            lesson.run(ctx);
            out.flush();
            return 0;
        } catch (LessonFailed failed) {
            out.flush();
            err.println("kmemlab: lesson " + lesson.number() + " (" + lesson.name() + ") did not go as expected: "
                    + failed.getMessage());
            String suspects = suspects(settings);
            if (!suspects.isEmpty()) {
                err.print(suspects);
            }
            return KmemlabCommand.FAILED;
        }
    }

    /**
     * Returns what to suspect when a lesson fails: the providers in use that are not kmemlab's references
     * (a student's allocator, most likely where the bug is), the contract that checks each, and the
     * memory map of the same kernel; empty when every provider is a reference.
     */
    static String suspects(ResolvedSettings settings) {
        StringBuilder lines = new StringBuilder();
        StringBuilder options = new StringBuilder();
        suspect(lines, options, settings.pages(), ReferenceProviders.PAGES, "--pages", "page", "PageAllocatorContract");
        suspect(lines, options, settings.objects(), ReferenceProviders.OBJECTS, "--objects", "object",
                "ObjectAllocatorContract");
        suspect(lines, options, settings.zones(), ReferenceProviders.ZONES, "--zones", "zone", "ZoneAllocatorContract");
        if (lines.length() == 0) {
            return "";
        }
        return "kmemlab: this kernel runs providers that are not kmemlab's references; suspect them first:\n" + lines
                + "kmemlab: run that SPI's contract on the provider (mvn test in its project, or kmemlab grade JAR"
                + " --spi SPI),\nkmemlab: and see memory as it leaves it: kmemlab map" + options + "\n";
    }

    private static void suspect(StringBuilder lines, StringBuilder options, String name, String reference,
                                String option, String spi, String contract) {
        if (!name.equals(reference)) {
            lines.append("kmemlab:   ").append(spi).append(" allocator ").append(name).append(", checked by ")
                    .append(contract).append('\n');
            options.append(' ').append(option).append(' ').append(name);
        }
    }
}
