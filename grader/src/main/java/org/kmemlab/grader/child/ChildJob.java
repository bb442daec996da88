package org.kmemlab.grader.child;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.grader.Spi;

/**
 * What the parent asks one child JVM to do, sent on the child's standard input after the key.
 *
 * <p>Only the parent decides what runs: which mode, which provider, which properties with which
 * seeds, which workloads. The child reports what happened; it never learns the points.
 *
 * <p>Text format, one item per line, fields separated by a space and Base64-encoded when they may
 * contain spaces; the job ends with a line {@code end}:
 * <pre>
 * mode properties
 * spi page
 * provider &lt;b64 name&gt;
 * page-provider &lt;b64 name&gt;
 * reference-provider &lt;b64 name&gt;
 * submission &lt;b64 path&gt;
 * reference &lt;b64 path&gt;
 * property &lt;b64 id&gt; &lt;tries&gt; &lt;steps&gt; &lt;seed&gt;
 * workload &lt;name&gt; &lt;ops&gt; &lt;warm-up rounds&gt; &lt;rounds&gt; &lt;seed&gt;
 * end
 * </pre>
 *
 * @param mode what to do
 * @param spi the SPI graded (ignored by {@link Mode#DISCOVER})
 * @param provider the provider's name, from the submission
 * @param pageProvider for a zone allocator: the page allocator provider it builds zones from (the
 *                     submission's, or else the reference); empty otherwise
 * @param referenceProvider for {@link Mode#PERF}: the reference provider's name; empty otherwise
 * @param submissionPaths the jars or directories of the submission, to tell its providers from others
 * @param referencePaths the jars or directories of reference implementations, loaded in a layer the
 *                       submission cannot see
 * @param properties the properties to check, in order
 * @param workloads the performance workloads to measure
 */
public record ChildJob(Mode mode, Spi spi, String provider, String pageProvider, String referenceProvider,
                       List<String> submissionPaths,
                       List<String> referencePaths, List<PropertyRun> properties, List<WorkloadRun> workloads) {

    /** What a child does. */
    public enum Mode {
        /** List the providers found and the properties of each SPI's contract. */
        DISCOVER,
        /** Check properties of one provider. */
        PROPERTIES,
        /** Measure workloads on one provider and the reference. */
        PERF
    }

    /**
     * One property to check.
     *
     * @param id the property id
     * @param tries the chains to run
     * @param steps the most steps per chain
     * @param seed the seed
     */
    public record PropertyRun(String id, int tries, int steps, long seed) {
    }

    /**
     * One performance workload.
     *
     * @param name the workload's name ({@code mixed}, …)
     * @param ops the operations per round
     * @param warmups the untimed rounds per implementation
     * @param rounds the timed rounds per implementation (best counts)
     * @param seed the seed of the operation sequence, the same for both implementations
     */
    public record WorkloadRun(String name, int ops, int warmups, int rounds, long seed) {
    }

    /** Copies the lists. */
    public ChildJob {
        Checks.requireNonNull(mode, "mode");
        Checks.requireNonNull(spi, "spi");
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(pageProvider, "page provider");
        Checks.requireNonNull(referenceProvider, "reference provider");
        submissionPaths = List.copyOf(submissionPaths);
        referencePaths = List.copyOf(referencePaths);
        properties = List.copyOf(properties);
        workloads = List.copyOf(workloads);
    }

    /** Returns the job as the text the child reads. */
    public String encode() {
        StringBuilder out = new StringBuilder();
        out.append("mode ").append(mode.name()).append('\n');
        out.append("spi ").append(spi.key()).append('\n');
        out.append("provider ").append(b64(provider)).append('\n');
        out.append("page-provider ").append(b64(pageProvider)).append('\n');
        out.append("reference-provider ").append(b64(referenceProvider)).append('\n');
        for (String p : submissionPaths) {
            out.append("submission ").append(b64(p)).append('\n');
        }
        for (String p : referencePaths) {
            out.append("reference ").append(b64(p)).append('\n');
        }
        for (PropertyRun p : properties) {
            out.append("property ").append(b64(p.id())).append(' ').append(p.tries()).append(' ').append(p.steps())
                    .append(' ').append(p.seed()).append('\n');
        }
        for (WorkloadRun w : workloads) {
            out.append("workload ").append(b64(w.name())).append(' ').append(w.ops()).append(' ')
                    .append(w.warmups()).append(' ').append(w.rounds()).append(' ').append(w.seed()).append('\n');
        }
        out.append("end\n");
        return out.toString();
    }

    /**
     * Reads a job written by {@link #encode()}.
     *
     * @throws IOException when the input ends early or a line cannot be read
     */
    public static ChildJob read(BufferedReader in) throws IOException {
        Mode mode = Mode.DISCOVER;
        Spi spi = Spi.PAGE;
        String provider = "";
        String pageProvider = "";
        String referenceProvider = "";
        List<String> submission = new ArrayList<>();
        List<String> reference = new ArrayList<>();
        List<PropertyRun> properties = new ArrayList<>();
        List<WorkloadRun> workloads = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the job ended without an end line");
            }
            String[] f = line.split(" ");
            switch (f[0]) {
                case "end" -> {
                    return new ChildJob(mode, spi, provider, pageProvider, referenceProvider, submission, reference,
                            properties,
                            workloads);
                }
                case "mode" -> mode = Mode.valueOf(f[1]);
                case "spi" -> spi = Spi.of(f[1]);
                case "provider" -> provider = unb64(f[1]);
                case "page-provider" -> pageProvider = unb64(f[1]);
                case "reference-provider" -> referenceProvider = unb64(f[1]);
                case "submission" -> submission.add(unb64(f[1]));
                case "reference" -> reference.add(unb64(f[1]));
                case "property" -> properties.add(new PropertyRun(unb64(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Long.parseLong(f[4])));
                case "workload" -> workloads.add(new WorkloadRun(unb64(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5])));
                default -> throw new IOException("unknown job line: " + line);
            }
        }
    }

    private static String b64(String text) {
        return text.isEmpty() ? "-" : Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String field) {
        return field.equals("-") ? "" : new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
    }
}
