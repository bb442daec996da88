package org.kmemlab.grader.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import java.util.List;
import org.kmemlab.api.bug.BadPageStateBug;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SlabCacheBug;

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

    @Test
    void aBadPageStateKeepsItsTypePfnOrderAndReport() throws IOException {
        BadPageStateBug sent = BadPageStateBug.alreadyFree(0x1234, 3);
        BadPageStateBug got = assertInstanceOf(BadPageStateBug.class, roundTrip(sent));
        assertEquals(0x1234, got.pfn());
        assertEquals(3, got.order());
        // The headline names the thread it was made on; here both are this test's thread.
        assertEquals(sent.headline(), got.headline());
        assertEquals(sent.details(), got.details());
        assertEquals(sent.advice(), got.advice());
    }

    @Test
    void aDoubleFreeKeepsItsTypeCacheAddressAndExtraDetails() throws IOException {
        for (DoubleFreeBug sent : List.of(new DoubleFreeBug("kmalloc-64", 0xffff888000001040L),
                new DoubleFreeBug("dentry", 0x40, "INFO: Freed by task 1\nINFO: Allocated by task 2"))) {
            DoubleFreeBug got = assertInstanceOf(DoubleFreeBug.class, roundTrip(sent));
            assertEquals(sent.cache(), got.cache());
            assertEquals(sent.address(), got.address());
            assertEquals(sent.headline(), got.headline());
            assertEquals(sent.details(), got.details());
            assertEquals(sent.advice(), got.advice());
        }
    }

    @Test
    void everySlabCacheMisuseKeepsItsTypeAndReport() throws IOException {
        for (SlabCacheBug sent : List.of(SlabCacheBug.stillHasObjects("dentry", 1),
                SlabCacheBug.stillHasObjects("dentry", 12), SlabCacheBug.wrongCache("dentry", "inode cache", 0x80),
                SlabCacheBug.notInCache("my cache", 0xffff888000002000L), SlabCacheBug.destroyed("dentry",
                        "kmem_cache_alloc"))) {
            SlabCacheBug got = assertInstanceOf(SlabCacheBug.class, roundTrip(sent), sent.getMessage());
            assertEquals(sent.cache(), got.cache());
            assertEquals(sent.getMessage(), got.getMessage());
        }
    }

    /** A submission's exception whose own methods lie, throw or return null. */
    static final class Hostile extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int how;

        Hostile(int how) {
            super("the real message");
            this.how = how;
        }

        @Override
        public String getMessage() {
            if (how == 0) {
                throw new IllegalStateException("getMessage refuses");
            }
            return how == 1 ? getMessage() : super.getMessage();
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            return how == 2 ? null : new StackTraceElement[] {null};
        }
    }

    @Test
    void anExceptionWhoseOwnMethodsThrowOrReturnNullStillArrivesNamingItsClass() throws IOException {
        // 0: getMessage throws; 1: getMessage recurses until the stack overflows; 2: getStackTrace is null.
        for (int how = 0; how < 3; how++) {
            RuntimeException got = roundTrip(new Hostile(how));
            assertEquals(RuntimeException.class, got.getClass());
            String message = got.getMessage();
            assertTrue(message.startsWith(Hostile.class.getName() + ": (its own methods "), message);
            assertTrue(message.contains(how == 0 ? "threw java.lang.IllegalStateException"
                    : how == 1 ? "threw java.lang.StackOverflowError" : "returned null"), message);
        }
    }
}
