package org.kmemlab.api.spi;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;

/**
 * What a {@link SlabCacheProvider} needs to create one cache: the arguments of {@code kmem_cache_create}
 * and where pages come from.
 *
 * @param machine the machine whose memory holds the objects
 * @param pages where slabs come from and go back to
 * @param name the cache's name, shown in {@code /proc/slabinfo} and in bug reports ({@code dentry})
 * @param size the object size in bytes, 1..{@link #MAX_OBJECT_SIZE}
 * @param align the alignment asked for: 0 (none beyond the minimum) or a power of two up to a page
 * @param flags {@link SlabFlags} bits
 * @param ctor the constructor, or {@code null} for none
 */
public record SlabCacheConfig(Machine machine, PageSource pages, String name, long size, int align, int flags,
                              ObjectConstructor ctor) {

    /** The largest object a slab cache MUST serve: 8 pages, 32 KiB (larger objects are pages). */
    public static final long MAX_OBJECT_SIZE = 8L * MachineProfile.PAGE_SIZE;

    /** Checks the arguments, with messages that name the bad value. */
    public SlabCacheConfig {
        Checks.requireNonNull(machine, "machine");
        Checks.requireNonNull(pages, "page source");
        Checks.requireNonNull(name, "cache name");
        Checks.requireArgument(!name.isBlank() && name.chars().noneMatch(Character::isWhitespace),
                "cache name \"%s\" must be one word, such as \"dentry\"", name);
        Checks.requireArgument(size > 0 && size <= MAX_OBJECT_SIZE, "object size %d is not 1..%d", size,
                MAX_OBJECT_SIZE);
        Checks.requireArgument(align >= 0 && Integer.bitCount(align) <= 1 && align <= MachineProfile.PAGE_SIZE,
                "alignment %d is not 0 or a power of two up to a page (%d)", align, MachineProfile.PAGE_SIZE);
        SlabFlags.check(flags);
    }

    /** Returns the alignment every object MUST have ({@link SlabFlags#alignment}). */
    public int alignment() {
        return SlabFlags.alignment(flags, align, size);
    }

    /** Returns true when {@link SlabFlags#SLAB_POISON} applies: asked for, and no constructor. */
    public boolean poisons() {
        return (flags & SlabFlags.SLAB_POISON) != 0 && ctor == null;
    }

    /** Returns true when {@link SlabFlags#SLAB_RED_ZONE} is set. */
    public boolean redZones() {
        return (flags & SlabFlags.SLAB_RED_ZONE) != 0;
    }
}
