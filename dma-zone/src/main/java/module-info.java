/**
 * The reference zone allocator: one page allocator per free range of each zone (DMA, DMA32, Normal),
 * the watermarks of Linux 2.0 and of today's kernel, {@code lowmem_reserve}, the zonelist fallback,
 * direct reclaim through shrinkers and bounded waiting. Reached only through its provider,
 * {@code dma-zone-reference}.
 */
module org.kmemlab.dmazone {
    requires org.kmemlab.api;

    provides org.kmemlab.api.spi.ZoneAllocatorProvider with org.kmemlab.dmazone.DmaZoneAllocatorProvider;
}
