package org.kmemlab.kmalloc;

import java.util.function.LongSupplier;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.InvalidFreeBug;
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
 *   <li>{@code free_pages} of a reserved page returned without a word (page_alloc.c:124-125), and so did
 *       every other bad {@code free_pages}: a page beyond RAM was skipped, a page whose use count was 0
 *       (freed already, or not the first page of its block) went to -1 and nothing happened, and a wrong
 *       order or someone else's page went to {@code free_pages_ok} unchecked ({@link PageFree}).</li>
 *   <li>{@code __get_free_pages} of an order of 6 or more returned 0 without a word
 *       ({@code order >= NR_MEM_LISTS}, page_alloc.c:179-180).</li>
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
 * kmalloc goes on as GFP_ATOMIC, the reserved page stays as it was. Where 2.0 printed nothing, the
 * report's headline starts with {@code kmemlab found:} ({@link #KMEMLAB_FOUND}), so that no words are
 * put in 2.0's mouth. A {@code %p} is printed as 2.0
 * printed it, 8 hex digits without {@code 0x}; where 2.0 printed the caller's return address, kmemlab
 * prints the Java call site instead, which is what a 2.0 user learned by looking the address up in
 * {@code System.map}.
 */
final class Linux20Misuse {

    /** Starts a report that Linux 2.0 had no words for, so that it is never taken for 2.0's. */
    static final String KMEMLAB_FOUND = "kmemlab found: ";
    private static final String CARRY_ON = " (kmemlab.misuse=carry-on does what 2.0 did)";
    /** The ten seconds {@code Couldn't get a free page} waits between two reports ({@code 10 * HZ}). */
    static final long FAILURE_REPORT_INTERVAL_NANOS = 10_000_000_000L;
    /** 2.0's {@code GFP_LEVEL_MASK}: the priority level without {@code GFP_DMA} ({@code include/linux/mm.h}). */
    private static final int GFP_LEVEL_MASK = 0xf;
    /** 2.0's {@code GFP_BUFFER} level. */
    private static final int GFP_BUFFER_LEVEL = 0;
    /** 2.0's {@code GFP_ATOMIC} level. */
    private static final int GFP_ATOMIC_LEVEL = 1;
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
            throw new KernelBug(line, KMEMLAB_FOUND + found.headline(), "Linux 2.0 printed this line and"
                    + " carried on; if the block had gone to a new owner meanwhile, its flag was MF_USED again and"
                    + " the second kfree freed that owner's block, which the next kmalloc handed out twice:"
                    + " corruption found much later, elsewhere. " + found.advice() + CARRY_ON);
        }
    }

    /**
     * Checks an allocation's flags in an interrupt handler as 2.0 did: the first four whose 2.0 priority is
     * not {@code GFP_ATOMIC} (so {@code GFP_BUFFER} too) are reported ({@code what} called nonatomically
     * from interrupt) and turned into GFP_ATOMIC.
     *
     * @param what {@code "kmalloc"} or {@code "gfp"}, the word 2.0's message starts with
     * @return the flags to go on with
     * @throws KernelBug unless carrying on, and when carrying on past the fourth report
     */
    int nonatomicFromInterrupt(int gfp, String what) {
        // 2.0 tested priority != GFP_ATOMIC (kmalloc.c:269, page_alloc.c:181): GFP_BUFFER, which never
        // slept, was reported and forced atomic as well
        if (!machine.context().inInterrupt() || (Gfp.linux20Level(gfp) & GFP_LEVEL_MASK) == GFP_ATOMIC_LEVEL) {
            return gfp;
        }
        int count;
        synchronized (lock) {
            count = what.equals("kmalloc") ? ++kmallocNonatomic : ++gfpNonatomic;
        }
        if (count > NONATOMIC_REPORTS && !Gfp.allowsBlocking(gfp)) {
            return gfp;   // 2.0 went on silently with GFP_BUFFER, which does not sleep
        }
        if (count > NONATOMIC_REPORTS) {
            throw new KernelBug(KMEMLAB_FOUND + what + " called nonatomically from interrupt, the " + count
                            + "th time",
                    "Linux 2.0 printed nothing from the " + (NONATOMIC_REPORTS + 1) + "th time on and kept the"
                            + " sleeping priority: this call could schedule() inside the interrupt handler; kmemlab"
                            + " stops here even with kmemlab.misuse=carry-on",
                    "in an interrupt handler allocate with GFP_ATOMIC, and check for NULL");
        }
        String line = what + " called nonatomically from interrupt " + CallSite.capture(1).site();
        machine.dmesg().warn(line);
        if (!carryOn) {
            throw new KernelBug(line, "kmemlab: where 2.0 printed the caller's return address (%p, to be looked up"
                    + " in System.map), kmemlab names the Java call site", "Linux 2.0 printed this line and went on"
                    + " with GFP_ATOMIC, which"
                    + " digs into the last free pages and fails sooner; only the first " + NONATOMIC_REPORTS
                    + " times, after that silently with the sleeping priority. Allocate with GFP_ATOMIC in an"
                    + " interrupt handler" + CARRY_ON);
        }
        return (gfp & (Gfp.GFP_DMA | Gfp.__GFP_ZERO)) | Gfp.GFP_ATOMIC;
    }

    /**
     * Prints {@code Couldn't get a free page.....} unless one was printed in the last ten seconds. (2.0's
     * {@code static unsigned long last = 0} and {@code last + 10 * HZ < jiffies} kept it quiet for the
     * first ten seconds after boot as well; kmemlab's machines live for milliseconds, so it reports the
     * first failure at once: a deliberate difference.) Never for {@code GFP_BUFFER}, 2.0's level 0
     * ({@code priority != GFP_BUFFER}, kmalloc.c:365), which the buffer cache used knowing it may fail.
     *
     * @param gfp the flags kmalloc went on with (after {@link #nonatomicFromInterrupt})
     */
    void kmallocFailed(int gfp) {
        if ((Gfp.linux20Level(gfp) & GFP_LEVEL_MASK) == GFP_BUFFER_LEVEL) {
            return;
        }
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
     * Handles {@code free_pages} of a reserved page: 2.0 returned without a word. The report is kmemlab's
     * (its headline says so), since 2.0 printed nothing.
     *
     * @throws KernelBug unless carrying on
     */
    void reservedPageFreed(long pfn, int order) {
        if (!carryOn) {
            throw new KernelBug(KMEMLAB_FOUND + "free_pages of reserved pfn " + pfn + " (order " + order + ")",
                    "INFO: pfn " + pfn + " is reserved (kernel image, mem_map or BIOS areas)",
                    "Linux 2.0 returned without a word (PageReserved), so the caller never learned that the"
                            + " block it meant to give back was still held; free only what __get_free_pages()"
                            + " returned" + CARRY_ON);
        }
    }

    /** What 2.0's {@code free_pages} did with a free that kmemlab's checks refuse (mm/page_alloc.c). */
    enum PageFree {
        /** A page number at or above {@code MAP_NR(high_memory)}: the {@code if} skipped it, nothing happened. */
        BEYOND_RAM("Linux 2.0 printed nothing: free_pages() ignored a page beyond high_memory", true),
        /** An address inside a page, not at its start: {@code MAP_NR(addr)} dropped the offset, the page was freed. */
        OFFSET_DROPPED("Linux 2.0 printed nothing: MAP_NR() dropped the offset, and free_pages() went on with the"
                + " page that holds the address", true),
        /**
         * A page whose use count was 0 already (a free page, or a later page of a block, which
         * {@code EXPAND} never gave a count): {@code atomic_dec_and_test} took it to -1, nothing was freed.
         */
        COUNT_ZERO("Linux 2.0 printed nothing: the page's use count went from 0 to -1 and nothing was freed;"
                + " had the block gone to a new owner meanwhile, this free would have given the new owner's"
                + " pages back while they were in use", true),
        /**
         * A page with a use count of 1 freed with the wrong order, or a page another part of the kernel owns:
         * {@code free_pages_ok} merged it into the free lists unchecked.
         */
        CORRUPTS("Linux 2.0 printed nothing and handed the pages to free_pages_ok() with the order it was"
                + " given, unchecked: the free lists and bitmaps were corrupted, or pages still in use were"
                + " handed out again; kmemlab cannot carry on from that, so it stops even with"
                + " kmemlab.misuse=carry-on", false);

        private final String what20Did;
        private final boolean carriesOn;

        PageFree(String what20Did, boolean carriesOn) {
            this.what20Did = what20Did;
            this.carriesOn = carriesOn;
        }
    }

    /**
     * Handles a {@code free_pages} that kmemlab's checks refused ({@code found}, in today's {@code Bad page
     * state} words, which 2.0 never printed): 2.0 printed nothing. Stops with a report labelled as
     * kmemlab's, or, when carrying on and 2.0's free did nothing ({@code what.carriesOn}), returns as 2.0 did.
     *
     * @throws KernelBug unless carrying on past a free that did nothing in 2.0
     */
    void badFreePages(KernelBug found, PageFree what) {
        if (carryOn && what.carriesOn) {
            return;
        }
        String dumped = "page dumped because: ";
        boolean badPage = found.details().startsWith(dumped);
        String reason = badPage ? found.details().substring(dumped.length())
                : found.headline().replaceFirst("^BUG: ", "");
        throw new KernelBug(KMEMLAB_FOUND + reason, what.what20Did + " (mm/page_alloc.c, free_pages)."
                + (badPage || found.details().isEmpty() ? "" : "\n" + found.details()),
                found.advice() + (what.carriesOn ? CARRY_ON : ""));
    }

    /**
     * Reports a {@code vfree} that found no area ({@code found}), as 2.0's {@code vfree} did
     * (mm/vmalloc.c): {@code Trying to vfree() bad address (%p)} for an address that is not page aligned,
     * {@code Trying to vfree() nonexistent vm area (%p)} for one that starts no area; then it returned.
     *
     * @throws InvalidFreeBug unless carrying on
     */
    void badVfree(long addr, KernelBug found) {
        String line = ((addr & (MachineProfile.PAGE_SIZE - 1)) != 0 ? "Trying to vfree() bad address ("
                : "Trying to vfree() nonexistent vm area (") + hex8(addr) + ")";
        machine.dmesg().warn(line);
        if (!carryOn) {
            throw InvalidFreeBug.of(line, KMEMLAB_FOUND + found.details(), "Linux 2.0 printed this line and"
                    + " returned with nothing freed: the area the caller meant to give back stayed allocated. "
                    + found.advice() + CARRY_ON, addr);
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
