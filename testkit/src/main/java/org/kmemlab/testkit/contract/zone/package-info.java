/**
 * The zone allocator contract's machinery ({@code zone.*} properties): random chains over a booted
 * machine with DMA, DMA32 and Normal zones, fixed scenarios for what needs time or a second thread
 * (waiting, {@code __GFP_NOFAIL}, reclaim), the zone model and its invariants, and page allocators that
 * track every call the zone allocator makes.
 *
 * <p>Reached through {@link org.kmemlab.testkit.contract.ZoneAllocatorContract}; not exported.
 */
package org.kmemlab.testkit.contract.zone;
