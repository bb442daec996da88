/**
 * The simulated machine and the contracts students implement.
 *
 * <ul>
 *   <li>{@code org.kmemlab.api}: {@link org.kmemlab.api.Machine} (profile, physical memory, direct map,
 *       zone layout, boot memory, dmesg, execution context) and {@link org.kmemlab.api.Gfp};</li>
 *   <li>{@code org.kmemlab.api.bug}: {@link org.kmemlab.api.bug.KernelBug} and its kinds, the one way
 *       misuse is reported;</li>
 *   <li>{@code org.kmemlab.api.spi}: the four allocator SPIs (pages, objects, zones, slab caches), their providers and the registry that finds
 *       providers by name;</li>
 *   <li>{@code org.kmemlab.api.stats}: the records behind {@code /proc/buddyinfo}, {@code /proc/slabinfo},
 *       {@code /proc/zoneinfo} and {@code /proc/meminfo}, and their text layout.</li>
 * </ul>
 *
 * This module depends on {@code java.base} only, so a student submission that depends on it depends on
 * nothing else.
 */
module org.kmemlab.api {
    exports org.kmemlab.api;
    exports org.kmemlab.api.bug;
    exports org.kmemlab.api.spi;
    exports org.kmemlab.api.stats;

    uses org.kmemlab.api.spi.PageAllocatorProvider;
    uses org.kmemlab.api.spi.ObjectAllocatorProvider;
    uses org.kmemlab.api.spi.ZoneAllocatorProvider;
    uses org.kmemlab.api.spi.SlabCacheProvider;
}
