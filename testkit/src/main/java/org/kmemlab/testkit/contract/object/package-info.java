/**
 * The object allocator contract's machinery ({@code object.*} properties): the chain of allocations,
 * frees and shrinks ({@code ObjectChain}), its actions and misuse steps, and the state that tracks every
 * live object and the pages the allocator holds from its page source.
 *
 * <p>The state is written from the SPI's text, independently of every allocator it checks: it assumes no
 * size-class table and no slot order. Students reach this package through
 * {@link org.kmemlab.testkit.contract.ObjectAllocatorContract}; it is not exported.
 */
package org.kmemlab.testkit.contract.object;
