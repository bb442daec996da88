package org.kmemlab.examples.lessons;

import java.nio.charset.StandardCharsets;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.kmalloc.Kernel;

/**
 * Lesson 9: a kernel that prints a warning and carries on hides the bug where it happened.
 *
 * <p>Linux 2.0's {@code kfree} noticed a block that was not in use (its header said MF_FREE), printed
 * {@code kfree of non-kmalloced memory: …} and returned. The machine went on, and so did the buggy driver.
 * The lesson's driver frees its buffer twice every time it closes. The first time, the buffer is still
 * free when the second kfree comes: 2.0 prints its line (kmemlab, by default, stops here, which is where
 * the bug is). The second time, another driver got the same block in between (the free list hands out
 * the block freed last), so the header says MF_USED again and the second kfree frees the other driver's
 * block without a word. The next kmalloc hands that block out a second time, and two drivers share one
 * buffer: the corruption shows up in code that did nothing wrong.
 *
 * <p>Today's kernel stops at the first report ({@code BUG kmalloc-128: Object already free}, or with
 * KASAN a report at the first bad access); kmemlab's default on the 2.0 era does the same, and
 * {@code kmemlab.misuse=carry-on} restores 2.0's behaviour, which the second half of this lesson uses.
 *
 * <p>Try: run the lesson with {@code --era modern} and compare the first report.
 */
public final class CarryOnLesson extends Lesson {

    static final long BUFFER_BYTES = 100;

    /** Creates the lesson. */
    public CarryOnLesson() {
        super("carry-on", "a kernel that warns and carries on: a double kfree on Linux 2.0 and what it leads to");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.step("a driver frees its buffer twice on close (" + ctx.kernel().era() + " era, the default)");
        Kernel kernel = ctx.kernel();
        long buf = kernel.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL);
        ctx.expect(buf != KernelMemory.NULL, "kmalloc to succeed on an idle machine");
        kernel.kfree(buf);
        try {
            kernel.kfree(buf);   // BUG: freed twice
            throw new LessonFailed("the second kfree to be reported");
        } catch (KernelBug bug) {
            ctx.report(bug);
        }

        ctx.step("the same driver on Linux 2.0 as it really ran: print and carry on (kmemlab.misuse=carry-on)");
        Kernel old = ctx.builder(MachineProfile.I386_LINUX_2_0).profile(MachineProfile.I386_LINUX_2_0)
                .ram(16L << 20).era(Era.LINUX_2_0).cpuCaches(false).carryOnAfterMisuse(true).boot();
        long first = old.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL);
        ctx.expect(first != KernelMemory.NULL, "kmalloc to succeed on an idle machine");
        old.kfree(first);
        old.kfree(first);    // BUG: 2.0 prints one line and returns
        ctx.say("   first close: kfree(0x%x) twice; the kernel log says:", first);
        ctx.say("     %s", lastLine(old.dmesg()));

        ctx.step("second open and close: another driver got the block in between");
        long mine = old.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL);              // the driver opens again
        ctx.expect(mine != KernelMemory.NULL, "kmalloc to succeed");
        old.kfree(mine);                                                   // ... and closes: first kfree
        long packet = old.kmalloc(BUFFER_BYTES, Gfp.GFP_ATOMIC);           // the network driver's packet
        ctx.expect(packet == mine, "the free list to hand out the block freed last");
        write(old, packet, "ping from 10.0.0.2");
        long logLines = old.machine().dmesg().nextSequence();
        old.kfree(mine);                                                   // second kfree: MF_USED, so it frees
        ctx.expect(old.machine().dmesg().nextSequence() == logLines, "2.0 to free the packet without a word");
        ctx.say("   the network driver's packet 0x%x now sits on the free list, and nobody was told", packet);
        long sector = old.kmalloc(BUFFER_BYTES, Gfp.GFP_KERNEL);           // the floppy driver's sector
        ctx.expect(sector == packet, "the next kmalloc to hand the same block out again");
        write(old, sector, "FAT12   sector 0");
        ctx.say("   the floppy driver's kmalloc returned 0x%x, the same block, and wrote its sector", sector);
        String seen = read(old, packet, 18);
        ctx.expect(!seen.equals("ping from 10.0.0.2"), "the packet to be overwritten");
        ctx.say("   the network driver reads its packet back: \"%s\"", seen);
        ctx.say("");
        ctx.say("Rule: a kfree that the kernel complains about is a bug to fix now; a kernel that carries on"
                + " turns it into corruption of someone else's data later.");
    }

    private static void write(Kernel kernel, long addr, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        kernel.write(addr, bytes, 0, bytes.length);
    }

    private static String read(Kernel kernel, long addr, int length) {
        byte[] bytes = new byte[length];
        kernel.read(addr, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII).replace('\0', ' ').strip();
    }

    private static String lastLine(String dmesg) {
        String[] lines = dmesg.strip().split("\n");
        return lines[lines.length - 1];
    }
}
