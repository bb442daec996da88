/**
 * Helpers for tests of allocators, exported so that every module's tests (and the grader) use the same
 * ones instead of copies: {@code SimplePageAllocator}, the testkit's own small correct page allocator
 * (what the zone contract gives a zone allocator by default), and {@code ContractPageSource}, the page
 * source the object contract gives an object allocator (a DMA pool and a normal pool, with a switch that
 * makes every request fail).
 *
 * <p>These helpers are code under test's neighbours, never the contracts' models: the models in
 * {@code contract.page}, {@code contract.object}, {@code contract.zone} and {@code contract.kernel} do not
 * use them to decide what is correct.
 */
package org.kmemlab.testkit.contract.support;
