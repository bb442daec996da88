package org.kmemlab.grader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kmemlab.testkit.rules.SubmissionRules;
import org.kmemlab.testkit.rules.Violation;

/**
 * Runs the {@link SubmissionRules} (ArchUnit, on class files: nothing of the submission is loaded or run)
 * in the parent JVM over every jar and class directory of a submission. The rubric decides what a
 * violation costs; the grader reports each one with its class and line.
 */
final class RulesCheck {

    private RulesCheck() {
    }

    /** Returns one line per violation, or per entry that could not be read; empty when the rules are kept. */
    static List<String> violations(List<Path> classes) {
        List<String> lines = new ArrayList<>();
        for (Path entry : classes) {
            try {
                List<Violation> found = Files.isDirectory(entry) ? SubmissionRules.checkDirectory(entry)
                        : SubmissionRules.checkJar(entry);
                for (Violation v : found) {
                    lines.add(v.report());
                }
            } catch (IllegalArgumentException e) {
                // An entry without classes (a resources-only jar) breaks no rule.
                if (!String.valueOf(e.getMessage()).startsWith("no class files")) {
                    lines.add("The rules could not be checked for " + entry.getFileName() + ": " + e.getMessage());
                }
            } catch (RuntimeException | LinkageError e) {
                // A broken rules check must not cost the whole grade; it is reported instead.
                lines.add("The rules could not be checked for " + entry.getFileName() + ": " + e);
            }
        }
        return lines;
    }
}
