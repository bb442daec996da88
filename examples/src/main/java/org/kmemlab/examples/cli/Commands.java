package org.kmemlab.examples.cli;

import picocli.CommandLine.Model.CommandSpec;

/** Small helpers the commands share. */
final class Commands {

    private Commands() {
    }

    /** Returns a progress bar on the command's error stream, drawn when the terminal is interactive. */
    static Progress progress(CommandSpec spec, CommonOptions options) {
        Object root = spec.root().userObject();
        boolean interactive = root instanceof KmemlabCommand k && k.interactive();
        return new Progress(spec.commandLine().getErr(), interactive && !options.quiet);
    }
}
