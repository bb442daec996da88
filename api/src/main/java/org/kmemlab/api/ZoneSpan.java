package org.kmemlab.api;

/**
 * The frames a zone spans: {@code [startPfn, endPfn)}. A zone may be empty (a 16 MiB i386 machine has
 * an empty ZONE_NORMAL, which the kernel still lists).
 *
 * @param type which zone
 * @param startPfn the first frame of the zone
 * @param endPfn one past the last frame of the zone
 */
public record ZoneSpan(ZoneType type, long startPfn, long endPfn) {

    /** Checks that the span is well formed. */
    public ZoneSpan {
        Checks.requireNonNull(type, "zone type");
        Checks.requireArgument(startPfn >= 0 && endPfn >= startPfn,
                "zone span [%d, %d) is not a range of frames", startPfn, endPfn);
    }

    /** Returns the number of frames spanned. */
    public long frames() {
        return endPfn - startPfn;
    }

    /** Returns true when the zone spans no frame. */
    public boolean isEmpty() {
        return endPfn == startPfn;
    }

    /** Returns true when {@code pfn} lies in this zone. */
    public boolean contains(long pfn) {
        return pfn >= startPfn && pfn < endPfn;
    }
}
