/**
 * Pieces the page, object and kernel contracts' chains share: a shuffled free-everything step that
 * shrinks by dropping frees ({@code FreeList}), the byte patterns written into live memory
 * ({@code Patterns}), random GFP masks and interior offsets ({@code Draws}), report formatting
 * ({@code Reports}), the no-garbage warning measured once per property ({@code NoGarbage}) and what the
 * failure-page pictures share ({@code Pictures}). Nothing here knows one SPI; nothing here is exported.
 */
package org.kmemlab.testkit.contract.chain;
