package org.kmemlab.grader.child;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.grader.Spi;
import org.kmemlab.testkit.property.Effort;

/**
 * The runner inside the child JVM: the only code of the grader that shares a JVM with the submission.
 *
 * <h2>Order of events</h2>
 * <ol>
 *   <li>Read the channel key from standard input, before any submission class can have loaded.</li>
 *   <li>Keep the real standard output for signed records and point {@code System.out} at standard error,
 *       so that whatever the submission prints is captured as its output and never mixes with a record
 *       line; give {@code System.in} an empty stream.</li>
 *   <li>Read the job, install a shutdown hook that reports an {@code exiting} record when the JVM stops
 *       before the job is done (the submission called {@code System.exit}), and send {@code ready}.</li>
 *   <li>Do the job, sending {@code start} before and {@code result} after each property, then
 *       {@code done}, and halt.</li>
 * </ol>
 * The runner decides nothing about points: it reports outcomes, and the parent (a JVM the submission
 * never runs in) verifies every record and scores.
 */
public final class GradeChild {

    private final PrintStream channel;
    private final SignedRecords signer;
    private long seq;
    private volatile String current = "";
    private volatile boolean finished;

    private GradeChild(PrintStream channel, SignedRecords signer) {
        this.channel = channel;
        this.signer = signer;
    }

    /**
     * Runs one job read from standard input.
     *
     * @param args not used; everything comes on standard input
     */
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String key = in.readLine();
        if (key == null) {
            System.err.println("kmemlab grade child: no channel key on standard input");
            Runtime.getRuntime().halt(2);
            return;
        }
        PrintStream channel = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        GradeChild child = new GradeChild(channel, SignedRecords.withKey(key));
        ChildJob job = ChildJob.read(in);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(child::onShutdown, "kmemlab-exit-witness"));
        child.send("ready", Integer.toString(Thread.activeCount()));
        try {
            switch (job.mode()) {
                case DISCOVER -> child.discover(job);
                case PROPERTIES -> child.checkProperties(job);
                case PERF -> child.measure(job);
            }
        } catch (Throwable t) {
            child.send("error", child.current, describe(t));
        }
        child.finished = true;
        child.send("done");
        // Halt: a submission's leftover non-daemon thread or shutdown hook must not keep the JVM alive.
        Runtime.getRuntime().halt(0);
    }

    private void discover(ChildJob job) {
        ChildProviders providers = ChildProviders.load(job.submissionPaths(), job.referencePaths());
        for (Spi spi : Spi.values()) {
            Provider first = null;
            for (ChildProviders.Found f : providers.visible(spi)) {
                if (f.error() != null) {
                    send("error", "loading " + spi.type().getSimpleName(), describe(f.error()));
                    continue;
                }
                String name;
                try {
                    name = f.provider().name();
                } catch (RuntimeException | LinkageError e) {
                    send("error", "name() of " + f.provider().getClass().getName(), describe(e));
                    continue;
                }
                send("provider", spi.key(), String.valueOf(name), f.provider().getClass().getName(),
                        Boolean.toString(f.fromSubmission()));
                if (f.fromSubmission() && first == null) {
                    first = f.provider();
                }
            }
            if (first != null) {
                current = "listing the " + spi.key() + " properties";
                try {
                    for (ContractProperty p : Suites.properties(spi, first, pageProviderFor(spi, providers, job))) {
                        send("property", spi.key(), p.id(), p.title());
                    }
                } catch (RuntimeException | LinkageError e) {
                    // One SPI's suite failing to list must not hide the others.
                    send("error", current, describe(e));
                }
                current = "";
            }
        }
    }

    private void checkProperties(ChildJob job) {
        ChildProviders providers = ChildProviders.load(job.submissionPaths(), job.referencePaths());
        Provider provider = requireSubmissionProvider(providers, job);
        Map<String, ContractProperty> byId = new LinkedHashMap<>();
        for (ContractProperty p : Suites.properties(job.spi(), provider, pageProviderFor(job.spi(), providers, job))) {
            byId.put(p.id(), p);
        }
        for (ChildJob.PropertyRun run : job.properties()) {
            current = run.id();
            send("start", run.id());
            ContractProperty property = byId.get(run.id());
            if (property == null) {
                send("error", run.id(), "no property " + run.id() + " in the " + job.spi().key() + " suite");
                continue;
            }
            PropertyResult r = property.check(new Effort(run.tries(), run.steps(), run.seed()));
            send("result", r.id(), Boolean.toString(r.passed()), Long.toString(r.seed()),
                    Integer.toString(r.triesRun()), Integer.toString(r.steps().size()), r.brokenInvariant(),
                    r.report());
        }
        current = "";
    }

    private void measure(ChildJob job) {
        ChildProviders providers = ChildProviders.load(job.submissionPaths(), job.referencePaths());
        Provider subject = requireSubmissionProvider(providers, job);
        Provider reference = providers.referenceProvider(job.spi(), job.referenceProvider());
        if (reference == null) {
            throw new IllegalStateException("the reference " + job.spi().type().getSimpleName() + " \""
                    + job.referenceProvider() + "\" was not found on the grader's reference path");
        }
        PageAllocatorProvider pages = pageProviderFor(job.spi(), providers, job);
        for (ChildJob.WorkloadRun run : job.workloads()) {
            current = "perf:" + run.name();
            send("start", current);
            Workloads.Timing t = Workloads.measure(job.spi(), subject, reference, pages, run);
            send("perf", run.name(), Integer.toString(run.ops()), Long.toString(t.subjectNanos()),
                    Long.toString(t.referenceNanos()));
        }
        current = "";
    }

    private Provider requireSubmissionProvider(ChildProviders providers, ChildJob job) {
        Provider p = providers.submissionProvider(job.spi(), job.provider());
        if (p == null) {
            throw new IllegalStateException("the submission has no " + job.spi().type().getSimpleName() + " named \""
                    + job.provider() + "\"");
        }
        return p;
    }

    /**
     * The page allocators a zone allocator is built from: the one named (the submission's, else the
     * reference's), else the submission's own.
     */
    private static PageAllocatorProvider pageProviderFor(Spi spi, ChildProviders providers, ChildJob job) {
        if (spi != Spi.ZONE) {
            return null;
        }
        String name = job.pageProvider().isEmpty() ? Spi.PAGE.referenceName() : job.pageProvider();
        Provider p = providers.submissionProvider(Spi.PAGE, name);
        if (p == null) {
            p = providers.referenceProvider(Spi.PAGE, name);
        }
        if (p == null) {
            for (ChildProviders.Found f : providers.visible(Spi.PAGE)) {
                if (f.provider() != null && f.fromSubmission()) {
                    p = f.provider();
                    break;
                }
            }
        }
        if (p == null) {
            throw new IllegalStateException("no PageAllocatorProvider \"" + name + "\" to build zones from: the"
                    + " submission has none of that name and the reference path has none");
        }
        return (PageAllocatorProvider) p;
    }

    private void onShutdown() {
        if (!finished) {
            send("exiting", current);
        }
    }

    private synchronized void send(String type, String... fields) {
        channel.print(signer.sign(seq++, type, List.of(fields)));
        channel.print('\n');
        channel.flush();
    }

    /** The throwable's stack trace, at most 40 lines: what the student needs to find the place. */
    static String describe(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        List<String> lines = new ArrayList<>(List.of(text.toString().split("\n")));
        if (lines.size() > 40) {
            int more = lines.size() - 40;
            lines = new ArrayList<>(lines.subList(0, 40));
            lines.add("\t... " + more + " more lines");
        }
        return String.join("\n", lines);
    }
}
