package org.kmemlab.examples.lessons;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.kmalloc.Kernel;

/**
 * Lesson 1: check every allocation's return value.
 *
 * <p>kmalloc returns NULL when it cannot find memory, and in the kernel that is not rare: an interrupt
 * handler cannot wait for memory, so a burst of network packets can find the machine short. Code that
 * uses the pointer without looking at it dereferences NULL and brings the machine down with an Oops.
 * Code that checks drops one packet and goes on.
 *
 * <p>The lesson makes memory short for real (another driver has taken every free page), then lets a
 * burst of 64 packets arrive at two receive routines: one that checks kmalloc's result and one that
 * does not.
 *
 * <p>Try: change {@link #PACKETS}, or make the careless routine check its pointer and watch the Oops go.
 */
public final class CheckReturnsLesson extends Lesson {

    /** Packets in the burst. */
    static final int PACKETS = 64;
    /** Bytes of one packet buffer (an Ethernet frame fits). */
    static final long PACKET_BYTES = 1536;

    /** Creates the lesson. */
    public CheckReturnsLesson() {
        super(1, "check-returns", "check every allocation's return value");
    }

    @Override
    public void run(LessonContext ctx) {
        Kernel kernel = ctx.kernel();

        ctx.step("another driver takes every free page it can (GFP_ATOMIC, so it even digs into the reserve)");
        MemoryHog hog = MemoryHog.exhaust(kernel, Gfp.GFP_ATOMIC, 0);
        ctx.say("   it now holds %d pages; /proc/meminfo says:", hog.pages());
        ctx.show("/proc/meminfo (first lines)", firstLines(kernel.procMeminfo(), 3));

        ctx.step("a burst of " + PACKETS + " packets reaches a receive routine that checks kmalloc's result");
        long[] buffers = new long[PACKETS];
        int received = 0;
        int dropped = 0;
        for (int i = 0; i < PACKETS; i++) {
            long buf = kernel.kmalloc(PACKET_BYTES, Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN);
            if (buf == KernelMemory.NULL) {
                dropped++;            // the right answer to "no memory": drop the packet, count it, go on
                continue;
            }
            kernel.fill(buf, PACKET_BYTES, (byte) i);   // copy the packet in
            buffers[received++] = buf;
        }
        ctx.say("   received %d packets, dropped %d (rx_dropped), and the machine is still up", received, dropped);
        ctx.expect(dropped > 0, "some allocations to fail while another driver holds all memory");
        for (int i = 0; i < received; i++) {
            kernel.kfree(buffers[i]);
        }

        ctx.step("the same burst reaches a routine that does not check");
        int delivered = 0;
        try {
            for (int i = 0; i < PACKETS; i++) {
                long buf = kernel.kmalloc(PACKET_BYTES, Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN);
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

        ctx.step("the other driver gives its memory back; the checking routine now receives everything");
        hog.releaseAll();
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
        ctx.expect(ok == PACKETS, "every packet to be received once memory is free again");
        ctx.say("");
        ctx.say("Rule: every kmalloc, kzalloc, krealloc and __get_free_pages can return NULL. Check it.");
    }

    /** Returns the first {@code n} lines of {@code text}. */
    static String firstLines(String text, int n) {
        String[] lines = text.split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(n, lines.length); i++) {
            out.append(lines[i]).append('\n');
        }
        return out.toString();
    }
}
