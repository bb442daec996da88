package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.grader.child.ChildJob;
import org.kmemlab.grader.child.SignedRecords.Record;

/**
 * Runs one test group in child JVMs until every property has an outcome.
 *
 * <p>A child that dies (timed out, out of memory, exited, crashed, too many threads) takes only the
 * property it was running with it: that property gets the status, and a new child carries on with the
 * rest. Every start therefore settles at least one property, so the loop ends; the group's wall-clock and
 * CPU budgets and the run's deadline bound it further, and properties left when a budget runs out are
 * reported as TIMED OUT without running.
 */
final class GroupRunner {

    /**
     * The outcome of one property or workload.
     *
     * @param status the status
     * @param detail what the student reads: the property's report, or why its JVM died
     * @param seconds the time it took
     * @param record the {@code result} or {@code perf} record, or null
     */
    record Outcome(Status status, String detail, double seconds, Record record) {
    }

    /**
     * What a group run found.
     *
     * @param outcomes the outcome per property id (or {@code perf:<workload>}), in run order
     * @param output the submission's output over all children, for the summary
     * @param rejectedLines lines on the channel that failed authentication
     */
    record GroupResult(Map<String, Outcome> outcomes, String output, int rejectedLines) {
    }

    private GroupRunner() {
    }

    /**
     * Runs {@code template}'s properties (or workloads), restarting the child after a death.
     *
     * @param ids the property ids or {@code perf:<name>} keys, in order
     * @param jobFor makes the job for the ids still pending
     */
    static GroupResult run(List<String> ids, java.util.function.Function<List<String>, ChildJob> jobFor,
                           ChildPath path, List<Path> submission, List<Path> extraClassPath, Limits limits,
                           long runDeadline, Path workDir) throws IOException {
        Deque<String> pending = new ArrayDeque<>(ids);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        StringBuilder output = new StringBuilder();
        long groupDeadline = System.nanoTime() + limits.groupTimeout().toNanos();
        long cpuUsed = 0;
        int rejected = 0;
        int attempt = 0;
        while (!pending.isEmpty()) {
            long now = System.nanoTime();
            if (now - groupDeadline >= 0 || now - runDeadline >= 0) {
                String why = now - runDeadline >= 0 ? "the whole run's time limit" : "this group's time limit of "
                        + limits.groupTimeout().toSeconds() + " s";
                for (String id : pending) {
                    outcomes.put(id, new Outcome(Status.TIMED_OUT, "Not run: " + why + " was used up by the"
                            + " properties before it.", 0, null));
                }
                break;
            }
            attempt++;
            String[] current = {null};
            long[] startedAt = {System.nanoTime()};
            List<String> errors = new ArrayList<>();
            ChildJob job = jobFor.apply(new ArrayList<>(pending));
            ChildRun run = ChildJvm.run(path, submission, extraClassPath, job, limits, cpuUsed, groupDeadline,
                    runDeadline, workDir.resolve("child-" + attempt), r -> {
                        switch (r.type()) {
                            case "start" -> {
                                current[0] = r.field(0);
                                startedAt[0] = System.nanoTime();
                            }
                            case "result", "perf" -> {
                                String id = r.type().equals("perf") ? "perf:" + r.field(0) : r.field(0);
                                boolean passed = r.type().equals("perf") || Boolean.parseBoolean(r.field(1));
                                outcomes.put(id, new Outcome(passed ? Status.PASSED : Status.FAILED,
                                        r.type().equals("perf") ? "" : r.field(6), seconds(startedAt[0]), r));
                                pending.remove(id);
                                current[0] = null;
                            }
                            case "error" -> {
                                String id = r.field(0);
                                if (pending.contains(id)) {
                                    outcomes.put(id, new Outcome(Status.CRASHED, "The grader could not run this"
                                            + " property:\n\n" + r.field(1), seconds(startedAt[0]), r));
                                    pending.remove(id);
                                    current[0] = null;
                                } else {
                                    errors.add((id.isEmpty() ? "" : id + ": ") + r.field(1));
                                }
                            }
                            default -> {
                            }
                        }
                    });
            cpuUsed += Math.max(0, run.cpuMillis());
            rejected += run.rejectedLines();
            if (!run.output().isBlank()) {
                output.append(run.output());
            }
            if (run.done() && errors.isEmpty()) {
                continue;
            }
            boolean nothingStarted = run.records().stream().noneMatch(r -> r.type().equals("start"));
            if (run.done() && nothingStarted) {
                // The provider could not even be made: every property would meet the same error.
                String detail = explain(Status.CRASHED, run, errors, limits);
                for (String id : pending) {
                    outcomes.put(id, new Outcome(Status.CRASHED, detail, 0, null));
                }
                pending.clear();
                continue;
            }
            String victim = current[0] != null && pending.contains(current[0]) ? current[0] : pending.peekFirst();
            if (victim == null) {
                continue;
            }
            Status status = classify(run, errors);
            String detail = explain(status, run, errors, limits);
            outcomes.put(victim, new Outcome(status, detail, seconds(startedAt[0]), null));
            pending.remove(victim);
        }
        Map<String, Outcome> ordered = new LinkedHashMap<>();
        for (String id : ids) {
            ordered.put(id, outcomes.get(id));
        }
        return new GroupResult(ordered, output.toString(), rejected);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Returns the status of the property a child was running when it ended without finishing. */
    static Status classify(ChildRun run, List<String> errors) {
        if (run.kill() != null) {
            return run.kill() == ChildRun.Kill.THREAD_LIMIT ? Status.RULES_VIOLATED : Status.TIMED_OUT;
        }
        if (run.outOfMemory()) {
            return Status.OUT_OF_MEMORY;
        }
        if (run.exiting() != null) {
            return Status.EXITED;
        }
        if (run.done() || run.records().isEmpty()) {
            // Done with a runner error (the provider could not be made), or the JVM never started.
            return Status.CRASHED;
        }
        return run.exitCode() >= 0 && run.exitCode() < 128 ? Status.EXITED : Status.CRASHED;
    }

    private static String explain(Status status, ChildRun run, List<String> errors, Limits limits) {
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
            default -> {
                if (run.records().isEmpty()) {
                    why.append("The JVM that runs your code did not start (exit code ").append(run.exitCode())
                            .append("). Its output below says why.");
                } else if (!errors.isEmpty()) {
                    why.append("The grader could not run this:\n\n```text\n")
                            .append(String.join("\n", errors)).append("\n```");
                } else {
                    why.append("The JVM crashed (exit code ").append(run.exitCode()).append(").");
                }
            }
        }
        if (!run.output().isBlank()) {
            why.append("\n\nOutput of your code (last run):\n\n```text\n").append(head(run.output(), 4000))
                    .append("\n```");
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
