package org.kmemlab.kmalloc;

import java.util.function.LongSupplier;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;

/**
 * What the Linux 2.0 kernel said and did when memory was misused or short, and what kmemlab does next.
 *
 * <h2>2.0 printed a line and carried on</h2>
 * 2.0's {@code mm/kmalloc.c} and {@code mm/page_alloc.c} (tag 2.0) did not stop the machine for a misuse
 * they noticed. They printed one line and went on:
 * <ul>
 *   <li>{@code kfree} of a pointer whose block header is neither MF_USED nor MF_DMA (a pointer kmalloc never
 *       returned, or one freed already, whose flag is MF_FREE) printed
 *       {@code kfree of non-kmalloced memory: %p, next= %p, order=%d} with the pointer and two fields of
 *       the page descriptor at the start of its page, and returned (kmalloc.c:445-447).</li>
 *   <li>A kmalloc from an interrupt handler with a priority other than GFP_ATOMIC printed
 *       {@code kmalloc called nonatomically from interrupt %p} and went on with GFP_ATOMIC, but only the
 *       first four times ({@code if (++count < 5)}, kmalloc.c:269-276); from the fifth on it said nothing
 *       and kept the sleeping priority. {@code __get_free_pages} did the same with
 *       {@code gfp called nonatomically from interrupt %p} (page_alloc.c:181-188).</li>
 *   <li>A kmalloc that found no page printed {@code Couldn't get a free page.....} at most once every
 *       ten seconds, and never for GFP_BUFFER (kmalloc.c:363-369), then returned NULL.</li>
 *   <li>{@code free_pages} of a reserved page returned without a word (page_alloc.c:124-125).</li>
 * </ul>
 * Carrying on hid the bug where it happened. A double free that reached {@code kfree} after the block
 * had gone to a new owner found MF_USED there and freed the new owner's block; the next kmalloc handed
 * it out a second time, and two drivers wrote over each other's data. The corruption surfaced minutes
 * later, in code that had done nothing wrong.
 *
 * <h2>What kmemlab does</h2>
 * It prints 2.0's line to the kernel log, word for word. Then, by default ({@link #carryOn} false), it
 * stops with a {@link KernelBug} whose first line is 2.0's and whose advice says that 2.0 would have
 * carried on and what that cost: the bug is found where it is. With {@code carryOn} (the setting
 * {@code kmemlab.misuse=carry-on}) it does exactly what 2.0 did: the free returns, the interrupt's
 * kmalloc goes on as GFP_ATOMIC, the reserved page stays as it was. A {@code %p} is printed as 2.0
 * printed it, 8 hex digits without {@code 0x}; where 2.0 printed the caller's return address, kmemlab
 * prints the Java call site instead, which is what a 2.0 user learned by looking the address up in
 * {@code System.map}.
 */
final class Linux20Misuse {

    /** The ten seconds {@code Couldn't get a free page} waits between two reports ({@code 10 * HZ}). */
    static final long FAILURE_REPORT_INTERVAL_NANOS = 10_000_000_000L;
    /** How many nonatomic calls from an interrupt 2.0 reported and forced to GFP_ATOMIC. */
    static final int NONATOMIC_REPORTS = 4;

    private final Machine machine;
    private final boolean carryOn;
    private final LongSupplier clock;
    private final Object lock = new Object();
    private long lastFailureReport;
    private boolean failureReported;
    private int kmallocNonatomic;
    private int gfpNonatomic;

    /**
     * Creates the policy.
     *
     * @param carryOn true to do what 2.0 did after its message, false to stop with a {@link KernelBug}
     * @param clock nanoseconds, for the ten-second limit on failure reports
     */
    Linux20Misuse(Machine machine, boolean carryOn, LongSupplier clock) {
        this.machine = machine;
        this.carryOn = carryOn;
        this.clock = clock;
    }

    /** Returns true when misuse is reported and then carried on, as 2.0 did. */
    boolean carryOn() {
        return carryOn;
    }

