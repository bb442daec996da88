/**
 * The SPI contracts: what every implementation of an allocator SPI must do, as properties.
 *
 * <p>A student tests a page allocator with one class:
 * <pre>{@code
 * class MyBuddyTests extends PageAllocatorContract {
 *     @Override
 *     protected PageAllocatorProvider provider() {
 *         return new MyBuddyProvider();
 *     }
 * }
 * }</pre>
 * and gets one JUnit test per {@link org.kmemlab.testkit.contract.ContractProperty}. The autograder calls
 * the static {@code properties(provider)} of each contract and checks them without JUnit, reading
 * {@link org.kmemlab.testkit.contract.PropertyResult}s.
 *
 * <h2>Layout</h2>
 * This package is the public face of the contracts, what student templates and the grader use: one
 * abstract JUnit class per SPI ({@code PageAllocatorContract}, {@code ObjectAllocatorContract},
 * {@code ZoneAllocatorContract}, {@code KernelContract}) with its static {@code properties(...)}, and
 * {@link org.kmemlab.testkit.contract.ContractProperty}, {@link org.kmemlab.testkit.contract.PropertyResult}
 * and the JUnit glue {@link org.kmemlab.testkit.contract.ContractJUnit}. Each contract's machinery
 * (chain, actions, model, invariants, its list of properties) lives in a subpackage of its own:
 * {@code contract.page}, {@code contract.object}, {@code contract.zone}, {@code contract.kernel};
 * {@code contract.chain} holds what their chains share, and {@code contract.support} (exported) the test
 * helpers every module's tests use.
 *
 * <p>Contract properties never assume which free block or slot an implementation picks, LIFO or address
 * order, or a particular size-class table: only what the SPI's Javadoc says MUST happen. What it says
 * SHOULD happen is reported as a warning.
 */
package org.kmemlab.testkit.contract;
