package org.kmemlab.testkit.contract.zone;

import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Era;
import org.kmemlab.api.FrameRange;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.bug.SleepInAtomicBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * One {@code allocPages} call and everything the SPI says about its result, checked against the model.
 *
 * <h2>What a result must satisfy</h2>
 * <ul>
 *   <li><b>Sleeping.</b> In atomic context a gfp that allows blocking raises {@link SleepInAtomicBug},
 *       however much memory is free; any other gfp never does.</li>
 *   <li><b>A block</b> is naturally aligned, lies wholly in one run of frames boot memory left free
 *       (never in a reservation), and overlaps no live block.</li>
 *   <li><b>Its zone</b>: {@code GFP_DMA} only ZONE_DMA, {@code GFP_DMA32} DMA32 or DMA, anything else any
 *       zone; and zones are tried highest first, so a request lands below an allowed zone only when that
 *       zone could not serve it. The contract does not pin which watermark a zone uses, so it calls a zone
 *       "able" only when it had a free block of the order and would still be at or above its <em>high</em>
 *       mark plus its largest protection afterwards: such a zone must be used first.</li>
 *   <li><b>Reserves</b>: a request without {@code __GFP_HIGH} never takes a zone's last pages: the zone
 *       had more than its min mark free before the call. In the modern era {@code __GFP_HIGH} with
 *       blocking ({@code GFP_KERNEL | __GFP_HIGH}) needs more than half of min and {@code GFP_ATOMIC} more
 *       than 3/8 of it (rounded down: the contract is lenient by a page where min is odd). In the Linux 2.0
 *       era {@code GFP_ATOMIC} may take any free page.</li>
 *   <li><b>No waiting</b>: a gfp that cannot block answers at once; with a maxWait of 200 ms or more the
 *       contract can tell, and calls taking more than half of maxWait fail. A slow {@code NO_PAGE} is asked
 *       again, up to {@value #TIMING_ATTEMPTS} times, and the fastest answer judged: a loaded machine stalls
 *       a call now and then, an allocator that waits for memory is slow every time.</li>
 *   <li><b>Failure</b> ({@code NO_PAGE}) only when no allowed zone was "able" as above; it changes
 *       nothing; and it logs {@code page allocation failure: order:N, mode:0x…(…)} to dmesg unless the
 *       gfp has {@code __GFP_NOWARN}, in which case nothing of the kind is logged. The kernel rate-limits
 *       these reports (and so may an implementation), so only the first failure of a chain that should be
 *       logged must be.</li>
 *   <li><b>Linux 2.0</b> ({@code zone.linux20-dma-flag}): on a machine of the 2.0 era the zone order,
 *       the zones' own watermarks, lowmem_reserve and the failure report are not checked. Instead a
 *       request without {@code __GFP_HIGH} may be served only while the whole machine had more free pages
 *       than the zones' min marks together; a failure is wrong when an allowed zone had a free block of the
 *       order and the request had {@code __GFP_HIGH} or that check passed; and a failure logs nothing.</li>
 * </ul>
 */
final class Allocation {

    /** Where the call runs. */
    enum Context {
        PROCESS(""), ATOMIC("under spin_lock: "), INTERRUPT("in irq 6: ");

        final String prefix;

        Context(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The least time that counts as waiting (scheduling noise stays well below it). */
    static final long WAIT_LIMIT_MILLIS = 100;
    /** How often a slow NO_PAGE of a request that cannot block is asked, the fastest answer judged. */
    static final int TIMING_ATTEMPTS = 3;

    private Allocation() {
    }

    /** Describes the call as the trace shows it: {@code in irq 6: p3 = allocPages(GFP_ATOMIC, order 0)}. */
    static String describe(String label, int gfp, int order, Context context) {
        return context.prefix + label + " = allocPages(" + Gfp.toString(gfp) + ", order " + order + ")";
    }

    /**
     * Makes the call, checks it, and records the block in the model.
     *
     * @return the block, or null for NO_PAGE (and for the SleepInAtomicBug that was due)
     * @throws InvariantViolation when the result breaks the contract
     */
    static ZoneModel.Block run(ZoneState s, String label, int gfp, int order, Context context) {
        String call = "allocPages(" + Gfp.toString(gfp) + ", order " + order + ")";
        long[] freeBefore = new long[s.model.zones().size()];
        for (int z = 0; z < freeBefore.length; z++) {
            freeBefore[z] = s.model.free(z);
        }
        int[] largestBefore = s.largestFreeOrders();
        // Watermarks MAY change at run time (boosting); decisions follow what zoneinfo() shows now.
        List<ZoneStats> marks = s.sut.zoneinfo();
        long dmesgBefore = s.machine.dmesg().nextSequence();
        boolean mustRaise = context != Context.PROCESS && Gfp.allowsBlocking(gfp);
        long pfn;
        long millis;
        try {
            long start = System.nanoTime();
            pfn = call(s, gfp, order, context);
            millis = (System.nanoTime() - start) / 1_000_000;
            // A loaded machine (or a garbage collection in the submission's JVM) can stall any one call for
            // hundreds of milliseconds; an allocator that waits for memory is slow every time. So a slow
            // NO_PAGE of a request that cannot block is asked again (NO_PAGE changed nothing) and the
            // fastest answer is the one judged.
            for (int attempt = 1; pfn == PageAllocator.NO_PAGE && !Gfp.allowsBlocking(gfp)
                    && millis > waitLimit(s) && attempt < TIMING_ATTEMPTS; attempt++) {
                long again = System.nanoTime();
                pfn = call(s, gfp, order, context);
                millis = Math.min(millis, (System.nanoTime() - again) / 1_000_000);
            }
        } catch (SleepInAtomicBug bug) {
            if (mustRaise) {
                return null;
            }
            throw Rule.ZONE_NO_PAGE.violation(call + " raised SleepInAtomicBug for a gfp that cannot sleep",
                    "a block or NO_PAGE: " + Gfp.toString(gfp) + " has no __GFP_DIRECT_RECLAIM",
                    "SleepInAtomicBug: " + bug.headline());
        } catch (RuntimeException e) {
            throw Rule.ZONE_NO_PAGE.violation(call + " threw " + e.getClass().getSimpleName() + ": an allocation"
                    + " that cannot be served returns NO_PAGE, never an exception", "a block or NO_PAGE",
                    e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        if (mustRaise) {
            throw Rule.ZONE_MIGHT_SLEEP.violation(call + " in atomic context must raise SleepInAtomicBug even with plenty of"
                    + " memory (call machine.context().mightSleep(gfp, ...) first)",
                    "SleepInAtomicBug", pfn == PageAllocator.NO_PAGE ? "NO_PAGE" : "pfn " + pfn);
        }
        s.lastCallMillis = millis;
        checkDidNotWait(s, call, gfp, millis);
        boolean linux20 = s.machine.profile().era() == Era.LINUX_2_0;
        if (pfn == PageAllocator.NO_PAGE) {
            if (linux20) {
                Linux20.checkFailure(s, call, gfp, order, freeBefore, largestBefore, marks, dmesgBefore);
                return null;
            }
            checkFailure(s, call, gfp, order, freeBefore, largestBefore, marks);
            checkFailureReport(s, call, gfp, order, dmesgBefore);
            return null;
        }
        ZoneModel.Block block = checkBlock(s, call, label, pfn, order);
        if (linux20) {
            checkGfpZone(s, call, gfp, block);
            Linux20.checkReserve(call, gfp, block, freeBefore, marks);
        } else {
            checkZone(s, call, gfp, order, block, freeBefore, largestBefore, marks);
        }
        s.model.add(block);
        s.writePattern(block);
        return block;
    }

    private static long call(ZoneState s, int gfp, int order, Context context) {
        switch (context) {
            case ATOMIC:
                return s.machine.context().callAtomic("spin_lock(&dev->lock)", () -> s.sut.allocPages(gfp, order));
            case INTERRUPT:
                long[] result = new long[1];
                s.machine.context().runInInterrupt(6, "floppy", () -> result[0] = s.sut.allocPages(gfp, order));
                return result[0];
            default:
                return s.sut.allocPages(gfp, order);
        }
    }

    static ZoneModel.Block checkBlock(ZoneState s, String call, String label, long pfn, int order) {
        if (pfn < 0 || (pfn & ((1L << order) - 1)) != 0) {
            throw Rule.ZONE_BLOCK.violation(call + " returned pfn " + pfn + ", which is not aligned to order " + order,
                    "a pfn that is a multiple of " + (1L << order), "pfn " + pfn);
        }
        if (pfn + (1L << order) > s.machine.frames()) {
            throw Rule.ZONE_BLOCK.violation(call + " returned pfn " + pfn + ", outside the machine's "
                    + s.machine.frames() + " frames", "a block inside RAM", "pfn " + pfn);
        }
        FrameRange range = s.model.rangeHolding(pfn, order);
        if (range == null) {
            String owner = firstReservedFrameOwner(s, pfn, order);
            throw (owner == null ? Rule.ZONE_BLOCK : Rule.ZONE_RESERVED).violation(call + " returned pfn " + pfn
                    + " order " + order + ", which is not free"
                    + " memory" + (owner == null ? "" : ": it is reserved at boot for the " + owner),
                    "a block inside the free ranges " + s.model.describeFreeRanges(), "pfn " + pfn + " order " + order);
        }
        ZoneModel.Block live = s.model.overlapping(pfn, order);
        if (live != null) {
            throw Rule.ZONE_BLOCK.violation("block at pfn " + pfn + " order " + order + " overlaps live block "
                    + live, "no live block shares a frame with another", call + " returned pfn " + pfn);
        }
        return new ZoneModel.Block(label, pfn, order, range.zone());
    }

    private static String firstReservedFrameOwner(ZoneState s, long pfn, int order) {
        for (long f = pfn; f < pfn + (1L << order); f++) {
            String owner = s.model.reservedBy(f);
            if (owner != null) {
                return owner;
            }
        }
        return null;
    }

    /** {@code zone.gfp-zones}: the block lies in a zone the gfp allows (on either era). */
    private static void checkGfpZone(ZoneState s, String call, int gfp, ZoneModel.Block block) {
        ZoneType highest = Gfp.highestZone(gfp);
        if (block.zone().ordinal() > highest.ordinal()) {
            throw Rule.ZONE_GFP_ZONES.violation(call + " was served from ZONE_" + block.zone() + " (pfn " + block.pfn()
                    + "), but " + Gfp.toString(gfp) + " allows only ZONE_" + highest
                    + (highest == ZoneType.NORMAL ? "" : " and below"),
                    // The machine may lack the zone the gfp names (the i386 profile has no DMA32): the
                    // limit is then the end of the highest zone it has below that one.
                    "a block below pfn " + s.machine.zone(highestZoneAtMost(s, highest)).endPfn(),
                    "pfn " + block.pfn() + " in ZONE_" + block.zone());
        }
    }

    private static void checkZone(ZoneState s, String call, int gfp, int order, ZoneModel.Block block,
                                  long[] freeBefore, int[] largestBefore, List<ZoneStats> marks) {
        checkGfpZone(s, call, gfp, block);
        ZoneType highest = Gfp.highestZone(gfp);
        int served = s.model.indexOf(block.zone());
        for (int z = served + 1; z < s.model.zones().size(); z++) {
            if (s.model.zones().get(z).type().ordinal() <= highest.ordinal() && able(marks, z, order, freeBefore,
                    largestBefore)) {
                ZoneStats zone = marks.get(z);
                throw Rule.ZONE_FALLBACK_ORDER.violation(call + " was served from ZONE_" + block.zone() + " although ZONE_"
                        + zone.type() + " had " + freeBefore[z] + " free pages (high watermark " + zone.high()
                        + ") and a free block of order " + largestBefore[z]
                        + ": zones are tried highest first (Normal, DMA32, DMA)",
                        "a block from ZONE_" + zone.type(), "pfn " + block.pfn() + " in ZONE_" + block.zone());
            }
        }
        ZoneStats zone = marks.get(served);
        boolean high = (gfp & Gfp.__GFP_HIGH) != 0;
        boolean atomic = high && !Gfp.allowsBlocking(gfp);
        long mark;
        String which;
        if (!high) {
            mark = zone.min();
            which = "a request without __GFP_HIGH may not use the reserve below the min watermark";
        } else if (s.machine.profile().era() != Era.MODERN) {
            return;
        } else if (atomic) {
            mark = 3 * zone.min() / 8;
            which = "GFP_ATOMIC may go down to 3/8 of the min watermark, no further";
        } else {
            mark = zone.min() / 2;
            which = "__GFP_HIGH with blocking may go down to half of the min watermark, no further (3/8 is for"
                    + " requests that cannot block)";
        }
        int requesting = s.model.indexOf(highestZoneAtMost(s, highest));
        long[] protection = zone.protection();
        long reserve = requesting < protection.length ? protection[requesting] : 0;
        long bootMin = s.initial(served).min();
        long bootMark = !high ? bootMin : atomic ? 3 * bootMin / 8 : bootMin / 2;
        if (freeBefore[served] <= mark) {
            // Broken only against the watermarks zoneinfo() shows now, not against those of boot: the
            // allocator decided on stale marks.
            Rule rule = freeBefore[served] > bootMark && mark != bootMark ? Rule.ZONE_LIVE_WATERMARKS
                    : Rule.ZONE_WATERMARKS;
            throw rule.violation(call + " took a block from ZONE_" + zone.type() + " with only "
                    + freeBefore[served] + " free pages: " + which,
                    "NO_PAGE (or a block from a zone with more than " + mark + " free pages)",
                    "pfn " + block.pfn() + " with ZONE_" + zone.type() + " at " + freeBefore[served] + " free, min "
                            + zone.min() + " (as zoneinfo() showed before the call)");
        }
        if (freeBefore[served] <= mark + reserve) {
            throw Rule.ZONE_LOWMEM_RESERVE.violation(call + " took a block from ZONE_" + zone.type() + " with "
                    + freeBefore[served] + " free pages, inside the " + reserve + " pages of lowmem_reserve that ZONE_"
                    + zone.type() + " keeps back from requests whose highest zone is ZONE_"
                    + s.model.zones().get(requesting).type(),
                    "NO_PAGE (or a block from a zone with more than " + (mark + reserve) + " free pages: watermark "
                            + mark + " + lowmem_reserve " + reserve + ")",
                    "pfn " + block.pfn() + " with ZONE_" + zone.type() + " at " + freeBefore[served] + " free");
        }
    }

    /** The machine's highest zone that is not above {@code highest} (a machine may lack DMA32 or Normal). */
    private static ZoneType highestZoneAtMost(ZoneState s, ZoneType highest) {
        ZoneType best = s.model.zones().get(0).type();
        for (ZoneSpan span : s.model.zones()) {
            if (span.type().ordinal() <= highest.ordinal()) {
                best = span.type();
            }
        }
        return best;
    }

    /** True when zone {@code z} could certainly have served an order-{@code order} request (see above). */
    private static boolean able(List<ZoneStats> marks, int z, int order, long[] freeBefore, int[] largestBefore) {
        ZoneStats zone = marks.get(z);
        long protection = 0;
        for (long p : zone.protection()) {
            protection = Math.max(protection, p);
        }
        return largestBefore[z] >= order && freeBefore[z] - (1L << order) >= zone.high() + protection;
    }

    /** The time above which a call that cannot block counts as having waited; unlimited for a short maxWait. */
    private static long waitLimit(ZoneState s) {
        return s.maxWait.toMillis() >= 2 * WAIT_LIMIT_MILLIS ? Math.max(WAIT_LIMIT_MILLIS, s.maxWait.toMillis() / 2)
                : Long.MAX_VALUE;
    }

    /**
     * A request that cannot block must not wait: when the chain's maxWait is long enough to tell, a call
     * that took more than half of it (and at least {@link #WAIT_LIMIT_MILLIS}) waited.
     */
    private static void checkDidNotWait(ZoneState s, String call, int gfp, long millis) {
        long limit = waitLimit(s);
        if (!Gfp.allowsBlocking(gfp) && millis > limit) {
            throw Rule.ZONE_NO_WAIT.violation(call + " took " + millis + " ms with maxWait " + s.maxWait.toMillis()
                    + " ms: a request that cannot block must not wait for memory", "an answer within " + limit
                    + " ms", millis + " ms");
        }
    }

    private static void checkFailure(ZoneState s, String call, int gfp, int order, long[] freeBefore,
                                     int[] largestBefore, List<ZoneStats> marks) {
        ZoneType highest = Gfp.highestZone(gfp);
        if (order > s.maxOrder()) {
            return;
        }
        for (int z = 0; z < s.model.zones().size(); z++) {
            if (s.model.zones().get(z).type().ordinal() <= highest.ordinal() && able(marks, z, order, freeBefore,
                    largestBefore)) {
                ZoneStats zone = marks.get(z);
                throw Rule.ZONE_SERVES.violation(call + " returned NO_PAGE although ZONE_" + zone.type() + " had "
                        + freeBefore[z] + " free pages (high watermark " + zone.high() + ") and a free block of order "
                        + largestBefore[z], "a block from ZONE_" + zone.type(), "NO_PAGE");
            }
        }
    }

    private static void checkFailureReport(ZoneState s, String call, int gfp, int order, long dmesgBefore) {
        List<Dmesg.Entry> lines = s.machine.dmesg().entriesAfter(dmesgBefore - 1);
        String expected = Checks.format("page allocation failure: order:%d, mode:%s", order, Gfp.mode(gfp));
        boolean warned = false;
        boolean reported = false;
        for (Dmesg.Entry line : lines) {
            warned |= line.text().contains("page allocation failure");
            reported |= line.text().contains(expected);
        }
        if ((gfp & Gfp.__GFP_NOWARN) != 0 && warned) {
            throw Rule.ZONE_NOWARN.violation(call + " failed and logged a page allocation failure despite __GFP_NOWARN",
                    "no \"page allocation failure\" line in dmesg", firstLines(lines));
        }
        if ((gfp & Gfp.__GFP_NOWARN) == 0 && s.unwarnedFailures++ == 0 && !reported) {
            throw Rule.ZONE_FAILURE_LOGGED.violation(call + " returned NO_PAGE without logging the failure to dmesg",
                    "a dmesg line containing \"" + expected + "\"", lines.isEmpty() ? "nothing logged" : firstLines(lines));
        }
    }

    static String firstLines(List<Dmesg.Entry> lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(2, lines.size()); i++) {
            out.append(i == 0 ? "" : " / ").append('"').append(lines.get(i).text()).append('"');
        }
        return out.toString();
    }
}
