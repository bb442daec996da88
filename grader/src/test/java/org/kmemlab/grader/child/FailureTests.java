package org.kmemlab.grader.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;

/**
 * A failure in the submission's JVM reaches the contract in the grader as the same type with the same
 * report: the slab contract tells a corruption report from other bugs by its type.
 */
class FailureTests {

    private static RuntimeException roundTrip(Throwable t) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Failure.write(t, new DataOutputStream(bytes));
        return Failure.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void aCorruptionReportArrivesAsACorruptionBugWithTheSameReport() throws IOException {
        CorruptionBug sent = new CorruptionBug("dentry", "Right Redzone", 0xffff888002000004L, 0xffff888002000007L,
                4, (byte) 0x00, (byte) 0xcc, "INFO: Object 0xffff888002000000 @offset=0", "check the object's size");
        CorruptionBug got = assertInstanceOf(CorruptionBug.class, roundTrip(sent));
        assertEquals(sent.headline(), got.headline());
        assertEquals(sent.details(), got.details());
        assertEquals(sent.advice(), got.advice());
        assertEquals("dentry", got.cache());
        assertEquals("Right Redzone", got.what());
        assertEquals(sent.firstBadAddress(), got.firstBadAddress());
    }

    @Test
    void anInvalidFreeKeepsItsTypeAndAddressAndOtherBugsArriveAsKernelBugs() throws IOException {
        InvalidFreeBug sent = InvalidFreeBug.of("BUG: kfree of non-kmalloced memory: 0x10", "INFO: not ours",
                "free only what you allocated", 0x10);
        InvalidFreeBug got = assertInstanceOf(InvalidFreeBug.class, roundTrip(sent));
        assertEquals(0x10, got.address());
        assertEquals(sent.headline(), got.headline());
        assertEquals(sent.details(), got.details());
        KernelBug plain = new KernelBug("BUG: something", "details", "advice");
        RuntimeException back = roundTrip(plain);
        assertEquals(KernelBug.class, back.getClass());
        assertEquals("BUG: something", ((KernelBug) back).headline());
    }
}
