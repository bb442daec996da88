package org.kmemlab.kmalloc;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;

/**
 * Lincheck over the kernel: three slots, each holding at most one kmalloc allocation stamped with the
 * slot's number in its first and last byte (byte accesses: Lincheck's model checker does not follow
 * the byte-array views {@code readInt} uses). Operations on one slot are serialised by the slot's lock; operations on different
 * slots run through the kernel at the same time. The sequential specification is a table of three
 * stamps, so a kernel that hands one block to two slots, loses a write or double-frees shows up as a
 * history no sequential order explains ({@code get} returning another slot's stamp).
 *
 * <p>Tagged {@code lincheck} and left out of the default build (it takes about a minute); run it with
 * {@code mvn -B -o -pl kmalloc -am verify -DexcludedGroups= -Dgroups=lincheck}.
 */
@Tag("lincheck")
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
@Param(name = "size", gen = IntGen.class, conf = "1:6000")
public class KernelLincheckTests {

    private final Kernel kernel = TestProviders.builder().ram(4L << 20).boot();
    private final long[] addr = new long[3];
    private final Object[] locks = {new Object(), new Object(), new Object()};

    /** Allocates {@code size} bytes into an empty slot and stamps it; false when the slot is taken. */
    @Operation
    public boolean put(@Param(name = "slot") int slot, @Param(name = "size") int size) {
        synchronized (locks[slot]) {
            if (addr[slot] != 0) {
                return false;
            }
            long p = kernel.kmalloc(size, Gfp.GFP_KERNEL);
            if (p == KernelMemory.NULL) {
                throw new IllegalStateException("a 4 MiB machine holding three blocks ran out of memory");
            }
            kernel.writeByte(p, (byte) (slot + 1));
            kernel.writeByte(p + kernel.ksize(p) - 1, (byte) (slot + 1));
            addr[slot] = p;
            return true;
        }
    }

    /** Returns the slot's stamp read back from kernel memory, or 0 for an empty slot. */
    @Operation
    public int get(@Param(name = "slot") int slot) {
        synchronized (locks[slot]) {
            if (addr[slot] == 0) {
                return 0;
            }
            long p = addr[slot];
            return kernel.readByte(p) == kernel.readByte(p + kernel.ksize(p) - 1) ? kernel.readByte(p) : -1;
        }
    }

    /** Frees the slot's block; false when the slot is empty. */
    @Operation
    public boolean remove(@Param(name = "slot") int slot) {
        synchronized (locks[slot]) {
            if (addr[slot] == 0) {
                return false;
            }
            kernel.kfree(addr[slot]);
            addr[slot] = 0;
            return true;
        }
    }

    @Test
    void stressedHistoriesAreLinearizable() {
        new StressOptions().iterations(5).invocationsPerIteration(30).threads(3).actorsPerThread(4)
                .check(KernelLincheckTests.class);
    }

    @Test
    void modelCheckedInterleavingsAreLinearizable() {
        new ModelCheckingOptions().iterations(3).invocationsPerIteration(20).threads(2).actorsPerThread(3)
                .check(KernelLincheckTests.class);
    }
}
