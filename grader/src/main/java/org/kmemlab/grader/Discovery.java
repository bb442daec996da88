package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.grader.child.Wire;

/**
 * What a submission provides, found by a first child JVM: its providers per SPI (through
 * {@link java.util.ServiceLoader}, counting only classes loaded from the submission), and, listed in the
 * grader from the contracts and the rubric's property sets, the properties each SPI is graded with.
 *
 * @param providers the submission's providers, in order found
 * @param others providers found that do not come from the submission (names, for the report)
 * @param properties per SPI, the properties' ids and titles in suite order
 * @param errors what went wrong loading providers
 * @param run the child run, for its output and status
 */
record Discovery(List<Found> providers, List<String> others, Map<Spi, Map<String, String>> properties,
                 List<String> errors, ChildRun run) {

    /**
     * One provider of the submission.
     *
     * @param spi its SPI
     * @param name its name
     * @param className its class
     */
    record Found(Spi spi, String name, String className) {
    }

    /** Runs the discovery child for {@code submission}; {@code sets} are the rubrics' property sets. */
    static Discovery run(ChildPath path, List<Path> submission, List<PropertySet> sets, long runDeadline,
                         Path workDir) throws IOException {
        Limits limits = new Limits(256, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                64, 16);
        List<Found> providers = new ArrayList<>();
        List<String> others = new ArrayList<>();
        Map<Spi, Map<String, String>> properties = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        ChildSession session = ChildSession.start(path, submission, limits, 0,
                System.nanoTime() + limits.groupTimeout().toNanos(), runDeadline, workDir);
        try {
            for (ChildSession.Listed l : session.hello(submission, path.references())) {
                if (!l.error().isEmpty()) {
                    errors.add(l.spi().key() + ": " + l.error());
                } else if (l.fromSubmission() && !NAME.matcher(l.name()).matches()) {
                    // The name is shown in test names, headings and replay commands: one that holds a line break
                    // or Markdown would write the grader's report for it.
                    errors.add(l.spi().key() + ": the provider " + l.className() + " is named \"" + shown(l.name())
                            + "\", but a provider's name is lower-case words joined by hyphens, such as"
                            + " \"my-buddy\" (see Provider.name()); rename it");
                } else if (l.fromSubmission()) {
                    providers.add(new Found(l.spi(), l.name(), l.className()));
                } else {
                    others.add(l.spi().key() + " " + l.name() + " (" + l.className() + ")");
                }
            }
        } catch (Wire.Gone | RuntimeException e) {
            errors.add("discovery: " + e.getMessage());
        }
        ChildRun run = session.close();
        for (Spi spi : Spi.values()) {
            properties.put(spi, Suites.listing(spi, sets));
        }
        return new Discovery(providers, others, properties, errors, run);
    }

    /**
     * The provider names the grader accepts: letters, digits and {@code . _ + -}, at most 64 characters.
     * Provider.name() asks for lower-case words joined by hyphens; capitals and dots are let through, so
     * that only names that could change the report's layout cost a student the grade.
     */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    /** Returns {@code name} cut to 64 characters, with every character outside printable ASCII as {@code \\uXXXX}. */
    private static String shown(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(name.length(), 64); i++) {
            char c = name.charAt(i);
            out.append(c >= ' ' && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return name.length() > 64 ? out + "…" : out.toString();
    }

    /** Returns true when the discovery child answered (it did not die before listing). */
    boolean answered() {
        return run.kill() == null && !run.exiting() && !run.outOfMemory();
    }
}
