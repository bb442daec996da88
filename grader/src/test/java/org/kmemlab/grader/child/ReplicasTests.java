package org.kmemlab.grader.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;

/** The replicated memory: what one side writes arrives on the other, once, and nothing echoes back. */
class ReplicasTests {

    private static byte[] changes(Replicas from) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        from.writeChanges(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static void apply(Replicas to, byte[] changes) throws Exception {
        to.readChanges(new DataInputStream(new ByteArrayInputStream(changes)));
    }

    @Test
    void randomWritesOnEitherSideArriveOnTheOtherAndDoNotEchoBack() throws Exception {
        long seed = Long.getLong("kmemlab.replicas.seed", new SplittableRandom().nextLong());
        System.out.println("[replicas] seed " + seed + " (replay: -Dkmemlab.replicas.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        Machine grader = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        Machine child = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        grader.memory().writeLong(4096, 77);
        Replicas parentSide = new Replicas(false);
        Replicas childSide = new Replicas(true);
        parentSide.add(1, grader);
        childSide.add(1, child);
        for (int round = 0; round < 50; round++) {
            Machine writer = (round & 1) == 0 ? grader : child;
            for (int i = 0; i < 20; i++) {
                long at = random.nextLong(64 * Sizes.MiB - 16);
                switch (random.nextInt(3)) {
                    case 0 -> writer.memory().writeLong(at, random.nextLong());
                    case 1 -> writer.memory().writeByte(at, (byte) random.nextInt());
                    default -> writer.memory().fill(at, Math.min(16, 64 * Sizes.MiB - at), (byte) random.nextInt());
                }
            }
            if (writer == grader) {
                apply(childSide, changes(parentSide));
                assertEquals(4, changes(childSide).length, "only the end marker: nothing echoes back");
            } else {
                apply(parentSide, changes(childSide));
                assertEquals(4, changes(parentSide).length, "only the end marker: nothing echoes back");
            }
        }
        for (long at = 0; at < 64 * Sizes.MiB; at += 65536) {
            assertEquals(grader.memory().findMismatch(at, 1, (byte) 0) < 0,
                    child.memory().findMismatch(at, 1, (byte) 0) < 0);
        }
        byte[] a = new byte[1 << 20];
        byte[] b = new byte[1 << 20];
        for (long at = 0; at < 64 * Sizes.MiB; at += a.length) {
            grader.memory().read(at, a, 0, a.length);
            child.memory().read(at, b, 0, b.length);
            assertTrue(java.util.Arrays.equals(a, b), "replicas differ in the MiB at " + at);
        }
    }

    @Test
    void dmesgLinesTravelFromTheChildToTheGrader() throws Exception {
        Machine grader = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        Machine child = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        Replicas parentSide = new Replicas(false);
        Replicas childSide = new Replicas(true);
        parentSide.add(7, grader);
        childSide.add(7, child);
        child.dmesg().warn("kworker: page allocation failure: order:3, mode:0x820(GFP_ATOMIC)");
        apply(parentSide, changes(childSide));
        assertTrue(grader.dmesg().contains("page allocation failure: order:3"), grader.dmesg().text());
        assertEquals(4, changes(childSide).length, "each line is sent once");
    }
}
