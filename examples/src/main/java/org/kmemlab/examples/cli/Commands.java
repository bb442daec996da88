package org.kmemlab.examples.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Small helpers the commands share, among them the rules every file a command reads or writes follows.
 *
 * <h2>Files</h2>
 * Every path a user names is checked before any work starts, so that a typo costs a second, not a
 * two-minute experiment, and the error names the path, what is wrong with it and what to do:
 * <ul>
 *   <li>an input file ({@link #requireInputFile}) MUST exist, be a file (not a folder) and be readable;
 *       a relative path that does not exist is named with the folder it was looked for in;</li>
 *   <li>an output file ({@code --png FILE}, {@code --html FILE}; {@link #requireOutputFile}) MUST NOT be
 *       a folder, and its folder MUST exist and be writable (it is not created: a misspelt folder would
 *       silently scatter results);</li>
 *   <li>an output folder ({@code tour --html DIR}; {@link #requireOutputFolder}) MUST NOT be a file, and
 *       is created when missing if its parent exists;</li>
 *   <li>every output is written through a temporary file in the same folder that is then moved into
 *       place ({@link #write}), so an interrupted run (Ctrl-C) or a failed write leaves an older file of
 *       that name as it was.</li>
 * </ul>
 */
final class Commands {

    /** The system property the launcher sets to the kmemlab checkout, for hints that name its files. */
    static final String HOME_PROPERTY = "kmemlab.home";

    private Commands() {
    }

    /**
     * Checks that {@code file}, named by {@code what} ("trace"), can be read.
     *
     * @throws UserError naming the file, what is wrong with it and what to do
     */
    static void requireInputFile(Path file, String what, String hint) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + " is a folder, not a " + what + " file; name a file in it");
        }
        if (!Files.exists(file)) {
            String where = file.isAbsolute() ? "" : " (looked for in " + Path.of("").toAbsolutePath() + ")";
            throw new UserError(file + ": no such " + what + " file" + where + (hint.isEmpty() ? "" : "; " + hint));
        }
        if (!Files.isReadable(file)) {
            throw new UserError(file + ": the " + what + " file cannot be read (permission denied); check its"
                    + " permissions");
        }
    }

    /**
     * Checks, before any work, that {@code file} (the value of {@code option}) can be written.
     *
     * @throws UserError naming the option, the path and what to do
     */
    static void requireOutputFile(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw new UserError(option + " " + file + " is a folder; name a file in it, e.g. " + option + " "
                    + file.resolve("kmemlab" + extension(option)));
        }
        requireWritableFolder(file.toAbsolutePath().getParent(), option, file);
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new UserError(option + " " + file + ": the file exists and cannot be written (permission denied);"
                    + " choose another name");
        }
    }

    /**
     * Checks, before any work, that {@code dir} (the value of {@code option}) is a folder or can be
     * created, and creates it.
     *
     * @throws UserError naming the option, the path and what to do
     */
    static void requireOutputFolder(Path dir, String option) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(option + " " + dir + " is a file, not a folder; name a folder (it is created when"
                    + " missing)");
        }
        if (!Files.isDirectory(dir)) {
            requireWritableFolder(dir.toAbsolutePath().getParent(), option, dir);
            Files.createDirectories(dir);
        }
        requireWritableFolder(dir.toAbsolutePath(), option, dir);
    }

    private static void requireWritableFolder(Path folder, String option, Path given) {
        if (folder == null) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new UserError(option + " " + given + ": no such folder " + folder + "; create it first");
        }
        if (!Files.isWritable(folder)) {
            throw new UserError(option + " " + given + ": the folder " + folder + " cannot be written (permission"
                    + " denied); choose another folder");
        }
    }

    private static String extension(String option) {
        return option.equals("--png") ? ".png" : ".html";
    }

    /** Writes one output file given the path to write to. */
    @FunctionalInterface
    interface Writer {
        /** Writes the whole output to {@code path}. */
        void writeTo(Path path) throws IOException;
    }

    /**
     * Writes {@code file} with {@code writer} through a temporary file beside it, moved into place when
     * complete: an interrupted or failed write leaves what was there before.
     */
    static void write(Path file, Writer writer) throws IOException {
        Path target = file.toAbsolutePath();
        // Named, not made by createTempFile: the writer creates it, so it gets the umask's mode (0644), as
        // the file written in place would, not createTempFile's 0600.
        Path temp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        Files.deleteIfExists(temp);
        try {
            writer.writeTo(temp);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Returns a progress bar on the command's error stream, drawn when the terminal is interactive. */
    static Progress progress(CommandSpec spec, CommonOptions options) {
        Object root = spec.root().userObject();
        boolean interactive = root instanceof KmemlabCommand k && k.interactive();
        return new Progress(spec.commandLine().getErr(), interactive && !options.quiet);
    }
}
