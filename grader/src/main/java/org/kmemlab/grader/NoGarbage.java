package org.kmemlab.grader;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Optional;
import org.kmemlab.grader.child.Op;
import org.kmemlab.grader.child.WorkloadDriver;
import org.kmemlab.testkit.contract.Rule;

/**
 * The no-garbage SHOULD rules ({@code page.no-garbage}, {@code object.no-garbage}) measured where the
 * allocator runs: in the submission's JVM.
 *
 * <p>In one JVM the contracts read the calling thread's allocated-bytes counter around allocate/free
 * pairs. Graded remotely, that thread is the grader's, and what it allocates is the channel's frames, so
 * every allocator would look wasteful; the grader turns that measurement off
 * ({@link org.kmemlab.testkit.contract.support.AllocatedBytes#SWITCH}) and asks the child to run the
 * same pairs ({@value #PAIRS} of them, order {@code i & 3} or {@code 8 << (i & 3)} bytes, each freed at
 * once) through its workload driver on one fresh allocator, once to warm it up (and fill it with pages
 * from its page source, whose bookkeeping is not the allocator's), then again under its own thread's
 * counter. The child reports a number; it earns nothing by it: a SHOULD rule is a warning
 * without points, so a submission that reports less than it allocates only hides advice from itself.
 */
final class NoGarbage {

    /** Allocate/free pairs per run, as in the contracts. */
    static final int PAIRS = 20_000;

    private NoGarbage() {
    }

    /**
     * Measures the allocator of provider {@code handle} in {@code session} and returns the SHOULD warning
     * when its allocate and free allocate Java objects; empty when they do not, when {@code spi} has no
     * such rule, or when the child's JVM cannot count.
     */
    static Optional<String> measure(ChildSession session, Spi spi, int handle) {
        Rule rule = switch (spi) {
            case PAGE -> Rule.PAGE_NO_GARBAGE;
            case OBJECT -> Rule.OBJECT_NO_GARBAGE;
            default -> null;
        };
        if (rule == null) {
            return Optional.empty();
        }
        int[] ops = new int[2 * PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            // Page: orders 0-3; object: sizes 8, 16, 32 and 64, as indices into the driver's sizes.
            ops[2 * i] = spi == Spi.PAGE ? i & 3 : sizeIndex(8 << (i & 3));
            ops[2 * i + 1] = -1;
        }
        try {
            int round = session.call(0, Op.WORKLOAD, null, out -> {
                out.writeUTF(spi.key());
                out.writeInt(handle);
                out.writeInt(-1);
                out.writeInt(ops.length);
                for (int op : ops) {
                    out.writeInt(op);
                }
            }).readInt();
            DataInputStream in = session.call(round, Op.NO_GARBAGE, null, out -> { });
            long used = in.readLong();
            if (used > PAIRS) {
                return Optional.of(rule.warning(used + " bytes of Java objects allocated in " + PAIRS
                        + " allocate/free pairs (boxing, an iterator, a map entry?), measured in your JVM"));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the submission's JVM sent a short answer", e);
        }
    }

    private static int sizeIndex(int size) {
        int[] sizes = WorkloadDriver.OBJECT_SIZES;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] == size) {
                return i;
            }
        }
        throw new IllegalStateException("the workload driver has no object size " + size);
    }
}
