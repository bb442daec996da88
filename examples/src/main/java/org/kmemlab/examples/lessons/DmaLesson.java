package org.kmemlab.examples.lessons;

import java.util.Arrays;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.Sizes;
import org.kmemlab.kmalloc.Kernel;

/**
 * The lesson: {@code GFP_DMA} for a device that cannot reach all of memory.
 *
 * <p>The PC's ISA DMA controller ({@link IsaDmaController}) reaches only the first 16 MiB and cannot
 * cross a 64 KiB boundary in one transfer. A floppy driver that reads a whole track by DMA therefore
 * needs a <em>bounce buffer</em> that satisfies both rules, and copies data between it and wherever the
 * caller wants it. Two facts make that easy:
 * <ul>
 *   <li>{@code GFP_DMA} asks for memory below 16 MiB: in Linux 2.0 pages that carry the {@code PG_DMA}
 *       flag (there were no zones, and ordinary requests could take those pages too), today memory from
 *       ZONE_DMA, which is exactly the first 16 MiB;</li>
 *   <li>buddy blocks are naturally aligned (a block of {@code 2^order} pages starts at a multiple of its
 *       own size), so a block of at most 64 KiB (order 4) never crosses a 64 KiB line.</li>
 * </ul>
 * The lesson runs on a Linux 2.0 PC with 64 MiB of RAM (48 MiB of it out of the controller's reach;
 * {@code --profile x86_64} runs it on today's machine with 64 MiB) and tries three buffers: an ordinary kmalloc (above 16 MiB), a slice of a 128 KiB DMA block at an unlucky offset
 * (crosses 64 KiB), and the right one: {@code __get_free_pages(GFP_KERNEL | GFP_DMA, 3)}.
 *
 * <p>Try: ask for order 5 (128 KiB) with GFP_DMA and use all of it: it will cross.
 */
public final class DmaLesson extends Lesson {

    /** A 1.44 MB floppy track: 18 sectors of 512 bytes. */
    static final int TRACK_BYTES = 18 * 512;
    /** The bounce buffer: 8 pages (32 KiB), enough for a track, at most order 4. */
    static final int BOUNCE_ORDER = 3;

    /** Creates the lesson. */
    public DmaLesson() {
        super("dma",
                "GFP_DMA for an ISA DMA controller (below 16 MiB, no 64 KiB crossing): a bounce buffer");
    }

    @Override
    public void run(LessonContext ctx) {
        Kernel kernel = ctx.builder().commandDefault("ram", "64M").boot();
        IsaDmaController dma = new IsaDmaController(kernel.machine());
        long bounceBytes = kernel.machine().pageSize() << BOUNCE_ORDER;
        ctx.say("   machine: %s, %s RAM; the controller reaches 0x0-0x%x", kernel.machine().profile().displayName(),
                Sizes.human(kernel.machine().ramBytes()), IsaDmaController.LIMIT - 1);
        if (kernel.era() == Era.LINUX_2_0) {
            ctx.say("   Linux 2.0 has no zones: free_area_init marks every page PG_DMA and mem_init clears the flag"
                    + " from 16 MiB up; GFP_DMA (__get_dma_pages) searches the free lists for PG_DMA pages, any other"
                    + " request takes any page (kmemlab shows the two sides as DMA and Normal)");
        } else {
            ctx.say("   today GFP_DMA takes ZONE_DMA, the first 16 MiB, whose watermarks and lowmem_reserve keep"
                    + " some of it from ordinary requests");
        }

        ctx.step("wrong: an ordinary kmalloc(" + bounceBytes + ", GFP_KERNEL) buffer");
        long plain = kernel.kmalloc(bounceBytes, Gfp.GFP_KERNEL);
        ctx.expect(plain != KernelMemory.NULL, "kmalloc to succeed on an idle machine");
        String refused = dma.program(kernel.machine().pa(plain), TRACK_BYTES);
        if (kernel.machine().ramBytes() <= IsaDmaController.LIMIT) {
            ctx.say("   all RAM of this machine lies below 16 MiB, so even this buffer is reachable;"
                    + " run the lesson with --ram 64M to see it refused");
        } else {
            ctx.expect(refused != null, "the controller to refuse memory above 16 MiB");
            ctx.say("   physical 0x%x: the controller says: %s", kernel.machine().pa(plain), refused);
        }
        kernel.kfree(plain);

        ctx.step("wrong: below 16 MiB, but a slice of a 128 KiB DMA block starting 48 KiB in");
        long area = kernel.getFreePages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 5);
        ctx.expect(area != KernelMemory.NULL, "a 128 KiB GFP_DMA block on an idle machine");
        long slice = kernel.machine().pa(area) + 48 * 1024;
        refused = dma.program(slice, bounceBytes);
        ctx.expect(refused != null && IsaDmaController.cross64k(slice, bounceBytes),
                "a 32 KiB transfer starting 48 KiB into a 128 KiB-aligned block to cross 64 KiB");
        ctx.say("   CROSS_64KB(0x%x, %d) is true; the controller says: %s", slice, bounceBytes, refused);
        kernel.freePages(area, 5);

        ctx.step("right: " + LessonContext.getFreePagesCall(kernel.era(), "GFP_KERNEL", BOUNCE_ORDER, true)
                + " as the bounce buffer");
        long bounce = kernel.getFreePages(Gfp.GFP_KERNEL | Gfp.GFP_DMA, BOUNCE_ORDER);
        if (bounce == KernelMemory.NULL) {
            throw new LessonFailed("a " + bounceBytes + "-byte GFP_DMA block (ZONE_DMA is exhausted)");
        }
        long phys = kernel.machine().pa(bounce);
        ctx.say("   physical 0x%x-0x%x: below 16 MiB %s, aligned to its size %s, crosses 64 KiB: %s", phys,
                phys + bounceBytes - 1, phys + bounceBytes <= IsaDmaController.LIMIT, phys % bounceBytes == 0,
                IsaDmaController.cross64k(phys, bounceBytes));
        refused = dma.program(phys, TRACK_BYTES);
        ctx.expect(refused == null, "the controller to accept a GFP_DMA block of order <= 4, not: " + refused);

        byte[] track = new byte[TRACK_BYTES];
        for (int i = 0; i < track.length; i++) {
            track[i] = (byte) (i / 512);                 // sector number in every byte of the sector
        }
        dma.deviceToMemory(track);                       // the floppy controller reads the track
        byte[] copy = new byte[TRACK_BYTES];
        kernel.read(bounce, copy, 0, copy.length);       // the driver copies it out of the bounce buffer
        ctx.expect(Arrays.equals(track, copy), "the track to arrive intact in the bounce buffer");
        ctx.say("   the controller accepted; a %d-byte track arrived intact (sector 17 starts with byte %d)",
                TRACK_BYTES, copy[17 * 512]);
        kernel.freePages(bounce, BOUNCE_ORDER);
        ctx.say("");
        ctx.say("Rule: memory a device reads by DMA comes from GFP_DMA (or today the DMA API with the device's"
                + " mask); a naturally aligned block of at most 64 KiB never crosses a 64 KiB line.");
        if (kernel.era() == Era.LINUX_2_0) {
            ctx.say("In 2.0 nothing kept the DMA-capable pages for drivers: on a full machine ordinary requests had"
                    + " taken them, and GFP_DMA failed (kmemlab experiment dma-drain). Drivers allocated their"
                    + " DMA buffers at boot and kept them.");
        }
    }
}
