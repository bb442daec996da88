package org.kmemlab.examples.lessons;

import java.util.List;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.kmalloc.FaultAttr;
import org.kmemlab.kmalloc.FaultInjection;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: check every allocation's return value.
 *
 * <p>kmalloc returns NULL when it cannot find memory, and in the kernel that is not rare: an interrupt
 * handler cannot wait for memory, so a burst of network packets can find the machine short. Code that
 * uses the pointer without looking at it dereferences NULL and brings the machine down with an Oops.
 * Code that checks drops one packet and goes on.
 *
 * <p>Waiting for a real shortage is slow, so kernel developers make allocations fail on purpose with
 * <em>fault injection</em> ({@code /sys/kernel/debug/failslab}): here one in four kmalloc calls that
 * cannot sleep fails, from a seeded random sequence. A burst of 64 packets then reaches two receive
 * routines, one that checks kmalloc's result and one that does not, under the same injected failures.
 *
 * <p>Try: change {@link #FAIL_PERCENT}, or make the careless routine check its pointer and watch the Oops
 * go.
 */
public final class CheckReturnsLesson extends Lesson {

    /** Packets in the burst. */
    static final int PACKETS = 64;
    /** Bytes of one packet buffer (an Ethernet frame fits). */
    static final long PACKET_BYTES = 1536;
    /** How many GFP_ATOMIC kmalloc calls fault injection fails, in percent. */
    static final int FAIL_PERCENT = 25;

    /** Creates the lesson. */
    public CheckReturnsLesson() {
        super("check-returns", "check every allocation's return value");
    }

    @Override
    public void run(LessonContext ctx) {
        Kernel kernel = ctx.kernel();
        FaultInjection faults = kernel.faultInjection();
        FaultAttr failslab = FaultAttr.probability(FAIL_PERCENT).withSeed(ctx.seed()).withVerbose(1);

        ctx.step("failslab on: " + FAIL_PERCENT + "% of kmalloc calls that cannot sleep fail (seed " + ctx.seed()
                + ")");
        faults.failslab(failslab);
        ctx.say("   memory is plentiful: MemFree %d kB; the failures are injected", kernel.meminfo().memFree());
        if (kernel.era() == Era.LINUX_2_0) {
            ctx.say("   (fault injection is today's tool, since 2.6.20; on a 1996 machine a GFP_ATOMIC kmalloc"
                    + " failed only in a real shortage, and printed \"Couldn't get a free page.....\")");
        }

        ctx.step("a burst of " + PACKETS + " packets reaches a receive routine that checks kmalloc's result");
        long logged = kernel.machine().dmesg().nextSequence();
        long[] buffers = new long[PACKETS];
        int received = 0;
        int dropped = 0;
        for (int i = 0; i < PACKETS; i++) {
            long buf = kernel.kmalloc(PACKET_BYTES, Gfp.GFP_ATOMIC);
            if (buf == KernelMemory.NULL) {
                dropped++;            // the right answer to "no memory": drop the packet, count it, go on
                continue;
            }
            kernel.fill(buf, PACKET_BYTES, (byte) i);   // copy the packet in
            buffers[received++] = buf;
        }
        ctx.say("   received %d packets, dropped %d (rx_dropped), and the machine is still up", received, dropped);
        ctx.expect(dropped > 0 && dropped == faults.slabFailures(), "every injected failure to be a dropped packet");
        ctx.show("dmesg (first injected failure)", firstInjection(kernel.machine().dmesg(),
                kernel.machine().dmesg().entriesAfter(logged - 1)));
        for (int i = 0; i < received; i++) {
            kernel.kfree(buffers[i]);
        }

        ctx.step("the same burst, the same injected failures, a routine that does not check");
        faults.failslab(failslab);    // setting the knobs again restarts the same random sequence
        int delivered = 0;
        try {
            for (int i = 0; i < PACKETS; i++) {
                long buf = kernel.kmalloc(PACKET_BYTES, Gfp.GFP_ATOMIC);
                kernel.writeByte(buf, (byte) i);   // BUG: buf may be NULL
                buffers[delivered++] = buf;
            }
            throw new LessonFailed("the careless routine to dereference NULL, but every allocation succeeded");
        } catch (KernelBug oops) {
            ctx.say("   packet %d found kmalloc returning NULL, and the routine wrote to it:", delivered + 1);
            ctx.report(oops);
        } finally {
            for (int i = 0; i < delivered; i++) {
                kernel.kfree(buffers[i]);
            }
        }

        ctx.step("failslab off: the checking routine receives everything");
        faults.disable();
        int ok = 0;
        for (int i = 0; i < PACKETS; i++) {
            long buf = kernel.kmalloc(PACKET_BYTES, Gfp.GFP_ATOMIC);
            if (buf == KernelMemory.NULL) {
                continue;
            }
            ok++;
            kernel.kfree(buf);
        }
        ctx.say("   %d of %d packets received", ok, PACKETS);
        ctx.expect(ok == PACKETS, "every packet to be received once fault injection is off");
        ctx.say("");
        ctx.say("Rule: every kmalloc, kzalloc, krealloc and __get_free_pages can return NULL. Check it.");
    }

    /** Returns the two dmesg lines of the first injected failure among {@code entries}. */
    private static String firstInjection(Dmesg dmesg, List<Dmesg.Entry> entries) {
        for (int i = 0; i + 1 < entries.size(); i++) {
            if (entries.get(i).text().startsWith("FAULT_INJECTION")) {
                return dmesg.format(entries.get(i)) + "\n" + dmesg.format(entries.get(i + 1));
            }
        }
        throw new LessonFailed("failslab to log its failures to dmesg");
    }
}
