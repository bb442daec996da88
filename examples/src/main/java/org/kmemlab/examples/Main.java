package org.kmemlab.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.kmemlab.examples.cli.KmemlabCommand;
import org.kmemlab.grader.Terminal;

/**
 * The {@code kmemlab} command: the entry point the {@code ./kmemlab} launcher runs.
 *
 * <pre>
 * kmemlab                       the tour (same as kmemlab tour)
 * kmemlab lesson NAME           one lesson: check-returns, unwind, pools, wait, atomic, dma, vmalloc, boot, slab,
 *                               carry-on
 * kmemlab experiment gfp        failure rates of GFP_ATOMIC, GFP_KERNEL and GFP_DMA under pressure
 * kmemlab replay TRACE          replay a CS:APP or ftrace trace against kmalloc
 * kmemlab map                   a picture of physical memory
 * kmemlab info                  /proc/buddyinfo, slabinfo, zoneinfo, meminfo and dmesg
 * kmemlab compare               one workload on a Linux 2.0 machine and on today's, side by side
 * kmemlab grade SUBMISSION      the autograder (see kmemlab grade --help)
 * kmemlab --help                every command; kmemlab COMMAND --help for one
 * </pre>
 * Exit status: 0 on success, 1 when the work itself failed, 2 for a mistake on the command line or in
 * an input file (reported as one line).
 */
public final class Main {

    private Main() {
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err, Terminal.isInteractive()));
    }

    /**
     * Runs the command with the given streams and returns the exit status; progress bars are drawn on
     * {@code err} only when {@code interactive}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        return KmemlabCommand.execute(args, out, err, interactive);
    }
}
