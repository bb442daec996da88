package org.kmemlab.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.lessons.Lesson;
import org.kmemlab.examples.lessons.LessonContext;
import org.kmemlab.examples.lessons.Lessons;
import org.kmemlab.examples.web.IndexPage;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.ResolvedSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kmemlab tour}: boots a Linux 2.0 machine and walks through every lesson. */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = {"Walks through every lesson on a booted Linux 2.0-style machine.",
            "Boots the machine, assembles kmalloc from the installed providers (and says which), and runs the"
                    + " lessons with live /proc output between them.",
            "This is what 'kmemlab' with no command runs."})
final class TourCommand implements Callable<Integer> {

    @Mixin
    CommonOptions options;

    @Option(names = "--html", paramLabel = "DIR",
            description = "also write a page per lesson into DIR (created if missing), and DIR/index.html")
    Path html;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (html != null) {
            Commands.requireOutputFolder(html, "--html");
        }
        PrintWriter out = spec.commandLine().getOut();
        ResolvedSettings settings = options.resolve(MachineProfile.I386_LINUX_2_0);
        Kernel kernel = options.boot(MachineProfile.I386_LINUX_2_0);
        out.println("kmemlab: a tour of kernel memory allocation");
        out.println();
        out.println("The kernel was assembled from these providers and settings:");
        out.print(indent(kernel.configuration()));
        out.println();
        out.println("The machine:");
        out.print(indent(kernel.machine().layout()));
        out.println();
        out.println(LessonContext.freeListsCaption(kernel) + " after boot (free blocks of 1, 2, 4, ... pages):");
        out.print(indent(LessonContext.freeLists(kernel)));
        out.println();
        out.println("/proc/meminfo" + (kernel.era() == Era.LINUX_2_0 ? " (Linux 2.0's: bytes, then kB)" : "") + ":");
        out.print(indent(kernel.procMeminfo()));

        Lessons lessons = new Lessons();
        LessonContext ctx = LessonCommand.context(options, out);
        Progress progress = Commands.progress(spec, options);
        progress.start("tour", lessons.all().size());
        int status = 0;
        int done = 0;
        List<String[]> pages = new ArrayList<>();
        for (Lesson lesson : lessons.all()) {
            out.println();
            if (html == null) {
                status = Math.max(status, LessonCommand.run(lesson, ctx, settings, out, spec.commandLine().getErr()));
            } else {
                Path page = html.resolve(String.format(Locale.ROOT, "%02d-%s.html", lesson.number(), lesson.name()));
                status = Math.max(status, LessonCommand.runRecorded(lesson, options, settings, out,
                        spec.commandLine().getErr(), page));
                if (Files.isRegularFile(page)) {
                    pages.add(new String[] {page.getFileName().toString(), lesson.number() + ". " + lesson.title()});
                }
            }
            progress.update(++done);
        }
        progress.done();
        if (html != null) {
            Commands.write(html.resolve("index.html"), file -> IndexPage.write(file, "kmemlab tour", pages));
            out.println();
            out.println("Tour pages written to " + html + " (open " + html.resolve("index.html") + ")");
        }
        out.println();
        out.println("That was the tour. Each lesson is a small class in examples/src/main/java/org/kmemlab/"
                + "examples/lessons;");
        out.println("change one and run it alone with 'kmemlab lesson NAME'. 'kmemlab --help' lists every command.");
        return status;
    }

    static String indent(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }
}
