/**
 * The kernel contract's machinery ({@code kernel.*} properties): chains of kmalloc, kfree,
 * getFreePages and atomic-context calls on the {@link org.kmemlab.api.KernelMemory} facade, the state of
 * every live allocation, and the accounting checks that make meminfo, zoneinfo and slabinfo agree.
 *
 * <p>Reached through {@link org.kmemlab.testkit.contract.KernelContract}; not exported.
 */
package org.kmemlab.testkit.contract.kernel;
