package org.kmemlab.testkit.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Snapshot;

/**
 * The page a student debugs a failing property with: the shrunk counterexample as numbered steps that
 * play one by one, the allocator's view beside the model's after each step (lines that disagree
 * highlighted), the step where they first diverge marked, and the broken invariant with what was
 * expected and what happened. One self-contained file (see {@link HtmlPage}).
 *
 * <p>{@link #write(PropertyResult)} puts it under {@code target/kmemlab-failures/} (or the directory the
 * system property {@value #DIRECTORY_PROPERTY} names), named after the property and the subject.
 */
public final class FailurePage {

    /** The system property that chooses where failure pages go. */
    public static final String DIRECTORY_PROPERTY = "kmemlab.failurePages";

    private static final String DIR = "/org/kmemlab/testkit/report/";

    private FailurePage() {
    }

    /** Returns the page's data: the result's steps, snapshots, invariant and replay command. */
    public static String json(PropertyResult result) {
        Json out = new Json().beginObject().field("id", result.id()).field("title", result.title())
                .field("subject", result.subject()).field("seed", result.seed()).field("setUp", result.setUp())
                .field("invariant", result.brokenInvariant()).field("expected", result.expected())
                .field("actual", result.actual()).field("replay", result.replayCommand())
                .field("originalSteps", result.originalSteps());
        out.key("steps").beginArray();
        for (String step : result.steps()) {
            out.string(step);
        }
        out.endArray().key("snapshots").beginArray();
        for (Snapshot s : result.snapshots()) {
            if (s == null) {
                out.string(null);
                continue;
            }
            out.beginObject().key("allocator");
            lines(out, s.allocator());
            out.key("model");
            lines(out, s.model());
            out.endObject();
        }
        return out.endArray().endObject().toString();
    }

    private static void lines(Json out, List<String> lines) {
        out.beginArray();
        for (String line : lines) {
            out.string(line);
        }
        out.endArray();
    }

    /** Writes the page of the failed {@code result} to {@code file}. */
    public static void write(PropertyResult result, Path file) throws IOException {
        if (result.passed()) {
            throw new IllegalArgumentException(result.id() + " passed: there is no counterexample to draw");
        }
        HtmlPage.write(file, result.id() + " failed for " + result.subject(), text("failure.css"),
                text("failure.html"), json(result), text("failure.js"));
    }

    /**
     * Writes the page of the failed {@code result} into the failure-page directory (created when missing)
     * and returns its path.
     */
    public static Path write(PropertyResult result) throws IOException {
        Path dir = Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/kmemlab-failures"));
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName(result.id() + "-" + result.subject()) + ".html");
        write(result, file);
        return file;
    }

    /** Returns {@code text} as a file name: letters, digits, dots and dashes, lower case. */
    static String fileName(String text) {
        String name = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "property" : name;
    }

    private static String text(String name) {
        return HtmlPage.text(FailurePage.class.getResourceAsStream(DIR + name), DIR + name);
    }
}
