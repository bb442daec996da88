package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.grader.child.Wire;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * Runs one test group: the properties run here, in the grader's JVM, against proxies of the submission's
 * provider in a child JVM ({@link ChildSession}, {@link RemoteProviders}).
 *
 * <p>A child that dies (timed out, out of memory, exited, crashed, too many threads) takes only the
 * property that was running with it: that property gets the status, and a new child carries on with the
 * rest. Every start therefore settles at least one property, so the loop ends; the group's wall-clock and
 * CPU budgets and the run's deadline bound it further, and properties left when a budget runs out are
 * reported as TIMED OUT without running.
 */
final class GroupRunner {

    /**
     * The outcome of one property.
     *
     * @param status the status
     * @param detail what the student reads: the property's report, or why the child died
     * @param seconds the time it took
     * @param exercised the successful allocations the submission answered while it ran
     */
    record Outcome(Status status, String detail, double seconds, long exercised) {
    }

    /**
     * What a group run found.
     *
     * @param outcomes the outcome per property id, in run order
     * @param output the submission's output over all children, for the summary
     * @param calls the calls that crossed the channel, by operation
     * @param warnings SHOULD warnings measured in the child ({@link NoGarbage}), when asked for
     */
    record GroupResult(Map<String, Outcome> outcomes, String output, CallCounts calls, List<String> warnings) {
    }

    /**
     * What is graded: the submission's provider and, for a zone allocator, the page allocator provider
     * its zones are built from.
     *
     * @param provider the provider graded
     * @param pageProvider for zones: the page provider's name (the submission's if it has one of that name,
     *                     else the reference's); empty otherwise
     * @param sets the instructor's property sets for this group
     * @param measureGarbage true to measure the no-garbage rules once the properties ran
     */
    record Subject(Discovery.Found provider, String pageProvider, List<PropertySet> sets, boolean measureGarbage) {
    }

    /**
     * Calls per thread of {@code zone.concurrent} when graded: each call crosses into the submission's JVM
     * (about 0.1-0.2 ms instead of nanoseconds), so the contract's 20,000 would take minutes; an instructor
     * may set {@code -Dkmemlab.zone.concurrentOperations=N} on the grader to choose another number.
     */
    static final int GRADED_CONCURRENT_OPERATIONS = 2_500;

