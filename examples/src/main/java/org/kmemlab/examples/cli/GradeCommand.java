package org.kmemlab.examples.cli;

import java.util.concurrent.Callable;
import org.kmemlab.grader.GradeMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kmemlab grade …}: the autograder. {@link KmemlabCommand#execute} hands everything after
 * {@code grade} to {@link GradeMain#run} before picocli parses anything, because the grader has its own
 * options; this class only puts the command in {@code kmemlab --help} and answers
 * {@code kmemlab help grade}.
 */
@Command(name = "grade", description = {"Grades a submission: contracts, rules and performance, with reports.",
    "Run 'kmemlab grade --help' for its options (it has a command line of its own)."})
final class GradeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(GradeMain.USAGE);
        return 0;
    }
}
