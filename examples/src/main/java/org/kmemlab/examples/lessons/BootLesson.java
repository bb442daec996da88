package org.kmemlab.examples.lessons;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.kmalloc.FrameOwner;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: the static ways of old, boot-time allocation, and why they are gone.
 *
 * <p>Before the page allocator exists, the kernel takes memory with a pointer that only moves up: the
 * kernel image, then {@code mem_map} (one {@code struct page} per frame), then whatever early code asks
 * for. In Linux 2.0 drivers did this too: their init functions took {@code memory_start} and returned it
 * moved past the buffers they kept for good. Then {@code mem_init()} hands every frame not taken to the
 * page allocator and the bump pointer is retired.
 *
 * <p>The lesson boots a bare machine, reserves a 64 KiB sound DMA buffer the static way
 * ({@code machine.bootMemory().allocate}), then boots the kernel on that machine
 * ({@code Kernel.builder().machine(machine)}), whose zone allocator retires boot memory.
 * After that a boot allocation is refused, and the buffer can never be freed: the page allocator does
 * not even know those frames (zoneinfo: present minus managed). Memory that is taken and given back at
 * run time (kmalloc, get_free_pages) replaced this, because a buffer needed only while a device is open
 * should not cost memory forever.
 *
 * <p>Try: reserve a second buffer before the zone allocator is created and watch {@code managed} fall.
 */
public final class BootLesson extends Lesson {

    static final long SOUND_BUFFER = 64 * 1024;

    /** Creates the lesson. */
    public BootLesson() {
        super("boot", "the static ways of old: boot-time allocation, and why it is gone");
    }

    @Override
    public void run(LessonContext ctx) {
        Machine machine = ctx.bareMachine(MachineProfile.I386_LINUX_2_0);

        ctx.step("power-on: only the bump allocator exists");
        long sound = machine.bootMemory().allocate("sound DMA buffer", SOUND_BUFFER, SOUND_BUFFER);
        ctx.say("   bootMemory().allocate(\"sound DMA buffer\", 64 KiB) = physical 0x%x", sound);
        ctx.show("the machine's layout", machine.layout());

        ctx.step("mem_init(): the kernel boots; its zone allocator takes every frame that is not reserved");
        Kernel kernel = ctx.builder(MachineProfile.I386_LINUX_2_0).machine(machine).boot();
        ctx.expect(machine.bootMemory().retired(), "the zone allocator to retire boot memory");
        for (ZoneStats z : kernel.zoneinfo()) {
            if (z.present() > 0) {
                ctx.say("   zone %-6s present %5d pages, managed %5d: %d pages are boot memory, never managed",
                        z.type().procName(), z.present(), z.managed(), z.present() - z.managed());
            }
        }
        long pfn = machine.physToPfn(sound);
        ctx.say("   frameOwner(pfn %d) = %s", pfn, kernel.frameOwner(pfn).label());
        ctx.expect(kernel.frameOwner(pfn) == FrameOwner.RESERVED, "the sound buffer's frames to stay reserved");

        ctx.step("after mem_init(), a driver loaded late asks for boot memory");
        try {
            machine.bootMemory().allocate("late driver buffer", SOUND_BUFFER, SOUND_BUFFER);
            throw new LessonFailed("boot memory to be refused after mem_init()");
        } catch (IllegalStateException refused) {
            ctx.say("   refused: %s", refused.getMessage());
        }

        ctx.step("the sound buffer is no longer needed; can it be freed?");
        try {
            kernel.freePagesPfn(pfn, 4);
            throw new LessonFailed("freeing boot memory to be reported as a bug");
        } catch (KernelBug bug) {
            ctx.say("   %s: the page allocator never owned it", kernel.era() == Era.LINUX_2_0
                    ? Checks.format("free_pages(0x%x, 4)", pfn << MachineProfile.PAGE_SHIFT)   // 2.0: no struct page API
                    : Checks.format("__free_pages(pfn %d, order 4)", pfn));
            ctx.report(bug);
        }

        ctx.step("the dynamic way: take 64 KiB when the device opens, give it back when it closes");
        long block = kernel.allocPages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 4);
        ctx.expect(block != PageAllocator.NO_PAGE, "a 64 KiB GFP_DMA block on an idle machine");
        long before = kernel.meminfo().memFree();
        kernel.freePagesPfn(block, 4);
        ctx.say("   %s; freed again: MemFree %d kB -> %d kB", kernel.era() == Era.LINUX_2_0
                ? Checks.format("%s = 0x%x", LessonContext.getFreePagesCall(Era.LINUX_2_0, "GFP_KERNEL", 4, true),
                        block << MachineProfile.PAGE_SHIFT)
                : Checks.format("alloc_pages(GFP_KERNEL|GFP_DMA, 4) = pfn %d", block), before,
                kernel.meminfo().memFree());
        ctx.showFreeLists(kernel);
        ctx.say("");
        ctx.say("Rule: boot memory is for what the kernel needs for its whole life (mem_map); everything else is"
                + " allocated when needed and freed when done.");
    }
}
