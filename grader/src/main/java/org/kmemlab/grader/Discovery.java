package org.kmemlab.grader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.grader.child.ChildJob;
import org.kmemlab.grader.child.SignedRecords.Record;

/**
 * What a submission provides, found by a first child JVM: its providers per SPI (through
 * {@link java.util.ServiceLoader}, counting only classes loaded from the submission) and the properties
 * each SPI's suite has for them.
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

    /** Runs the discovery child for {@code submission}. */
    static Discovery run(ChildPath path, List<Path> submission, List<Path> extraClassPath, long runDeadline,
                         Path workDir) throws IOException {
        List<String> subPaths = new ArrayList<>();
        for (Path p : submission) {
            subPaths.add(p.toString());
        }
        List<String> refPaths = new ArrayList<>();
        for (Path p : path.references()) {
            refPaths.add(p.toString());
        }
        ChildJob job = new ChildJob(ChildJob.Mode.DISCOVER, Spi.PAGE, "", "", "", subPaths, refPaths, List.of(),
                List.of());
        Limits limits = new Limits(256, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                64, 16);
        List<Found> providers = new ArrayList<>();
        List<String> others = new ArrayList<>();
        Map<Spi, Map<String, String>> properties = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        ChildRun run = ChildJvm.run(path, submission, extraClassPath, job, limits, 0,
                System.nanoTime() + limits.groupTimeout().toNanos(), runDeadline, workDir, (Record r) -> {
                    switch (r.type()) {
                        case "provider" -> {
                            Spi spi = Spi.of(r.field(0));
                            if (Boolean.parseBoolean(r.field(3))) {
                                providers.add(new Found(spi, r.field(1), r.field(2)));
                            } else {
                                others.add(spi.key() + " " + r.field(1) + " (" + r.field(2) + ")");
                            }
                        }
                        case "property" -> properties.computeIfAbsent(Spi.of(r.field(0)), k -> new LinkedHashMap<>())
                                .put(r.field(1), r.field(2));
                        case "error" -> errors.add(r.field(0) + ": " + r.field(1));
                        default -> {
                        }
                    }
                });
        return new Discovery(providers, others, properties, errors, run);
    }
}
