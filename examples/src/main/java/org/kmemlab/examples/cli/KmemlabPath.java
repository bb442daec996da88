package org.kmemlab.examples.cli;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code KMEMLAB_PATH}: the jars and folders the {@code ./kmemlab} launcher adds to the module path, so
 * that a student's allocator can take part. The JVM ignores a module-path entry that does not exist, so
 * a typo ({@code KMEMLAB_PATH=my-budy.jar}) would silently leave the student's provider out and the
 * next error would be "no provider named ...": the command warns, naming the entry, first.
 */
final class KmemlabPath {

    private KmemlabPath() {
    }

    /** Returns the entries of {@code path} (separated by the platform's path separator) that do not exist. */
    static List<String> missingEntries(String path) {
        List<String> missing = new ArrayList<>();
        if (path == null || path.isBlank()) {
            return missing;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            boolean exists;
            try {
                exists = Files.exists(Path.of(entry));
            } catch (InvalidPathException e) {
                exists = false;
            }
            if (!exists) {
                missing.add(entry);
            }
        }
        return missing;
    }

    /** Prints one warning line to {@code err} for every entry of {@code path} that does not exist. */
    static void warnMissing(String path, PrintStream err) {
        for (String entry : missingEntries(path)) {
            err.println("kmemlab: warning: KMEMLAB_PATH entry '" + entry + "' does not exist; it is ignored"
                    + " (build the jar first, or fix the path)");
        }
    }
}
