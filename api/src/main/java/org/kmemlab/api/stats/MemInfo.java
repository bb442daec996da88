package org.kmemlab.api.stats;

/**
 * The figures of {@code /proc/meminfo} that a simulated machine has, in kB (1024 bytes), in the
 * kernel's order.
 *
 * @param memTotal RAM the page allocator manages (physical RAM minus boot-time reservations)
 * @param memFree free pages
 * @param memAvailable an estimate of memory available without swapping: free minus the low
 *                     watermarks plus what reclaim could drop
 * @param cached the simulated page cache
 * @param slab memory in object-allocator pages (SReclaimable + SUnreclaim)
 * @param sReclaimable the reclaimable part of {@code slab}
 * @param sUnreclaim the rest of {@code slab}
 * @param pageTables memory in page tables (vmalloc's)
 * @param vmallocTotal the size of the vmalloc area
 * @param vmallocUsed memory mapped by vmalloc
 * @param vmallocChunk the largest free run of the vmalloc area (0 on modern kernels, which stopped
 *                     computing it)
 */
public record MemInfo(long memTotal, long memFree, long memAvailable, long cached, long slab, long sReclaimable,
                      long sUnreclaim, long pageTables, long vmallocTotal, long vmallocUsed, long vmallocChunk) {
}
