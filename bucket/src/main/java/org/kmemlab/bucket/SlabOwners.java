package org.kmemlab.bucket;

import org.kmemlab.api.Checks;
import org.kmemlab.api.MachineProfile;

/**
 * Which slab owns each frame: the bucket allocator's private part of {@code struct page}, found from an
 * address in O(1) so that {@code free} and {@code usableSize} never search.
 *
 * <h2>Why two levels</h2>
 * Linux keeps a {@code struct page} for every frame and reads {@code page->slab_cache} on kfree. The
 * kernel side of kmemlab does the same: kmalloc's {@code FrameTable} is a set of flat arrays over every
 * frame of RAM (3 bytes per frame, plus 1,024 bytes of object states per frame of a 16-frame group that has
 * ever held a slab), because the kernel must answer for any address. An object allocator is a guest of
 * that kernel: it sees only the pages its page source gave it, usually a small part of RAM, and it may not
 * reach into the kernel's table. A flat {@code int[]} of its own over all frames would cost 4 bytes per
 * frame up front: 16 MiB of Java heap for a 16 GiB machine, 64 MiB for 64 GiB, even when the allocator
 * holds ten pages. A hash keyed by pfn would be small but needs probing and tombstones. So this table is
 * split like {@code CONFIG_SPARSEMEM}'s {@code mem_section}: a directory with one reference per section
 * of {@value #SECTION_FRAMES} frames (4 MiB of RAM), and a section array of ints created the first time a
 * slab lands in that section. A lookup is two array loads.
 *
 * <p>Metadata bytes per frame: 4 in a section that holds or held a slab (an int), 0 elsewhere, plus the
 * directory's reference per 1,024 frames (4 bytes with compressed references, so 1/256 byte per frame).
 *
 * <p>An entry holds the slab id plus one, so the zero of a fresh section means "not a slab page".
 * Sections are never released: a section that held a slab once is likely to hold one again.
 */
final class SlabOwners {

    /** log2 of the frames per section. */
    static final int SECTION_SHIFT = 10;
    /** Frames per section: 1024 frames, 4 MiB of RAM. */
    static final int SECTION_FRAMES = 1 << SECTION_SHIFT;
    private static final int SECTION_MASK = SECTION_FRAMES - 1;

    private final long frames;
    private final int[][] sections;
    private long mappedFrames;

    /** Creates an empty table for a machine of {@code frames} frames. */
    SlabOwners(long frames) {
        Checks.requireArgument(frames > 0, "frame count %d must be positive", frames);
        this.frames = frames;
        this.sections = new int[(int) ((frames + SECTION_MASK) >>> SECTION_SHIFT)][];
    }

    /** Returns the slab that owns frame {@code pfn}, or -1 when no slab does (or pfn is outside RAM). */
    int slabOf(long pfn) {
        if (pfn < 0 || pfn >= frames) {
            return -1;
        }
        int[] section = sections[(int) (pfn >>> SECTION_SHIFT)];
        return section == null ? -1 : section[(int) pfn & SECTION_MASK] - 1;
    }

    /**
     * Returns the slab that owns the frame of physical address {@code phys}, or -1 when no slab does (or the
     * address is outside RAM, negative ones included).
     */
    int slabOfPhys(long phys) {
        long pfn = phys >>> MachineProfile.PAGE_SHIFT;
        if (pfn >= frames) {
            return -1;
        }
        int[] section = sections[(int) (pfn >>> SECTION_SHIFT)];
        return section == null ? -1 : section[(int) pfn & SECTION_MASK] - 1;
    }

    /**
     * Records that the {@code 2^order} frames from {@code pfn} belong to slab {@code slab}.
     *
     * @throws IllegalStateException when one of the frames already belongs to a slab (the page source
     *         handed it out twice); nothing is recorded then
     */
    void map(long pfn, int order, int slab) {
        long end = pfn + (1L << order);
        for (long f = pfn; f < end; f++) {
            int owner = slabOf(f);
            if (owner >= 0) {
                throw new IllegalStateException(Checks.format(
                        "the page source handed out pfn %d twice: it already belongs to slab %d", f, owner));
            }
        }
        for (long f = pfn; f < end; f++) {
            int index = (int) (f >>> SECTION_SHIFT);
            if (sections[index] == null) {
                sections[index] = new int[SECTION_FRAMES];
            }
            sections[index][(int) f & SECTION_MASK] = slab + 1;
        }
        mappedFrames += 1L << order;
    }

    /** Forgets the {@code 2^order} frames from {@code pfn}. */
    void unmap(long pfn, int order) {
        for (long f = pfn; f < pfn + (1L << order); f++) {
            sections[(int) (f >>> SECTION_SHIFT)][(int) f & SECTION_MASK] = 0;
        }
        mappedFrames -= 1L << order;
    }

    /** Returns how many frames are mapped to some slab. */
    long mappedFrames() {
        return mappedFrames;
    }
}