    /**
     * Reports a kfree that the allocator refused ({@code found}), as 2.0's {@code bad_order} did.
     *
     * @param addr the pointer passed to kfree
     * @param next the descriptor's {@code next} field (the first word of the pointer's page)
     * @param order the descriptor's {@code order} field (its third word: the bucket index, kmalloc.c:326)
     * @throws KernelBug unless carrying on
     */
    void badKfree(long addr, long next, long order, KernelBug found) {
        String line = "kfree of non-kmalloced memory: " + hex8(addr) + ", next= " + hex8(next) + ", order="
                + (int) order;
        machine.dmesg().warn(line);
        if (!carryOn) {
            throw new KernelBug(line, "kmemlab found: " + found.headline(), "Linux 2.0 printed this line and"
                    + " carried on; if the block had gone to a new owner meanwhile, its flag was MF_USED again and"
                    + " the second kfree freed that owner's block, which the next kmalloc handed out twice:"
                    + " corruption found much later, elsewhere. " + found.advice()
                    + " (kmemlab.misuse=carry-on does what 2.0 did)");
        }
    }

    /**
     * Checks an allocation's flags in an interrupt handler as 2.0 did: the first four that may sleep are
     * reported ({@code what} called nonatomically from interrupt) and turned into GFP_ATOMIC.
     *
     * @param what {@code "kmalloc"} or {@code "gfp"}, the word 2.0's message starts with
     * @return the flags to go on with
     * @throws KernelBug unless carrying on, and when carrying on past the fourth report
     */
    int nonatomicFromInterrupt(int gfp, String what) {
        if (!machine.context().inInterrupt() || !Gfp.allowsBlocking(gfp)) {
            return gfp;
        }
        int count;
        synchronized (lock) {
            count = what.equals("kmalloc") ? ++kmallocNonatomic : ++gfpNonatomic;
        }
        if (count > NONATOMIC_REPORTS) {
            throw new KernelBug(what + " called nonatomically from interrupt, the " + count + "th time",
                    "Linux 2.0 reported only the first " + NONATOMIC_REPORTS + " and then kept the sleeping"
                            + " priority: this call could schedule() inside the interrupt handler",
                    "in an interrupt handler allocate with GFP_ATOMIC, and check for NULL");
        }
        String line = what + " called nonatomically from interrupt " + CallSite.capture(1).site();
        machine.dmesg().warn(line);
        if (!carryOn) {
            throw new KernelBug(line, "", "Linux 2.0 printed this line and went on with GFP_ATOMIC, which"
                    + " digs into the last free pages and fails sooner; only the first " + NONATOMIC_REPORTS
                    + " times, after that silently with the sleeping priority. Allocate with GFP_ATOMIC in an"
                    + " interrupt handler (kmemlab.misuse=carry-on does what 2.0 did)");
        }
        return (gfp & (Gfp.GFP_DMA | Gfp.__GFP_ZERO)) | Gfp.GFP_ATOMIC;
    }

    /** Prints {@code Couldn't get a free page.....} unless one was printed in the last ten seconds. */
    void kmallocFailed() {
        long now = clock.getAsLong();
        synchronized (lock) {
            if (failureReported && now - lastFailureReport < FAILURE_REPORT_INTERVAL_NANOS) {
                return;
            }
            failureReported = true;
            lastFailureReport = now;
        }
        machine.dmesg().warn("Couldn't get a free page.....");
    }

    /**
     * Handles {@code free_pages} of a reserved page: 2.0 returned without a word.
     *
     * @throws KernelBug unless carrying on
     */
    void reservedPageFreed(long pfn, int order) {
        if (!carryOn) {
            throw new KernelBug("free_pages of reserved pfn " + pfn + " (order " + order + ")",
                    "INFO: pfn " + pfn + " is reserved (kernel image, mem_map or BIOS areas)",
                    "Linux 2.0 returned without a word (PageReserved), so the caller never learned that the"
                            + " block it meant to give back was still held; free only what __get_free_pages()"
                            + " returned (kmemlab.misuse=carry-on does what 2.0 did)");
        }
    }

    /** Formats a pointer as 2.0's {@code %p}: 8 hex digits, no {@code 0x}. */
    static String hex8(long value) {
        return Checks.format("%08x", value & 0xffff_ffffL);
    }

    /** Returns the offset of the descriptor's {@code order} field: after {@code next} and {@code firstfree}. */
    static long orderOffset() {
        return 2L * Integer.BYTES;
    }

    /** Returns the start of the page that holds {@code addr}: where 2.0 looked for the descriptor. */
    static long pageOf(long addr) {
        return addr & ~(MachineProfile.PAGE_SIZE - 1);
    }
}
