package org.kmemlab.testkit.contract.slab;

/** The invariants a slab property checks beyond what every step checks. */
enum SlabCheck {
    /** Live objects keep the bytes written into them (nothing of the cache writes into a live object). */
    PATTERNS,
    /** slabinfo matches the model and the pages held, after every step. */
    ACCOUNTING,
    /** NULL only when the page source refused, and then nothing changed. */
    FAILED_ALLOCATION,
    /** After shrink() no slab without a live object is held; after destroy() none at all. */
    SHRINK,
    /** The constructor runs once per object per slab, before the object is first handed out. */
    CONSTRUCTOR,
    /** Poison of free objects and red zones of live ones are as the flags say. */
    DEBUG,
    /** {@code __GFP_ZERO} zeroes; {@code SLAB_CACHE_DMA} slabs are DMA pages. */
    GFP
}
