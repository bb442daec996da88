package org.kmemlab.api.spi;

/**
 * A slab cache's constructor ({@code void (*ctor)(void *)}): puts a fresh object into its constructed
 * state, the state its users leave it in when they free it (a list head pointing at itself, a lock
 * unlocked, a reference count of zero).
 *
 * <p>A {@link SlabCache} calls it once per object when the object's slab is made, never on an object that
 * comes back from a free: that is the whole saving of Bonwick's design. A constructor MUST only write
 * inside the object it is given, MUST NOT allocate from the same cache, and SHOULD be cheap and pure.
 */
@FunctionalInterface
public interface ObjectConstructor {

    /**
     * Constructs the object at {@code addr}.
     *
     * @param addr the direct-map address of the object's first byte
     */
    void construct(long addr);
}
