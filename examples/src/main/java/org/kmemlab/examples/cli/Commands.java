package org.kmemlab.examples.cli;

import picocli.CommandLine.Model.CommandSpec;

/** Small helpers the commands share. */
final class Commands {

    private Commands() {
    }

    /**
     * Checks that {@code file} (the value of {@code option}) can be created: its directory exists.
     *
     * @throws UserError naming the option and the missing directory
     */
    static void requireDirectoryOf(java.nio.file.Path file, String option) {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
            throw new UserError(option + " " + file + ": no such directory " + parent + "; create it first");
        }
    }

    /** Returns a progress bar on the command's error stream, drawn when the terminal is interactive. */
    static Progress progress(CommandSpec spec, CommonOptions options) {
        Object root = spec.root().userObject();
        boolean interactive = root instanceof KmemlabCommand k && k.interactive();
        return new Progress(spec.commandLine().getErr(), interactive && !options.quiet);
    }
}
