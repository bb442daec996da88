/**
 * The slab cache contract's machinery ({@code slab.*}): the chain ({@link
 * org.kmemlab.testkit.contract.slab.SlabChain}), its state and model, its actions and the list of
 * properties. The public entry point is {@code org.kmemlab.testkit.contract.SlabCacheContract}.
 */
package org.kmemlab.testkit.contract.slab;
