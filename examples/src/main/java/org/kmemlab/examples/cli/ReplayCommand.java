package org.kmemlab.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.trace.ReplayReport;
import org.kmemlab.examples.trace.Replayer;
import org.kmemlab.examples.trace.Trace;
import org.kmemlab.examples.trace.TraceFormatException;
import org.kmemlab.examples.trace.TraceParser;
import org.kmemlab.kmalloc.ResolvedSettings;
import picocli.CommandLine.Command;
import org.kmemlab.examples.web.Film;
import org.kmemlab.examples.web.Recording;
import org.kmemlab.examples.web.TraceFilms;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kmemlab replay TRACE…}: replays allocation traces against the assembled kmalloc. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays allocation traces against kmalloc and measures it.",
            "Reports throughput, peak utilisation, internal and external fragmentation and failures.",
            "",
            "A trace is either a CS:APP malloc-lab .rep file (four header lines: heap size, ids, operations,"
                    + " weight; then 'a id size', 'f id', 'r id size') or Linux ftrace output of the kmem:kmalloc"
                    + " and kmem:kfree events (perf script, trace-cmd report or /sys/kernel/tracing/trace).",
            "Sample traces of our own are in examples/traces."},
        footer = {"", "A malformed line is reported as FILE:LINE: what was expected, with exit status 2."})
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    CommonOptions options;

    @Parameters(paramLabel = "TRACE", arity = "1..*", description = "trace files to replay")
    Path[] traces;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write FILE, a page that replays each trace step by step in a browser")
    Path html;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, TraceFormatException {
        if (html != null) {
            Commands.requireOutputFile(html, "--html");
        }
        Trace[] parsed = new Trace[traces.length];
        for (int i = 0; i < traces.length; i++) {
            Commands.requireInputFile(traces[i], "trace", sampleTraces());
            parsed[i] = TraceParser.parse(traces[i]);
        }
        Progress progress = Commands.progress(spec, options);
        int status = 0;
        for (Trace trace : parsed) {
            Replayer replayer = new Replayer(() -> options.boot(MachineProfile.I386_LINUX_2_0));
            progress.start("replaying " + trace.name(), (long) (Replayer.TIMED_RUNS + 1) * trace.ops().size());
            ReplayReport report = replayer.replay(trace, progress::update);
            progress.done();
            spec.commandLine().getOut().print(report.format());
            spec.commandLine().getOut().println();
            if (report.integrityErrors() > 0) {
                status = KmemlabCommand.FAILED;
            }
        }
        if (html != null) {
            Recording recording = new Recording("kmemlab replay");
            ResolvedSettings settings = options.resolve(MachineProfile.I386_LINUX_2_0);
            for (Trace trace : parsed) {
                Film film = recording.film(trace.name());
                TraceFilms.record(film, film.watching(options.builder(MachineProfile.I386_LINUX_2_0),
                        settings.pages(), settings.objects()).cpuCaches(false), trace);
            }
            Commands.write(html, recording::write);
            spec.commandLine().getOut().println("Page written to " + html + " (open it in a browser)");
        }
        return status;
    }

    /** Where the sample traces are: in the checkout the launcher runs from (it tells us), else in general. */
    static String sampleTraces() {
        String home = System.getProperty(Commands.HOME_PROPERTY);
        return "the sample traces are in " + (home == null ? "examples/traces of the kmemlab checkout"
                : Path.of(home, "examples", "traces").toString());
    }
}
