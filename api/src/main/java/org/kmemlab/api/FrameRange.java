package org.kmemlab.api;

/**
 * A run of contiguous frames {@code [startPfn, startPfn + frames)} inside one zone: what boot memory
 * hands to the page allocator once the kernel image and the frame table are reserved.
 *
 * @param zone the zone the frames belong to
 * @param startPfn the first frame
 * @param frames how many frames, at least one
 */
public record FrameRange(ZoneType zone, long startPfn, long frames) {

    /** Checks that the range is well formed. */
    public FrameRange {
        Checks.requireNonNull(zone, "zone");
        Checks.requireArgument(startPfn >= 0, "start pfn %d is negative", startPfn);
        Checks.requireArgument(frames > 0, "a frame range needs at least one frame, not %d", frames);
    }

    /** Returns one past the last frame. */
    public long endPfn() {
        return startPfn + frames;
    }
}
