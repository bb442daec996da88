package org.kmemlab.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.kmemlab.api.Checks;

/**
 * Writes a {@link GradeReport} as Gradescope's {@code results.json}.
 *
 * <p>Top level: {@code score} (only when every test is visible: it overrides the sum of the tests and
 * Gradescope shows it at once, so with hidden tests it is left out and Gradescope adds the tests up),
 * {@code execution_time}, {@code output} in Markdown, {@code visibility}, {@code stdout_visibility},
 * {@code tests[]} and {@code leaderboard[]}. Each test: {@code name}, {@code number}, {@code score},
 * {@code max_score}, {@code status} ({@code passed}/{@code failed}: Gradescope knows no other), {@code output}
 * with {@code output_format: md}, {@code visibility}, {@code tags}, and {@code extra_data.kmemlab_status}
 * with the grader's own status ({@code timed_out}, {@code exited}, …).
 *
 * <p>The file is written to a temporary name and moved into place, so a reader never sees half a file.
 */
public final class GradescopeResults {

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> READABLE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GradescopeResults() {
    }

    /** Returns the JSON text of {@code report}. */
    public static String toJson(GradeReport report) {
        Checks.requireNonNull(report, "report");
        ObjectNode root = JSON.createObjectNode();
        // Gradescope shows a top-level score as it is, hidden tests included. With hidden tests it is left
        // out: Gradescope then adds up the tests itself and shows each hidden one's points only once released.
        boolean allVisible = report.tests().stream().allMatch(t -> t.visibility() == Rubric.Visibility.VISIBLE);
        if (allVisible) {
            root.put("score", report.score());
        }
        root.put("execution_time", Math.round(report.executionSeconds()));
        root.put("output", report.output());
        root.put("output_format", "md");
        root.put("test_output_format", "md");
        root.put("visibility", "visible");
        root.put("stdout_visibility", "hidden");
        ObjectNode extra = root.putObject("extra_data");
        extra.put("submission_sha256", report.sha256());
        ArrayNode notes = extra.putArray("instructor_notes");
        report.instructorNotes().forEach(notes::add);
        ArrayNode tests = root.putArray("tests");
        for (TestResult t : report.tests()) {
            ObjectNode n = tests.addObject();
            n.put("name", t.name());
            n.put("number", t.number());
            n.put("score", t.score());
            n.put("max_score", t.maxScore());
            n.put("status", t.status().passed() ? "passed" : "failed");
            n.put("output", t.output());
            n.put("output_format", "md");
            n.put("visibility", t.visibility().key());
            ArrayNode tags = n.putArray("tags");
            t.tags().forEach(tags::add);
            n.putObject("extra_data").put("kmemlab_status", t.status().key());
        }
        ArrayNode board = root.putArray("leaderboard");
        for (GradeReport.LeaderboardEntry e : report.leaderboard()) {
            ObjectNode n = board.addObject();
            n.put("name", e.name());
            n.put("value", e.value());
            n.put("order", e.order());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write results.json", e);
        }
    }

    /** Writes {@code report} to {@code file} atomically (temporary file, then a move). */
    public static void write(GradeReport report, Path file) throws IOException {
        writeAtomically(file, toJson(report));
    }

    /**
     * Writes {@code text} to {@code file} through a temporary file in the same folder. The file is made
     * readable by everyone ({@code rw-r--r--}, 0644) as any file a command writes: a temporary file starts
     * private (0600), and a results file that a web server, CI runner or teaching assistant cannot read
     * is no result.
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, READABLE);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): files there are readable as their folder allows.
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