    static {
        String key = "kmemlab.zone.concurrentOperations";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(GRADED_CONCURRENT_OPERATIONS));
        }
        // The contracts' no-garbage warnings read this thread's allocated-bytes counter around 2 x 20,000
        // allocate/free pairs. Here the allocator runs in the submission's JVM: the counter would count the
        // channel's frames (a false warning for every allocator), and the 80,000 round trips were most of a
        // page or object grade's calls. The grader measures it where the allocator runs (NoGarbage).
        System.setProperty(org.kmemlab.testkit.contract.support.AllocatedBytes.SWITCH, "off");
    }

    private GroupRunner() {
    }

    /** Runs {@code runs}, restarting the child after a death. */
    static GroupResult run(Subject subject, Map<String, PropertyRun> runs, ChildPath path, Submission sub,
                           Limits limits, long runDeadline, Path workDir) throws IOException {
        Deque<String> pending = new ArrayDeque<>(runs.keySet());
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        StringBuilder output = new StringBuilder();
        long groupDeadline = System.nanoTime() + limits.groupTimeout().toNanos();
        long cpuUsed = 0;
        CallCounts calls = new CallCounts();
        List<String> warnings = new ArrayList<>();
        int attempt = 0;
        while (!pending.isEmpty()) {
            long now = System.nanoTime();
            if (now - groupDeadline >= 0 || now - runDeadline >= 0) {
                String why = now - runDeadline >= 0 ? "the whole run's time limit" : "this group's time limit of "
                        + limits.groupTimeout().toSeconds() + " s";
                for (String id : pending) {
                    outcomes.put(id, new Outcome(Status.TIMED_OUT, "Not run: " + why + " was used up by the"
                            + " properties before it.", 0, 0));
                }
                break;
            }
            attempt++;
            ChildSession session = ChildSession.start(path, sub.classes(), limits, cpuUsed, groupDeadline,
                    runDeadline, workDir.resolve("child-" + attempt));
            String current = null;
            long startedAt = System.nanoTime();
            boolean died = false;
            String setUpError = null;
            try {
                Map<String, ContractProperty> byId = properties(session, subject, sub, path);
                while (!pending.isEmpty()) {
                    String id = pending.peekFirst();
                    current = id;
                    ContractProperty property = byId.get(id);
                    if (property == null) {
                        outcomes.put(id, new Outcome(Status.CRASHED, "The grader could not run this property: the "
                                + subject.provider().spi().key() + " suite has no property " + id + ".", 0, 0));
                        pending.removeFirst();
                        continue;
                    }
                    PropertyRun run = runs.get(id);
                    session.beginStep();
                    startedAt = System.nanoTime();
                    PropertyResult r = property.check(new Effort(run.tries(), run.steps(), run.seed()));
                    outcomes.put(id, new Outcome(r.passed() ? Status.PASSED : Status.FAILED, r.report(),
                            seconds(startedAt), session.allocations()));
                    pending.removeFirst();
                    current = null;
                }
                if (subject.measureGarbage() && warnings.isEmpty()) {
                    Discovery.Found f = subject.provider();
                    NoGarbage.measure(session, f.spi(), session.provider(f.spi(), f.name(), false))
                            .ifPresent(warnings::add);
                }
            } catch (Wire.Gone gone) {
                died = true;
            } catch (RuntimeException e) {
                if (!session.alive()) {
                    died = true;
                } else {
                    setUpError = org.kmemlab.grader.child.GradeChild.describe(e);
                }
            }
            calls.add(session.counts());
            ChildRun run = session.close();
            cpuUsed += Math.max(0, run.cpuMillis());
            if (!run.output().isBlank()) {
                output.append(run.output());
            }
            if (setUpError != null && current == null) {
                // The provider could not even be made: every property would meet the same error.
                String detail = "**CRASHED**: the grader could not set up the submission's provider:\n\n"
                        + Feedback.code(setUpError) + outputTail(run);
                for (String id : pending) {
                    outcomes.put(id, new Outcome(Status.CRASHED, detail, 0, 0));
                }
                pending.clear();
                continue;
            }
            String victim = current != null && pending.contains(current) ? current : pending.peekFirst();
            if (victim == null) {
                continue;
            }
            Status status = setUpError != null ? Status.CRASHED : classify(run);
            String detail = setUpError != null ? "The grader could not run this property:\n\n" + Feedback.code(setUpError)
                    : explain(status, run, limits);
            if (!died && setUpError == null) {
                continue;
            }
            outcomes.put(victim, new Outcome(status, detail, seconds(startedAt), 0));
            pending.remove(victim);
        }
        Map<String, Outcome> ordered = new LinkedHashMap<>();
        for (String id : runs.keySet()) {
            ordered.put(id, outcomes.get(id));
        }
        return new GroupResult(ordered, output.toString(), calls, warnings);
    }

    /** Makes the proxies in {@code session} and returns the properties graded with them, by id. */
    private static Map<String, ContractProperty> properties(ChildSession session, Subject subject, Submission sub,
                                                            ChildPath path) {
        List<ChildSession.Listed> listed = session.hello(sub.classes(), path.references());
        Discovery.Found f = subject.provider();
        Provider provider = RemoteProviders.of(session, f.spi(), session.provider(f.spi(), f.name(), false), f.name());
        PageAllocatorProvider pages = null;
        if (f.spi() == Spi.ZONE) {
            pages = pageProvider(session, listed, subject.pageProvider());
        }
        Map<String, ContractProperty> byId = new LinkedHashMap<>();
        for (ContractProperty p : Suites.properties(f.spi(), provider, pages, subject.sets())) {
            byId.put(p.id(), p);
        }
        return byId;
    }

    /**
     * The page allocators a zone allocator is built from: the submission's provider of that name, else
     * the reference's, else the submission's first.
     */
    static PageAllocatorProvider pageProvider(ChildSession session, List<ChildSession.Listed> listed, String name) {
        String wanted = name.isEmpty() ? Spi.PAGE.referenceName() : name;
        String first = null;
        for (ChildSession.Listed l : listed) {
            if (l.spi() == Spi.PAGE && l.fromSubmission() && l.error().isEmpty()) {
                if (l.name().equals(wanted)) {
                    return (PageAllocatorProvider) RemoteProviders.of(session, Spi.PAGE,
                            session.provider(Spi.PAGE, wanted, false), wanted);
                }
                first = first == null ? l.name() : first;
            }
        }
        try {
            return (PageAllocatorProvider) RemoteProviders.of(session, Spi.PAGE,
                    session.provider(Spi.PAGE, wanted, true), wanted);
        } catch (RuntimeException e) {
            if (first == null) {
                throw new IllegalStateException("no PageAllocatorProvider \"" + wanted + "\" to build zones from: the"
                        + " submission has none of that name and the reference path has none");
            }
            return (PageAllocatorProvider) RemoteProviders.of(session, Spi.PAGE,
                    session.provider(Spi.PAGE, first, false), first);
        }
    }

    private static String outputTail(ChildRun run) {
        return run.output().isBlank() ? "" : "\n\nOutput of your code:\n\n" + Feedback.code(head(run.output(), 4000));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Returns the status of the property a child was running when it ended without finishing. */
    static Status classify(ChildRun run) {
        if (run.kill() != null) {
            return run.kill() == ChildRun.Kill.THREAD_LIMIT ? Status.RULES_VIOLATED : Status.TIMED_OUT;
        }
        if (run.outOfMemory()) {
            return Status.OUT_OF_MEMORY;
        }
        if (run.exiting()) {
            return Status.EXITED;
        }
        if (run.brokeChannel()) {
            return Status.CRASHED;
        }
        return run.exitCode() >= 0 && run.exitCode() < 128 ? Status.EXITED : Status.CRASHED;
    }

    static String explain(Status status, ChildRun run, Limits limits) {
        StringBuilder why = new StringBuilder();
        switch (status) {
            case TIMED_OUT -> why.append(switch (run.kill()) {
                case PROPERTY_TIMEOUT -> "It ran longer than the time limit of " + limits.propertyTimeout().toSeconds()
                        + " s and was stopped. Look for a loop that never ends (a free list with a cycle, a search"
                        + " that never finds a block) or work that grows much faster than the number of frames.";
                case CPU_LIMIT -> "The group used more than its CPU-time limit of " + limits.groupCpu().toSeconds()
                        + " s (all threads together) and was stopped.";
                case GROUP_TIMEOUT -> "The group ran longer than its time limit of "
                        + limits.groupTimeout().toSeconds() + " s and was stopped.";
                default -> "The whole grading run reached its time limit and was stopped.";
            });
            case RULES_VIOLATED -> why.append("The submission started more than ").append(limits.maxThreads())
                    .append(" threads and was stopped. Submissions may not start threads: the kernel's zone lock"
                            + " serialises every call for you.");
            case OUT_OF_MEMORY -> why.append("The JVM ran out of memory (heap limit ").append(limits.heapMegabytes())
                    .append(" MB) and was stopped. Keep metadata proportional to the zone: one small array per"
                            + " order or per frame, not an object per allocation that is never released.");
            case EXITED -> why.append("The submission stopped the JVM (System.exit, Runtime.exit or Runtime.halt")
                    .append(run.exitCode() >= 0 ? ", exit code " + run.exitCode() : "")
                    .append(") before the property finished. Report misuse by throwing a KernelBug, never by exiting.");
            default -> why.append(run.brokeChannel()
                    ? "Your code wrote to the JVM's real standard output (FileDescriptor.out), which is the grader's"
                            + " channel, so the grader stopped listening. Print with System.out (it goes to your"
                            + " output below) or not at all."
                    : "The JVM that runs your code crashed or did not start (exit code " + run.exitCode()
                            + "). Its output below says why.");
        }
        if (!run.output().isBlank()) {
            why.append("\n\nOutput of your code (last run):\n\n").append(Feedback.code(head(run.output(), 4000)));
        }
        return why.toString();
    }

    /** Returns the start of {@code text} up to {@code max} characters, with the truncation marker. */
    static String head(String text, int max) {
        String t = text.strip();
        if (t.length() <= max) {
            return t;
        }
        return t.substring(0, max) + "\n" + BoundedOutput.marker(t.length() - max);
    }
}
