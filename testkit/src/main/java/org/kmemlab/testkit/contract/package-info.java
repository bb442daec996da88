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
 * <p>Contract properties never assume which free block or slot an implementation picks, LIFO or address
 * order, or a particular size-class table: only what the SPI's Javadoc says MUST happen. What it says
 * SHOULD happen is reported as a warning.
 */
package org.kmemlab.testkit.contract;
