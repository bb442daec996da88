/**
 * The page allocator contract's machinery ({@code page.*} properties): the chain of allocations and frees
 * ({@code PageChain}), its actions and misuse steps, the geometries a zone is drawn from, and the model
 * ({@code PageModel}) the allocator is compared with after every step.
 *
 * <p>The model is written from the SPI's text, independently of every allocator it checks: it keeps one
 * state per frame and recomputes the free blocks by scanning, so it shares no algorithm (and no bug) with
 * a buddy allocator. Students reach this package through
 * {@link org.kmemlab.testkit.contract.PageAllocatorContract}; it is not exported.
 */
package org.kmemlab.testkit.contract.page;
