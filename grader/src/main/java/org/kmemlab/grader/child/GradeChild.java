package org.kmemlab.grader.child;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of the submission's JVM: starts the {@link Executor} on the channel and does nothing
 * else.
 *
 * <h2>Order of events</h2>
 * <ol>
 *   <li>Keep the real standard input and output for the channel ({@link Wire}); point {@code System.out}
 *       at standard error, so whatever the submission prints is captured as its output, and give
 *       {@code System.in} an empty stream.</li>
 *   <li>Install a shutdown hook that announces an exit the grader did not ask for ({@code System.exit}
 *       in the submission), then read frames: each lane's calls run on a thread of their own.</li>
 *   <li>When the grader closes the channel, halt: a submission's leftover thread or shutdown hook must
 *       not keep the JVM alive.</li>
 * </ol>
 * Nothing in this JVM decides a grade, so nothing in it is secret: the grader sends SPI calls and judges
 * the answers in its own process.
 */
public final class GradeChild {

    private GradeChild() {
    }

    /**
     * Serves the grader until it closes the channel.
     *
     * @param args not used; everything comes on standard input
     */
    public static void main(String[] args) throws Exception {
        FileInputStream channelIn = new FileInputStream(FileDescriptor.in);
        FileOutputStream channelOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        Replicas replicas = new Replicas(true);
        Executor executor = new Executor(replicas);
        Wire wire = new Wire(channelIn, channelOut, replicas, lane -> {
            Thread t = new Thread(() -> executor.serveLane(lane), "kmemlab-lane-" + lane);
            t.setDaemon(true);
            t.start();
        });
        executor.attach(wire);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!wire.closed()) {
                wire.send(-1, Wire.EXITING, new ByteArrayOutputStream());
            }
        }, "kmemlab-exit-witness"));
        wire.start("kmemlab-channel");
        while (!wire.closed()) {
            Thread.sleep(50);
        }
        Runtime.getRuntime().halt(0);
    }

    /** The throwable's stack trace, at most 40 lines: what the student needs to find the place. */
    public static String describe(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        List<String> lines = new ArrayList<>(List.of(text.toString().split("\n")));
        if (lines.size() > 40) {
            int more = lines.size() - 40;
            lines = new ArrayList<>(lines.subList(0, 40));
            lines.add("\t... " + more + " more lines");
        }
        return String.join("\n", lines);
    }
}
